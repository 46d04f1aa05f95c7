"""``callfloor crm import`` and ``crm export``, run as a user runs them, on a real database."""

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from tests.test_cli import cli, env  # noqa: F401 - the fixture is used by name

CONTACTS = (
    "N° client;Nom;Prénom;Téléphone\r\nC1;Martin;Jeanne;01 40 00 00 01\r\nC2;Petit;Léa;pas un numéro\r\n"
)


def test_import_dry_run_then_import_export_and_reimport(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    with sessions.begin() as session:
        tenant_id = Platform(session).create_tenant("acme", "Acme").id
    source = tmp_path / "clients.csv"
    source.write_bytes(CONTACTS.encode("cp1252"))
    args = ("crm", "import", str(source), "--tenant", "acme", "--kind", "contacts")
    dry = cli(env, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run" in dry.stdout and "pas un numéro" in dry.stdout
    with sessions() as session:
        assert TenantScope(session, tenant_id).contacts.list() == []
    done = cli(env, *args)
    assert done.returncode == 0, done.stderr
    assert "│ 3 " in done.stdout  # the refused line
    exported = tmp_path / "out.xlsx"
    assert (
        cli(env, "crm", "export", "--tenant", "acme", "--kind", "contacts", "-o", str(exported)).returncode
        == 0
    )
    again = cli(env, "crm", "import", str(exported), "--tenant", "acme", "--kind", "contacts")
    assert again.returncode == 0, again.stderr
    with sessions() as session:
        assert [c.last_name for c in TenantScope(session, tenant_id).contacts.list()] == ["Martin"]
    unknown = cli(env, "crm", "import", str(source), "--tenant", "nope", "--kind", "contacts")
    assert unknown.returncode == 1 and "unknown tenant 'nope'" in unknown.stderr
