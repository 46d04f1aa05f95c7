"""``callfloor compliance check`` and ``compliance audit``, run as a user runs them."""

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.sheets import read_sheet
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.dnc import DncRegister
from callfloor.storage.outbound import CallAttempt, Lead
from callfloor.storage.platform import Platform
from tests.test_cli import cli, env  # noqa: F401 - the fixture is used by name

OPPOSED, CUSTOMER = "+33612345601", "+33612345602"


def _campaign(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        campaign = Campaigns(session, tenant.id).create(
            "clients", "quote_followup", "progressive", caller_id="+33162000001", existing_customers_only=True
        )
        for phone in (OPPOSED, CUSTOMER):
            session.add(Lead(tenant_id=tenant.id, campaign_id=campaign.id, phone=phone, phone_type="mobile",
                             zone="Europe/Paris", country="FR", data={"customer": "oui"}))  # fmt: skip
        DncRegister(session, tenant.id).add(OPPOSED, "api")
        session.add(CallAttempt(tenant_id=tenant.id, campaign_id=campaign.id, number=CUSTOMER,
                                started_at=datetime(2026, 9, 14, 9, tzinfo=UTC), outcome="answered",
                                rules=[{"rule": "fr.decret-2022-1313.hours", "outcome": "passed"}]))  # fmt: skip


def test_check_says_who_is_callable_now_later_and_never_with_the_rule(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
) -> None:
    _campaign(sessions)
    tuesday = cli(
        env, "compliance", "check", "--campaign", "clients", "--at", "2026-09-15T11:00+02:00", "--json"
    )
    assert tuesday.returncode == 0, tuesday.stderr
    verdicts = {line["number"]: line for line in map(json.loads, tuesday.stdout.splitlines())}
    assert verdicts[CUSTOMER]["verdict"] == "now"
    assert verdicts[OPPOSED]["verdict"] == "never"
    assert "fr.code-conso-l223-1.opposition" in {d["rule"] for d in verdicts[OPPOSED]["decisions"]}
    sunday = cli(env, "compliance", "check", "--campaign", "clients", "--at", "2026-09-20T11:00+02:00")
    assert sunday.returncode == 0, sunday.stderr
    assert (
        "0 callable now" in sunday.stdout
        and "1 later" in sunday.stdout
        and "2026-09-21 10:00" in sunday.stdout
    )
    naive = cli(env, "compliance", "check", "--campaign", "clients", "--at", "2026-09-20T11:00")
    assert naive.returncode == 1 and "UTC offset" in naive.stderr
    unknown = cli(env, "compliance", "check", "--campaign", "nope")
    assert unknown.returncode == 1 and "campagne inconnue" in unknown.stderr


def test_audit_lists_every_attempt_with_its_rules(
    env: dict[str, str],  # noqa: F811
    sessions: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    _campaign(sessions)
    out = tmp_path / "audit.xlsx"
    done = cli(env, "compliance", "audit", "--campaign", "clients", "--out", str(out))
    assert done.returncode == 0, done.stderr
    sheet = read_sheet(out.read_bytes(), out.name)
    assert [cells[-1] for _, cells in sheet.rows] == ["fr.decret-2022-1313.hours=passed"]
    assert sheet.rows[0][1][0] == "2026-09-14T11:00:00+02:00" and sheet.rows[0][1][4] == CUSTOMER
    later = cli(env, "compliance", "audit", "--campaign", "clients", "--out", str(tmp_path / "a.csv"),
                "--from", "2026-09-15T00:00+02:00")  # fmt: skip
    assert later.returncode == 0 and "0 attempts" in later.stdout
