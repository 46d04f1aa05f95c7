"""``callfloor quote-followup``, run as a user runs it: ages, amounts, a dry run, clear refusals."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.lines import LineInput
from callfloor.crm.sales import Sales
from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.models import AuditLog
from callfloor.storage.outbound import Lead
from callfloor.storage.platform import Platform
from tests.test_cli import cli, env  # noqa: F401 - the fixture is used by name


def _quotes(sessions: sessionmaker[Session]) -> list[str]:
    """Tenant acme's quotes sent 10 days (1,200 €), 20 days (90 €) and 2 days ago; their numbers."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        Campaigns(session, tenant.id).create("relance", "quote_followup")
        Campaigns(session, tenant.id).create("sondage", "survey")
        customers, sales = CustomerFile(session, tenant.id), Sales(session, tenant.id)
        numbers = []
        for n, (days, amount) in enumerate([(10, "1200.00"), (20, "90.00"), (2, "500.00")]):
            contact = customers.create_contact({"first_name": f"P{n}"}, phones=[PhoneInput(f"06{n}1234567")])
            line = LineInput(reference="F", label="Pose", unit_price=Decimal(amount), vat_rate=Decimal(0))
            sent = sales.local_date(now) - timedelta(days=days)
            quote = sales.create_quote(
                {"contact_id": contact.id, "valid_until": date(2999, 1, 1)}, [line], now=now
            )
            numbers.append(sales.send(quote, today=sent, now=now).number)
    return numbers


def _counts(stdout: str) -> list[int]:
    """The report's numbers: created, refreshed, unchanged, closed, merged, skipped."""
    (row,) = [line for line in stdout.splitlines() if line.startswith("│")]
    return [int(cell) for cell in row.strip("│ ").split("│")]


def _leads(sessions: sessionmaker[Session]) -> set[str]:
    with sessions() as session:
        return {lead.data["quote_number"] for lead in session.scalars(select(Lead))}


def test_quote_followup_by_age_and_amount_then_for_real(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    ten, twenty, _ = _quotes(sessions)
    args = ("quote-followup", "--campaign", "relance", "--min-age", "7d")
    dry = cli(env, *args, "--min-amount", "1 000,00", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run" in dry.stdout and _counts(dry.stdout) == [1, 0, 0, 0, 0, 0]
    assert _leads(sessions) == set()
    weeks = cli(env, "quote-followup", "--campaign", "relance", "--min-age", "2w", "--max-age", "30")
    assert weeks.returncode == 0, weeks.stderr
    assert _leads(sessions) == {twenty}
    done = cli(env, *args, "--tenant", "acme")
    assert done.returncode == 0, done.stderr
    assert _leads(sessions) == {ten, twenty} and _counts(done.stdout) == [1, 0, 1, 0, 0, 0]
    with sessions() as session:
        details = list(
            session.scalars(select(AuditLog.details).where(AuditLog.action == "campaign.quote_targets"))
        )
    assert [d["created"] for d in details] == [1, 1] and details[1]["unchanged"] == 1


def test_quote_followup_refusals_are_clear_and_write_nothing(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    _quotes(sessions)
    survey = cli(env, "quote-followup", "--campaign", "sondage", "--min-age", "7")
    assert survey.returncode == 1
    assert "not a quote follow-up" in survey.stderr and "pas une relance de devis" in survey.stderr
    age = cli(env, "quote-followup", "--campaign", "relance", "--min-age", "une semaine")
    assert age.returncode == 1 and "n'est pas un âge" in age.stderr
    amount = cli(env, "quote-followup", "--campaign", "relance", "--min-age", "7", "--min-amount", "beaucoup")
    assert amount.returncode == 1 and "--min-amount" in amount.stderr
    unknown = cli(env, "quote-followup", "--campaign", "soldes", "--min-age", "7")
    assert unknown.returncode == 1 and "campagne inconnue 'soldes'" in unknown.stderr
    assert _leads(sessions) == set()
