"""Commands that run and configure a center: up, serve, migrate, import, export, user add."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr, ValidationError
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply import IssuedSecret, apply_user
from callfloor.center.demo import DEMO_SLUG, read_logins, save_logins, seed_demo
from callfloor.center.schema import UserSpec
from callfloor.center.transfer import dump_center, export_center, import_center
from callfloor.cli.base import app, console, fail, user_app
from callfloor.core.roles import Role
from callfloor.settings import Settings
from callfloor.storage import NotFoundError, StorageError
from callfloor.storage.db import make_engine, session_factory
from callfloor.storage.migrate import upgrade
from callfloor.storage.models import Number
from callfloor.storage.passwords import MIN_PASSWORD_LENGTH, Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox
from callfloor.yamlfile import YamlFileError, load_yaml


def _migrated(settings: Settings) -> Settings:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(make_engine(settings.resolved_database_url))
    return settings


@app.command()
def migrate() -> None:
    """Bring the database schema to the latest version."""
    settings = _migrated(Settings())
    console.print(f"Database migrated: {settings.resolved_database_url}", highlight=False)


def _print_secrets(title: str, secrets: list[IssuedSecret]) -> None:
    table = Table(title=title)
    for column in ("kind", "login / extension", "password"):
        table.add_column(column)
    for secret in secrets:
        table.add_row(secret.kind, secret.who, secret.secret)
    console.print(table)


@app.command()
def up() -> None:
    """Migrate, seed the demo tenant on an empty database, print the URLs and logins, serve."""
    from callfloor.server.runner import run

    settings = _migrated(Settings())
    sessions = session_factory(make_engine(settings.resolved_database_url))
    with sessions.begin() as session:
        if Platform(session).is_empty():
            report = seed_demo(session, Passwords.from_settings(settings))
            save_logins(settings.data_dir, report.secrets)
            console.print("Demo tenant « Démo » created.")
    if secrets := read_logins(settings.data_dir):
        _print_secrets(
            f"Demo logins (tenant demo) — also in {settings.data_dir / 'demo-logins.txt'}", secrets
        )
    base = f"http://{settings.http_host}:{settings.http_port}"
    console.print(f"Web:    {base}/\nAPI:    {base}/api/docs\nHealth: {base}/api/health", highlight=False)
    sip = f"sip:{settings.sip_host}:{settings.sip_port}"
    console.print(f"SIP:    {sip} (UDP and TCP; phones register their extension there)", highlight=False)
    if numbers := _demo_numbers(sessions):
        console.print(f"Call:   {numbers}", highlight=False)
    run(settings)


def _demo_numbers(sessions: sessionmaker[Session]) -> str:
    """The demo tenant's numbers and where they lead, to dial at once."""
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug(DEMO_SLUG)
        if tenant is None:
            return ""
        numbers = TenantScope(session, tenant.id).numbers.list()
        return ", ".join(f"{n.number} ({_destination(n)})" for n in numbers)


def _destination(number: Number) -> str:
    if number.flow is not None:
        return f"IVR flow {number.flow.name}"
    return f"queue {number.queue.name}" if number.queue is not None else "nowhere"


@app.command()
def serve() -> None:
    """Serve HTTP (and SIP, when it lands) on an already migrated database."""
    from callfloor.server.runner import run

    run(Settings())


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Center YAML file.")],
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant slug (created if missing).")],
) -> None:
    """Create or update a tenant's skills, queues, agents, users and dispositions from YAML."""
    settings = _migrated(Settings())
    sessions = session_factory(make_engine(settings.resolved_database_url))
    try:
        with sessions.begin() as session:
            report = import_center(
                session, tenant, load_yaml(file), Passwords.from_settings(settings),
                box=SecretBox.from_settings(settings),
            )  # fmt: skip
    except (StorageError, YamlFileError) as exc:
        fail(getattr(exc, "problems", [str(exc)]))
        return
    for kind in sorted(set(report.created) | set(report.updated)):
        console.print(f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated")
    if report.secrets:
        _print_secrets("Generated passwords (shown once)", report.secrets)


@app.command()
def export(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant slug.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write a tenant's configuration as center YAML (no secrets)."""
    settings = Settings()
    sessions = session_factory(make_engine(settings.resolved_database_url))
    try:
        with sessions() as session:
            text = dump_center(export_center(session, tenant))
    except StorageError as exc:
        fail([f"unknown tenant {tenant!r}" if "tenant" in str(exc) else str(exc)])
        return
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="Login e-mail.")],
    role: Annotated[Role, typer.Option("--role", help="Role.")] = Role.ADMIN,
    tenant: Annotated[str | None, typer.Option("--tenant", help="Tenant slug (not for superadmin).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", help="Password (asked when omitted; avoid it in shell history)."),
    ] = None,
) -> None:
    """Add a user, or set the name, role and password of an existing one."""
    if (role == Role.SUPERADMIN) == (tenant is not None):
        fail(["a superadmin has no --tenant; every other role needs one"])
    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        spec = (
            UserSpec(email=email, name=name or email, role=role, password=SecretStr(secret))
            if tenant
            else None
        )
    except ValidationError as exc:
        fail([f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()])
        return
    if len(secret) < MIN_PASSWORD_LENGTH:
        fail([f"the password needs at least {MIN_PASSWORD_LENGTH} characters"])
    settings = _migrated(Settings())
    passwords = Passwords.from_settings(settings)
    try:
        with session_factory(make_engine(settings.resolved_database_url)).begin() as session:
            platform = Platform(session)
            if spec is None:
                platform.save_superadmin(email, name or email, passwords.hash(secret))
                tenant_id = None
            else:
                found = platform.tenant_by_slug(tenant or "")
                if found is None:
                    raise NotFoundError(f"unknown tenant {tenant!r}")
                existing = TenantScope(session, found.id).users.by_email(email)
                apply_user(TenantScope(session, found.id), spec, passwords, existing)
                tenant_id = found.id
            audit(
                session, "user.save", tenant_id=tenant_id, target=email.lower(), details={"role": role.value}
            )
    except StorageError as exc:
        fail([str(exc)])
    console.print(f"User {email} ({role.value}) saved.", highlight=False)
