"""``callfloor import-list``, ``import-dnc`` and ``import-consents``, run as a user runs them."""

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.models import AuditLog
from callfloor.storage.outbound import DncEntry, Lead, PhoneConsent
from callfloor.storage.platform import Platform
from tests.test_cli import cli, env  # noqa: F401 - the fixture is used by name

LEADS = "Nom;Prénom;Tél;N° devis\r\nMartin;Jeanne;06 12 34 56 78;D-1\r\nPetit;Léa;pas un numéro;D-2\r\n"


def _count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_list_dry_run_then_for_real_then_again(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        Campaigns(session, tenant.id).create("relance", "quote_followup")
    source = tmp_path / "devis.csv"
    source.write_bytes(LEADS.encode("cp1252"))
    args = ("import-list", str(source), "--campaign", "relance", "--map", "phone=Tél")
    dry = cli(env, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run" in dry.stdout and "pas un numéro" in dry.stdout and "phone ← Tél" in dry.stdout
    assert _count(sessions, Lead) == 0
    done = cli(env, *args, "--tenant", "acme", "--list-name", "Mars")
    assert done.returncode == 0, done.stderr
    assert "│ 3 " in done.stdout  # the refused line
    again = cli(env, *args)
    assert again.returncode == 0, again.stderr
    assert _count(sessions, Lead) == 1
    with sessions() as session:
        actions = list(session.scalars(select(AuditLog.action).where(AuditLog.action == "import.leads")))
    assert actions == ["import.leads", "import.leads"]


def test_mapping_and_campaign_errors_are_clear_and_write_nothing(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        Campaigns(session, tenant.id).create("relance", "quote_followup")
        Platform(session).create_tenant("globex", "Globex")
    source = tmp_path / "devis.csv"
    source.write_bytes(LEADS.encode("cp1252"))
    column = cli(env, "import-list", str(source), "--campaign", "relance", "--tenant", "acme", "--map",
                 "phone=Portable")  # fmt: skip
    assert column.returncode == 1
    assert (
        "no column 'Portable' in the file" in column.stderr and "pas de colonne 'Portable'" in column.stderr
    )
    field = cli(env, "import-list", str(source), "--campaign", "relance", "--tenant", "acme", "--map", "tel")
    assert field.returncode == 1 and "write field=Column" in field.stderr
    campaign = cli(env, "import-list", str(source), "--campaign", "soldes", "--tenant", "acme")
    assert campaign.returncode == 1 and "campagne inconnue 'soldes'" in campaign.stderr
    which = cli(env, "import-list", str(source), "--campaign", "relance")  # two tenants: say which
    assert which.returncode == 1 and "--tenant (acme, globex)" in which.stderr
    assert _count(sessions, Lead) == 0


def test_import_dnc_and_consents(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    with sessions.begin() as session:
        Platform(session).create_tenant("acme", "Acme")
    dnc = tmp_path / "bloctel.csv"
    dnc.write_text("Numéro;Motif\n06 12 34 56 78;opposition\nfaux;\n", encoding="utf-8")
    done = cli(env, "import-dnc", str(dnc), "--source", "bloctel")
    assert done.returncode == 0, done.stderr
    assert "opposition (bloctel)" in done.stdout and "│ 3 " in done.stdout
    assert _count(sessions, DncEntry) == 1
    consents = tmp_path / "consents.csv"
    consents.write_text(
        "Téléphone,Origine,Date,Preuve\n0612345678,web,2026-03-01,case cochée\n0612345679,web,,oui\n",
        encoding="utf-8",
    )
    given = cli(env, "import-consents", str(consents), "--purpose", "prospecting")
    assert given.returncode == 0, given.stderr
    assert "given_at" in given.stdout and _count(sessions, PhoneConsent) == 1
    bad = cli(env, "import-dnc", str(dnc), "--source", "rumour")
    assert bad.returncode == 1 and "source : parmi" in bad.stderr
