"""A relance de devis fed from the CRM's quotes on a real database: windows, numbers, refreshes, closing."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import AddressInput, EmailInput, PhoneInput
from callfloor.crm.lines import LineInput
from callfloor.crm.sales import Sales
from callfloor.outbound import UnknownCampaignError
from callfloor.outbound.campaigns import Campaigns
from callfloor.outbound.compliance import YES
from callfloor.outbound.lists import ListImporter
from callfloor.outbound.quote_targets import (
    Merged,
    NotQuoteFollowUpError,
    QuoteTargetError,
    QuoteTargets,
    QuoteTargetsReport,
)
from callfloor.outbound.values import MAX_PRIORITY
from callfloor.storage.contacts import Contact
from callfloor.storage.outbound import Lead
from callfloor.storage.sales import Quote
from tests.crm.customer_files import Two, two_tenants

NOW = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
TODAY = date(2026, 3, 30)
VALID = date(2026, 4, 30)


@dataclass
class Shop:
    """Tenant acme (campaigns ``relance`` and ``sondage``) and globex (``relance``), and their sales."""

    two: Two
    sales: Sales

    @property
    def session(self) -> Session:
        return self.two.session

    @property
    def acme(self) -> int:
        return self.two.acme.tenant_id

    def person(self, first_name: str, *phones: PhoneInput, **given: Any) -> Contact:
        """An acme contact with these phones (``emails`` and ``addresses`` too, when given)."""
        lists = {name: given.pop(name) for name in ("emails", "addresses") if name in given}
        fields = {"first_name": first_name, "last_name": "Martin", **given}
        return self.two.acme.create_contact(fields, phones=list(phones), **lists)

    def quote(
        self, contact: Contact | None, days: int, amount: str = "100.00", *, valid: date = VALID,
        sales: Sales | None = None, account_id: int | None = None,
    ) -> Quote:  # fmt: skip
        """A quote of ``amount`` (VAT-free, so TTC too) sent ``days`` days before today."""
        sales = sales or self.sales
        line = LineInput(reference="F", label="Pose", unit_price=Decimal(amount), vat_rate=Decimal(0))
        customer = {"contact_id": contact.id if contact else None, "account_id": account_id}
        quote = sales.create_quote({**customer, "valid_until": valid}, [line], now=NOW)
        sent = TODAY - timedelta(days=days)
        return sales.send(quote, today=sent, now=datetime.combine(sent, NOW.timetz()))

    def run(self, campaign: str = "relance", *, now: datetime = NOW, **options: Any) -> QuoteTargetsReport:
        options.setdefault("min_age", 7)
        return QuoteTargets(self.session, options.pop("tenant", self.acme), now=now).run(campaign, **options)

    def leads(self, tenant: int | None = None) -> list[Lead]:
        self.session.expire_all()
        query = select(Lead).where(Lead.tenant_id == (tenant or self.acme)).order_by(Lead.id)
        return list(self.session.scalars(query))

    def lead_of(self, quote: Quote) -> Lead:
        (found,) = [lead for lead in self.leads() if lead.data.get("quote_number") == quote.number]
        return found


@pytest.fixture
def shop(sessions: sessionmaker[Session]) -> Iterator[Shop]:
    for two in two_tenants(sessions):
        for tenant in (two.acme.tenant_id, two.globex.tenant_id):
            Campaigns(two.session, tenant).create("relance", "quote_followup", "progressive")
        Campaigns(two.session, two.acme.tenant_id).create("sondage", "survey")
        yield Shop(two, Sales(two.session, two.acme.tenant_id))


def _numbers(shop: Shop) -> set[str]:
    return {lead.data["quote_number"] for lead in shop.leads()}


def test_the_age_window_and_the_minimum_amount_pick_the_quotes(shop: Shop) -> None:
    people = [shop.person(name, PhoneInput(f"06{n}1234567")) for n, name in enumerate("ABCDEF", 1)]
    shop.quote(people[0], 3)  # too recent
    seven = shop.quote(people[1], 7, "100.00")  # exactly a week: due
    old = shop.quote(people[2], 70, "800.00")  # older than 60 days
    shop.quote(people[3], 20, valid=TODAY - timedelta(days=1))  # still "sent", but no longer valid
    draft = shop.sales.create_quote({"contact_id": people[4].id, "valid_until": VALID},
                                    [LineInput(reference="F", label="X", unit_price=Decimal(9),
                                               vat_rate=Decimal(0))], now=NOW)  # fmt: skip
    refused = shop.sales.refuse(shop.quote(people[5], 30), now=NOW)
    assert (draft.status, refused.status) == ("draft", "refused")
    windowed = shop.run(max_age=60, dry_run=True)
    assert (windowed.created, windowed.skipped, windowed.merged) == (1, [], [])
    assert shop.run(min_amount=Decimal(500), dry_run=True).created == 1
    report = shop.run()
    assert (report.created, report.refreshed, report.closed) == (2, 0, 0)
    assert _numbers(shop) == {seven.number, old.number}
    with pytest.raises(QuoteTargetError, match="no range"):
        shop.run(min_age=30, max_age=10)


def test_a_lead_carries_the_quote_and_the_contact(shop: Shop) -> None:
    dupont = shop.two.acme.create_account({"name": "Dupont SA", "customer_number": "C-42"},
                                          phones=[PhoneInput("01 40 00 00 00", "work")])  # fmt: skip
    jean = shop.person(
        "Jean", PhoneInput("03 88 00 00 09", "fax"), PhoneInput("03 88 00 00 01", "home"),
        PhoneInput("03 88 00 00 02", "work"), PhoneInput("06 12 34 56 78", "mobile"),
        account_id=dupont.id, emails=[EmailInput("jean@dupont.example")],
        addresses=[AddressInput(("1 rue du Dôme",), "67000", "Strasbourg")],
    )  # fmt: skip
    lea = shop.person("Léa", PhoneInput("01 40 00 00 09", "fax"), account_id=dupont.id)
    paul = shop.person("Paul", PhoneInput("01 40 00 00 08", "fax"))
    big = shop.quote(jean, 10, "1234.50")
    small = shop.quote(lea, 12, "99.99")
    nothing = shop.quote(paul, 9)
    sold = shop.quote(jean, 40)
    shop.sales.take_order(sold, taken_by=None, today=TODAY, now=NOW)  # Dupont SA is a customer
    report = shop.run()
    assert (report.created, report.merged) == (2, [])
    (skipped,) = report.skipped
    assert skipped.quote == nothing.number and "no phone number" in skipped.en and "aucun" in skipped.fr
    lead = shop.lead_of(big)
    assert (lead.phone, lead.phone_type, lead.first_name, lead.last_name, lead.company) == (
        "+33612345678", "mobile", "Jean", "Martin", "Dupont SA"
    )  # fmt: skip
    assert (lead.email, lead.postal_code, lead.zone, lead.country, lead.subdivision) == (
        "jean@dupont.example", "67000", "Europe/Paris", "FR", "57"
    )  # fmt: skip
    assert (lead.contact_id, lead.priority, lead.status, lead.attempts, lead.list_id) == (
        jean.id, 12, "untouched", 0, None
    )  # fmt: skip
    assert lead.data == {
        "quote_id": big.id, "quote_number": big.number, "quote_amount": "1234.50",
        "quote_sent_at": "2026-03-20", "quote_valid_until": "2026-04-30", "customer": True,
        "customer_number": "C-42",
    }  # fmt: skip
    assert str(lead.data["customer"]).lower() in YES  # the compliance rules' existing customer
    switchboard = shop.lead_of(small)  # Léa has only a fax: her account's number is called
    assert (switchboard.phone, switchboard.phone_type, switchboard.first_name) == (
        "+33140000000",
        "fixed",
        "Léa",
    )


def test_the_account_quote_and_a_capped_priority(shop: Shop) -> None:
    globex = shop.two.acme.create_account({"name": "Globex"}, phones=[PhoneInput("01 40 00 00 00", "work")])
    huge = shop.quote(None, 15, "250000.00", account_id=globex.id)
    shop.run()
    lead = shop.lead_of(huge)
    assert (lead.company, lead.contact_id, lead.priority, lead.data["customer"]) == (
        "Globex", None, MAX_PRIORITY, False
    )  # fmt: skip


def test_one_lead_per_number_the_bigger_then_the_older_quote(shop: Shop) -> None:
    jean = shop.person("Jean", PhoneInput("06 12 34 56 78"))
    small, big = shop.quote(jean, 20, "300.00"), shop.quote(jean, 10, "900.00")
    older, newer = shop.quote(jean, 30, "900.00"), shop.quote(jean, 8, "900.00")
    report = shop.run()
    assert report.created == 1
    assert report.merged == [Merged(big.number, older.number), Merged(newer.number, older.number),
                             Merged(small.number, older.number)]  # fmt: skip
    assert _numbers(shop) == {older.number}


def test_a_second_run_refreshes_the_quote_data_and_keeps_the_calling_state(shop: Shop) -> None:
    jean = shop.person("Jean", PhoneInput("06 12 34 56 78"))
    quote = shop.quote(jean, 10, "1500.00")
    shop.run()
    lead = shop.lead_of(quote)
    lead.status, lead.attempts, lead.last_outcome = "scheduled", 2, "no_answer"
    lead.data = {**lead.data, "quote_amount": "1.00", "notes": "rappeler le matin"}
    shop.session.flush()
    report = shop.run()
    assert (report.created, report.refreshed, report.unchanged) == (0, 1, 0)
    again = shop.lead_of(quote)
    assert (again.id, again.status, again.attempts, again.last_outcome) == (
        lead.id,
        "scheduled",
        2,
        "no_answer",
    )
    assert (again.data["quote_amount"], again.data["notes"]) == ("1500.00", "rappeler le matin")
    third = shop.run()
    assert (third.created, third.refreshed, third.unchanged) == (0, 0, 1)


def test_a_lead_imported_with_the_quote_number_is_the_quotes_lead(shop: Shop) -> None:
    jean = shop.person("Jean", PhoneInput("06 12 34 56 78"))
    quote = shop.quote(jean, 10, "1500.00")
    csv = f"Tél;N° devis\r\n01 45 00 00 00;{quote.number}\r\n".encode()
    ListImporter(shop.session, shop.acme, "relance").run(csv, "devis.csv", {"phone": "Tél"})
    report = shop.run()
    assert (report.created, report.refreshed) == (0, 1)
    (lead,) = shop.leads()
    assert (lead.phone, lead.data["quote_id"], lead.data["quote_amount"]) == (
        "+33145000000",
        quote.id,
        "1500.00",
    )


def test_a_settled_quote_closes_a_lead_not_yet_called_but_not_a_finished_one(shop: Shop) -> None:
    people = [shop.person(name, PhoneInput(f"06{n}1234567")) for n, name in enumerate("ABCDE", 1)]
    refused, accepted, cancelled, lapsing, done = (shop.quote(p, 10) for p in people)
    shop.run()
    shop.lead_of(cancelled).status = "scheduled"
    finished = shop.lead_of(done)
    finished.status, finished.last_disposition = "done", "sale"
    shop.session.flush()
    shop.sales.refuse(refused, now=NOW)
    shop.sales.accept(accepted, today=TODAY, now=NOW)
    shop.sales.cancel(cancelled, now=NOW)
    shop.sales.refuse(done, now=NOW)
    dry = shop.run(dry_run=True)
    assert dry.closed == 3 and shop.lead_of(refused).status == "untouched"
    report = shop.run(now=datetime(2026, 5, 2, 8, tzinfo=UTC))  # ``lapsing`` was valid until 30 April
    assert (report.closed, report.created, report.refreshed) == (4, 0, 0)
    closed = {q.number: (shop.lead_of(q).status, shop.lead_of(q).last_disposition)
              for q in (refused, accepted, cancelled, lapsing)}  # fmt: skip
    assert closed == {
        refused.number: ("done", "quote_refused"), accepted.number: ("done", "quote_accepted"),
        cancelled.number: ("done", "quote_cancelled"), lapsing.number: ("done", "quote_expired"),
    }  # fmt: skip
    assert (shop.lead_of(done).status, shop.lead_of(done).last_disposition) == ("done", "sale")


def test_a_new_quote_takes_over_the_number_of_a_lead_about_a_settled_quote(shop: Shop) -> None:
    jean = shop.person("Jean", PhoneInput("06 12 34 56 78"))
    paul = shop.person("Paul", PhoneInput("06 98 76 54 32"))
    first, paid = shop.quote(jean, 30), shop.quote(paul, 30)
    shop.run()
    shop.lead_of(paid).status = "done"
    shop.session.flush()
    shop.sales.refuse(first, now=NOW)
    shop.sales.refuse(paid, now=NOW)
    second, later = shop.quote(jean, 8, "700.00"), shop.quote(paul, 8)
    report = shop.run()
    assert (report.created, report.refreshed, report.closed) == (0, 1, 0)
    (skipped,) = report.skipped
    assert skipped.quote == later.number and paid.number in skipped.en and "déjà une fiche" in skipped.fr
    lead = shop.lead_of(second)
    assert (lead.status, lead.priority, lead.data["quote_id"]) == ("untouched", 7, second.id)


def test_a_dry_run_writes_nothing(shop: Shop) -> None:
    jean = shop.person("Jean", PhoneInput("06 12 34 56 78"))
    shop.quote(jean, 10)
    dry = shop.run(dry_run=True)
    assert (dry.dry_run, dry.created) == (True, 1)
    assert shop.leads() == []
    assert shop.run().created == 1


def test_only_a_quote_follow_up_campaign_of_the_tenant(shop: Shop) -> None:
    with pytest.raises(NotQuoteFollowUpError) as wrong:
        shop.run("sondage")
    assert (wrong.value.status, wrong.value.error_id) == (409, "wrong_campaign_type")
    assert "survey" in wrong.value.en and "pas une relance de devis" in wrong.value.fr
    with pytest.raises(UnknownCampaignError):
        shop.run("soldes")


def test_tenants_see_only_their_own_quotes(shop: Shop) -> None:
    jean = shop.person("Jean", PhoneInput("06 12 34 56 78"))
    mine = shop.quote(jean, 10)
    globex = shop.two.globex.tenant_id
    theirs_contact = shop.two.globex.create_contact(
        {"first_name": "Jan"}, phones=[PhoneInput("+32470123456")]
    )
    theirs = shop.quote(theirs_contact, 10, sales=Sales(shop.session, globex))
    assert shop.run().created == 1
    assert _numbers(shop) == {mine.number}
    assert shop.run(tenant=globex).created == 1
    (their_lead,) = shop.leads(globex)
    assert (their_lead.data["quote_id"], their_lead.country) == (theirs.id, "BE")


def test_the_queries_do_not_grow_with_the_quotes(shop: Shop, engine: Engine) -> None:
    def statements(quotes: int) -> int:
        for n in range(quotes):
            contact = shop.person(f"P{n}", PhoneInput(f"06{12000000 + quotes * 100 + n:08d}"))
            shop.quote(contact, 10)
        shop.session.flush()
        seen: list[str] = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731 - the statement text
        event.listen(engine, "before_cursor_execute", listen)
        try:
            shop.run(dry_run=True)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(seen)

    assert statements(3) == statements(40)
