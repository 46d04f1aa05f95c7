"""Tickets: SLA due times in business hours, first response, the status table, escalation, breaches."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.schedule import InvalidSchedule
from callfloor.crm.merge import ContactMerger
from callfloor.crm.sla import breach_report, lateness, schedule_of, store_schedule
from callfloor.crm.ticket_errors import EscalationError, StatusMoveError, TicketClosedError, TicketError
from callfloor.crm.ticket_setup import TicketSetup
from callfloor.crm.ticket_status import TRANSITIONS, TicketStatus
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.storage.models import User
from callfloor.storage.platform import Platform
from callfloor.storage.tickets import Ticket, TicketEvent
from tests.crm.customer_files import CHECKLIST, TicketFloor, Two, ticket_floor, two_tenants

PARIS = ZoneInfo("Europe/Paris")
S = TicketStatus
ANSWERS = ["C-2026-000045", "non"]


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of May 2026 on the Paris clock (CEST, UTC+2)."""
    return datetime(2026, 5, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def two(sessions: sessionmaker[Session]) -> Iterator[Two]:
    """Tenants ``acme`` (France) and ``globex`` (Belgium)."""
    yield from two_tenants(sessions)


@pytest.fixture
def floor(two: Two) -> TicketFloor:
    """Acme's teams and complaint category; its agent works in both teams."""
    return ticket_floor(two.session, two.acme.tenant_id, [two.acme_user.id])


@pytest.fixture
def desk(two: Two) -> TicketDesk:
    """Acme's tickets."""
    return TicketDesk(two.session, two.acme.tenant_id)


def _open(desk: TicketDesk, floor: TicketFloor, at: datetime, **values: object) -> Ticket:
    given = TicketInput(subject="Colis jamais livré", category_id=floor.category.id, **values)  # type: ignore[arg-type]
    return desk.create(given, actor=None, now=at)


def _types(ticket: Ticket) -> list[str]:
    return [e.type for e in ticket.events]


def test_due_times_skip_the_weekend_and_a_public_holiday(desk: TicketDesk, floor: TicketFloor) -> None:
    # Thursday 7 May, 16:00: Friday 8 May is a holiday (Victoire 1945), then the weekend.
    ticket = _open(desk, floor, paris(7, 16))
    assert ticket.number == "T-2026-000001"
    assert (ticket.status, ticket.level, ticket.team_id, ticket.priority) == (
        "new",
        1,
        floor.level1.id,
        "normal",
    )
    assert ticket.first_response_due == paris(11, 11)  # 2 h on Thursday, 2 h on Monday
    assert ticket.resolution_due == paris(12, 14)  # 2 h + 9 h + 5 h
    assert _open(desk, floor, paris(7, 16, 5)).number == "T-2026-000002"


def test_a_stored_schedule_replaces_the_default_and_bad_data_names_the_field(
    two: Two, desk: TicketDesk, floor: TicketFloor
) -> None:
    scope = desk.scope
    assert schedule_of(scope).is_open(paris(11, 17, 59)) and not schedule_of(scope).is_open(paris(9, 10))
    week = {d: ["08:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
    stored = store_schedule(scope, {"timezone": "Europe/Paris", "weekly": week}, now=paris(1, 12))
    assert stored["weekly"]["sat"] == ["08:00-20:00"]
    assert _open(desk, floor, paris(8, 19)).first_response_due == paris(9, 11)  # no holidays now; Saturday
    for data, field in (
        ({"timezone": "Europe/Lutece"}, "timezone"),
        ({"timezone": "Europe/Paris", "weekly": {"mon": ["18:00-09:00"]}}, "weekly.mon[0]"),
        ({"timezone": "Europe/Paris"}, "weekly"),  # never open
    ):
        with pytest.raises(InvalidSchedule) as refused:
            store_schedule(scope, data, now=paris(1, 12))
        assert refused.value.field == field
    other = TicketDesk(two.session, two.globex.tenant_id).scope
    assert schedule_of(other).country == "BE"  # the default follows the tenant's country


def test_the_first_response_is_the_first_visible_action_of_a_user(
    two: Two, desk: TicketDesk, floor: TicketFloor
) -> None:
    ticket = _open(desk, floor, paris(11, 9))
    desk.comment(ticket, "Appel du transporteur", internal=True, actor=two.acme_user, now=paris(11, 9, 30))
    desk.comment(ticket, "Accusé de réception automatique", internal=False, actor=None, now=paris(11, 9, 40))
    assert ticket.first_response_at is None
    desk.comment(ticket, "Nous enquêtons.", internal=False, actor=two.acme_user, now=paris(11, 10))
    desk.comment(ticket, "Relance", internal=False, actor=two.acme_user, now=paris(11, 11))
    assert ticket.first_response_at == paris(11, 10)
    assert [e.data.get("first_response") for e in ticket.events] == [None, False, False, True, False]
    other = _open(desk, floor, paris(11, 9))
    desk.change_status(other, S.OPEN, actor=two.acme_user, now=paris(11, 9, 15))
    assert other.first_response_at == paris(11, 9, 15)
    with pytest.raises(TicketError) as empty:
        desk.comment(other, "   ", internal=False, actor=two.acme_user, now=paris(11, 10))
    assert empty.value.field == "body"


def _reach(desk: TicketDesk, ticket: Ticket, status: TicketStatus, actor: User, at: datetime) -> None:
    path = {S.NEW: [], S.OPEN: [S.OPEN], S.PENDING: [S.PENDING], S.RESOLVED: [S.RESOLVED]}
    for step in path.get(status, [S.RESOLVED, S.CLOSED]):
        desk.change_status(ticket, step, actor=actor, now=at)


def test_every_move_of_the_status_table(two: Two, desk: TicketDesk, floor: TicketFloor) -> None:
    allowed = 0
    for old in TicketStatus:
        for new in TicketStatus:
            ticket = _open(desk, floor, paris(11, 9))
            _reach(desk, ticket, old, two.acme_user, paris(11, 10))
            if new in TRANSITIONS[old]:
                desk.change_status(ticket, new, actor=two.acme_user, now=paris(11, 11))
                assert ticket.status == new
                allowed += 1
            else:
                with pytest.raises(StatusMoveError, match=f"from {old} to {new}"):
                    desk.change_status(ticket, new, actor=two.acme_user, now=paris(11, 11))
                assert ticket.status == old
    assert allowed == 9
    closed = desk.scope.tickets.find(statuses=["closed"])[0]
    assert closed.closed_at is not None and closed.resolved_at is not None
    with pytest.raises(TicketClosedError):
        desk.comment(closed, "Encore", internal=True, actor=two.acme_user, now=paris(11, 12))


def test_the_resolution_clock_stops_while_pending_and_once_resolved(
    two: Two, desk: TicketDesk, floor: TicketFloor
) -> None:
    ticket = _open(desk, floor, paris(11, 9))
    assert ticket.resolution_due == paris(12, 16)
    desk.change_status(ticket, S.PENDING, actor=two.acme_user, now=paris(11, 10))
    assert not lateness(ticket, paris(20, 9))  # waiting for the customer: never late meanwhile
    desk.change_status(ticket, S.OPEN, actor=two.acme_user, now=paris(11, 11))
    assert (ticket.resolution_due, ticket.paused_at) == (paris(12, 17), None)
    desk.change_status(ticket, S.RESOLVED, actor=two.acme_user, now=paris(12, 10))
    desk.change_status(ticket, S.OPEN, actor=two.acme_user, now=paris(12, 12))  # reopened
    assert (ticket.resolution_due, ticket.resolved_at) == (paris(13, 10), None)  # 2 h later: Wednesday
    assert _types(ticket) == [
        "created",
        "status",
        "sla_paused",
        "status",
        "sla_resumed",
        "status",
        "status",
        "sla_resumed",
    ]
    assert ticket.events[-2].data["reopened"] is True


def test_escalation_needs_the_checklist_a_level_2_team_and_a_reason_and_keeps_the_history(
    two: Two, desk: TicketDesk, floor: TicketFloor
) -> None:
    ticket = _open(desk, floor, paris(11, 9))
    desk.assign(ticket, two.acme_user.id, actor=two.acme_user, now=paris(11, 9, 5))
    me = two.acme_user
    for team, reason, answers, field in (
        (floor.level2.id, "Litige transporteur", ANSWERS[:1], "checklist_answers"),
        (floor.level2.id, "Litige transporteur", [ANSWERS[0], " "], "checklist_answers[1]"),
        (floor.level1.id, "Litige transporteur", ANSWERS, "team_id"),
        (floor.level2.id, "", ANSWERS, "reason"),
    ):
        with pytest.raises(TicketError) as refused:
            desk.escalate(ticket, team, reason, answers, actor=me, now=paris(11, 10))
        assert refused.value.field == field
    desk.escalate(ticket, floor.level2.id, "Litige transporteur", ANSWERS, actor=me, now=paris(11, 10))
    assert (ticket.level, ticket.team_id, ticket.assignee_id) == (2, floor.level2.id, None)
    escalated = ticket.events[-1]
    assert (escalated.type, escalated.actor_id, escalated.data["reason"]) == (
        "escalated",
        me.id,
        "Litige transporteur",
    )
    assert escalated.data["checklist"] == [
        {"step": s, "answer": a} for s, a in zip(CHECKLIST, ANSWERS, strict=True)
    ]
    assert escalated.data["from_team_id"] == floor.level1.id
    assert _types(ticket) == ["created", "assigned", "escalated"]
    with pytest.raises(EscalationError):
        desk.escalate(ticket, floor.level2.id, "Encore", ANSWERS, actor=me, now=paris(11, 11))
    with pytest.raises(TicketError, match="escalate"):
        desk.assign(ticket, None, team_id=floor.level1.id, actor=me, now=paris(11, 11))
    desk.change_status(ticket, S.RESOLVED, actor=me, now=paris(11, 12))
    assert _types(ticket)[-1] == "status"


def test_level_1_resolves_with_the_checklist(two: Two, desk: TicketDesk, floor: TicketFloor) -> None:
    ticket = _open(desk, floor, paris(11, 9))
    desk.change_status(
        ticket, S.RESOLVED, actor=two.acme_user, now=paris(11, 9, 10), checklist_answers=ANSWERS
    )
    assert ticket.events[-1].data["checklist"][1] == {"step": CHECKLIST[1], "answer": "non"}
    assert ticket.level == 1 and ticket.resolved_at == paris(11, 9, 10)


def test_history_rows_cannot_be_changed(two: Two, desk: TicketDesk, floor: TicketFloor) -> None:
    ticket = _open(desk, floor, paris(11, 9))
    event = ticket.events[0]
    event.type = "comment"
    with pytest.raises(DBAPIError, match="append-only"):
        two.session.flush()


def test_breaches_at_a_given_now_per_team_and_category(
    two: Two, desk: TicketDesk, floor: TicketFloor
) -> None:
    me = two.acme_user
    info = TicketSetup(two.session, two.acme.tenant_id).create_category(
        {"name": "Info", "kind": "information", "first_response_s": 3600, "resolution_s": 8 * 3600}
    )
    silent = _open(desk, floor, paris(11, 9))  # no answer at all
    late = _open(desk, floor, paris(11, 9))
    desk.comment(late, "Nous regardons", internal=False, actor=me, now=paris(11, 10))
    desk.escalate(late, floor.level2.id, "Expertise", ANSWERS, actor=me, now=paris(11, 10))
    desk.change_status(late, S.RESOLVED, actor=me, now=paris(13, 10))  # due Tuesday 16:00
    fresh = _open(desk, floor, paris(13, 10))
    desk.comment(fresh, "Bien reçu", internal=False, actor=me, now=paris(13, 10, 30))
    waiting = desk.create(TicketInput("Question", info.id), actor=None, now=paris(11, 9))
    desk.change_status(waiting, S.PENDING, actor=me, now=paris(11, 9, 30))
    now = paris(13, 11)
    assert lateness(silent, paris(11, 12, 59)).first_response is False
    assert lateness(silent, paris(11, 13, 1)).first_response is True
    report = breach_report(desk.scope, now)
    assert [t.number for t, _ in report.tickets] == [late.number, silent.number]
    assert {t.id for t in desk.scope.tickets.list() if lateness(t, now)} == {silent.id, late.id}
    teams = [(c.name, c.tickets, c.first_response, c.resolution, c.open) for c in report.by_team]
    assert teams == [("Accueil", 1, 1, 1, 1), ("Experts", 1, 0, 1, 0)]
    categories = [(c.name, c.tickets, c.first_response, c.resolution, c.open) for c in report.by_category]
    assert categories == [("Livraison", 2, 1, 2, 1)]
    assert breach_report(desk.scope, now, since=paris(12, 0)).tickets == []
    assert [t.id for t in desk.scope.tickets.find(late_at=now, team_id=floor.level2.id)] == [late.id]


def test_tickets_link_only_the_tenants_own_objects(two: Two, desk: TicketDesk, floor: TicketFloor) -> None:
    theirs = ticket_floor(two.session, two.globex.tenant_id)
    contact = two.globex.create_contact({"last_name": "Dupont"})
    for values, field in (
        ({"contact_id": contact.id}, "contact_id"),
        ({"assignee_id": two.globex_user.id}, "assignee_id"),
        ({"team_id": theirs.level1.id}, "team_id"),
        ({"channel": "fax"}, "channel"),
        ({"priority": "asap"}, "priority"),
    ):
        with pytest.raises(TicketError) as refused:
            _open(desk, floor, paris(11, 9), **values)
        assert refused.value.field == field
    with pytest.raises(TicketError) as category:
        desk.create(TicketInput("x", theirs.category.id), actor=None, now=paris(11, 9))
    assert category.value.field == "category_id"


def test_merging_contacts_moves_their_tickets(two: Two, desk: TicketDesk, floor: TicketFloor) -> None:
    survivor = two.acme.create_contact({"last_name": "Martin"})
    absorbed = two.acme.create_contact({"last_name": "Martin", "first_name": "Jeanne"})
    ticket = _open(desk, floor, paris(11, 9), contact_id=absorbed.id)
    report = ContactMerger(two.session, two.acme.tenant_id).merge(survivor, absorbed)
    assert report.repointed["tickets.contact_id"] == 1
    two.session.refresh(ticket)
    assert ticket.contact_id == survivor.id


def _committed_floor(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        return tenant.id, ticket_floor(session, tenant.id).category.id


def test_concurrent_agents_get_consecutive_numbers(engine: Engine, sessions: sessionmaker[Session]) -> None:
    tenant_id, category_id = _committed_floor(sessions)
    start, numbers, errors = threading.Barrier(4), [], []

    def agent() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(5):
                with sessions.begin() as session:
                    ticket = TicketDesk(session, tenant_id).create(
                        TicketInput("Appel", category_id), actor=None, now=paris(11, 9)
                    )
                    numbers.append(ticket.number)
        except Exception as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=agent) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(numbers) == [f"T-2026-{n:06d}" for n in range(1, 21)]
    with sessions() as session:
        created = session.scalars(select(TicketEvent).where(TicketEvent.type == "created")).all()
        assert len(created) == 20


def test_the_number_follows_the_year_on_the_tenants_clock(desk: TicketDesk, floor: TicketFloor) -> None:
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 in Paris
    assert _open(desk, floor, new_year).number == "T-2027-000001"
