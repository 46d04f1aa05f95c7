"""Screen pops: the contact, the candidates or nobody, with the account, the last calls and open tickets."""

from collections.abc import Iterator, Sequence
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.crm.contacts import PhoneInput
from callfloor.crm.history import TimelineItem, TimelineOwner
from callfloor.crm.screen_pop import LAST_INTERACTIONS, OPEN_TICKETS, PopSections, ScreenPops
from tests.crm.customer_files import Two, full_file, two_tenants
from tests.crm.test_history import T0, call


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


def open_tickets(session: Session, owner: TimelineOwner, limit: int) -> Sequence[TimelineItem]:
    """What the tickets module plugs in: here, one ticket for whoever the pop is about."""
    whose = owner.contact_id or owner.account_id
    return [TimelineItem(T0, "ticket", 7, owner.contact_id, {"subject": f"Colis perdu ({whose})"})][:limit]


def test_a_known_callers_pop_has_the_contact_account_last_calls_and_open_tickets(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    account = two.acme.create_account({"name": "Acme", "customer_number": "C-1"})
    marie = two.acme.create_contact(
        {"first_name": "Marie", "last_name": "Curie", "account_id": account.id, "tags": ["vip"]},
        phones=[PhoneInput("0612345678")],
    )
    calls = [call(session, tenant, T0 + timedelta(hours=h), contact=marie.id) for h in range(7)]
    sections = PopSections()
    sections.register(OPEN_TICKETS, open_tickets)
    sections.register("next_appointment", lambda _s, _o, _n: [])
    pop = ScreenPops(session, tenant, sections).build("06 12 34 56 78", interaction="c1")
    assert pop.contact is not None and pop.candidates == []
    assert (pop.contact.id, pop.contact.name, pop.contact.tags) == (marie.id, "Marie Curie", ["vip"])
    assert (pop.contact.account_name, pop.contact.phones) == ("Acme", ["+33612345678"])
    assert pop.account is not None and (pop.account.id, pop.account.customer_number) == (account.id, "C-1")
    assert [i.id for i in pop.last_interactions] == [c.id for c in reversed(calls)][:LAST_INTERACTIONS]
    assert [t.data["subject"] for t in pop.open_tickets] == [f"Colis perdu ({marie.id})"]
    assert pop.sections == {"next_appointment": []}
    assert (pop.number, pop.normalized, pop.interaction_id, pop.channel) == (
        "06 12 34 56 78",
        "+33612345678",
        "c1",
        "call",
    )
    assert pop.script is None


def test_a_shared_number_pops_its_candidates_and_their_common_account(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    account = two.acme.create_account({"name": "Famille Martin"})
    for name in ("Anne", "Paul"):
        two.acme.create_contact(
            {"first_name": name, "account_id": account.id}, phones=[PhoneInput("0140000001")]
        )
    unlinked = call(session, tenant, T0, contact=None)
    unlinked.number = "+33140000001"
    session.flush()
    pop = ScreenPops(session, tenant).build("+33140000001")
    assert pop.contact is None
    assert [c.name for c in pop.candidates] == ["Anne", "Paul"]
    assert pop.account is not None and pop.account.name == "Famille Martin"
    assert [i.id for i in pop.last_interactions] == []  # the account's: none linked to it yet
    alone = two.acme.create_contact({"first_name": "Solo"}, phones=[PhoneInput("0140000002")])
    two.acme.create_contact(
        {"first_name": "Duo", "account_id": account.id}, phones=[PhoneInput("0140000002")]
    )
    mixed = ScreenPops(session, tenant).build("0140000002")
    assert mixed.account is None and {c.id for c in mixed.candidates} >= {alone.id}


def test_an_unknown_number_pops_nobody_with_its_past_calls(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    earlier = call(session, tenant, T0, contact=None)  # number +33612345678, nobody's
    two.globex.create_contact({"first_name": "Elsewhere"}, phones=[PhoneInput("+33612345678")])
    sections = PopSections()
    sections.register(OPEN_TICKETS, open_tickets)
    pop = ScreenPops(session, tenant, sections).build("0612345678")
    assert (pop.contact, pop.candidates, pop.account) == (None, [], None)
    assert (pop.number, pop.normalized) == ("0612345678", "+33612345678")
    assert [i.id for i in pop.last_interactions] == [earlier.id]
    assert pop.open_tickets == [] and pop.sections == {}
    withheld = ScreenPops(session, tenant).build(None)
    assert (withheld.normalized, withheld.last_interactions, withheld.contact) == (None, [], None)
    odd = ScreenPops(session, tenant).build("anonymous")
    assert (odd.number, odd.normalized, odd.last_interactions) == ("anonymous", None, [])


def test_a_switchboard_number_pops_its_account_and_the_accounts_calls(two: Two) -> None:
    session, tenant = two.session, two.acme.tenant_id
    account = two.acme.create_account({"name": "Globex SA"}, phones=[PhoneInput("01 40 00 00 00")])
    staff = two.acme.create_contact({"first_name": "Anne", "account_id": account.id})
    theirs = call(session, tenant, T0, contact=staff.id)
    sections = PopSections()
    sections.register(OPEN_TICKETS, open_tickets)
    pop = ScreenPops(session, tenant, sections).build("0140000000")
    assert pop.contact is None and pop.candidates == []
    assert pop.account is not None and pop.account.phones == ["+33140000000"]
    assert [i.id for i in pop.last_interactions] == [theirs.id]
    assert [t.data["subject"] for t in pop.open_tickets] == [f"Colis perdu ({account.id})"]


def test_a_pop_lists_the_contacts_open_tickets_not_the_closed_ones(two: Two) -> None:
    marie = two.acme.create_contact({"first_name": "Marie"}, phones=[PhoneInput("0612345678")])
    file = full_file(two.session, two.acme.tenant_id, marie.id, T0)
    pop = ScreenPops(two.session, two.acme.tenant_id).build("0612345678")
    assert [(t.kind, t.id) for t in pop.open_tickets] == [("ticket", file.ticket.id)]
    assert pop.open_tickets[0].data["subject"] == "Colis abîmé" and OPEN_TICKETS not in pop.sections
    assert [i.id for i in pop.last_interactions] == [file.call.id]
