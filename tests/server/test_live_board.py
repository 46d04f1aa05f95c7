"""The live wallboard on a real database: today's log read once, live entries folded, a new day."""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.demo import DEMO_SLUG
from callfloor.center.transfer import ImportReport
from callfloor.core.config import Channel
from callfloor.core.events import AgentAnswered, AgentHungUp, AgentLoggedIn, InteractionArrived
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.outbound.campaigns import Campaigns
from callfloor.server.floors import LiveFloor
from callfloor.server.live_board import LiveBoards, day_bounds, read_stored
from callfloor.server.wallboard import RunNow
from callfloor.storage.models import InteractionEvent, Tenant
from callfloor.storage.repositories import log_entry
from tests.crm.customer_files import ticket_floor


def _tenant(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalars(select(Tenant.id).where(Tenant.slug == DEMO_SLUG)).one()


def _call(floor: LiveFloor, interaction: str) -> None:
    """A call to accueil that 1001 takes and ends (accueil has no wrap-up)."""
    floor.handle(InteractionArrived(interaction, "accueil"))
    floor.handle(AgentAnswered(interaction, "1001"))
    floor.handle(AgentHungUp(interaction))


def test_todays_log_is_read_once_then_live_entries_are_folded(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    tenant_id = _tenant(sessions)
    heard: list[LogEntry | None] = []

    async def scenario() -> None:
        floor = LiveFloor(tenant_id, sessions, lambda _tenant, _action: None)
        floor.handle(AgentLoggedIn("1001"))
        _call(floor, "before-1")
        floor.flush()
        _call(floor, "before-2")  # still waiting for the group commit when the board starts
        boards = LiveBoards(lambda _tenant: floor, sessions)
        board = boards.board(tenant_id)
        board.watchers.append(heard.append)
        first = await board.figures({})
        accueil = next(q for q in first.queues if q.name == "accueil")
        assert (accueil.kpis.offered, accueil.kpis.answered) == (2, 2)
        line = next(a for a in first.agents if a.now.extension == "1001")
        assert line.name and line.figures is not None and line.figures.answered == 2
        assert first.day_start == day_bounds(first.at, ZoneInfo("Europe/Paris"))[0]

        _call(floor, "after-1")
        boards.touched(tenant_id)
        second = await board.figures({"relance": RunNow(("hours",), 0.05, 2)})
        running = [c for c in second.campaigns if c.run is not None]
        assert [(c.name, c.run, c.dialed_today) for c in running] == [
            ("relance", RunNow(("hours",), 0.05, 2), 0)
        ]
        accueil = next(q for q in second.queues if q.name == "accueil")
        assert (accueil.kpis.offered, accueil.kpis.answered) == (3, 3)  # each once
        assert heard[-1] is None and {e.interaction for e in heard if e is not None} == {"after-1", None}

        board.clock = lambda: time.time() + 86400  # tomorrow: the day starts again
        tomorrow = await board.figures({})
        accueil = next(q for q in tomorrow.queues if q.name == "accueil")
        assert (accueil.kpis.offered, tomorrow.day_start) == (
            0,
            day_bounds(tomorrow.at, ZoneInfo("Europe/Paris"))[0],
        )
        line = next(a for a in tomorrow.agents if a.now.extension == "1001")
        assert line.figures is not None and line.figures.answered == 0
        assert line.figures.state_time_s[AgentEventType.READY] > 0  # still ready, counted from midnight
        floor.close()

    asyncio.run(scenario())


def test_stored_rows_read_back_as_the_cores_entries() -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    payload = {"queue": "accueil", "agent": "1001", "channel": "call", "wait_s": 4.5, "priority": 2}
    row = InteractionEvent(type="answered", at=at, interaction_id="i1", payload=payload)
    assert log_entry(row) == LogEntry(
        at.timestamp(), InteractionEventType.ANSWERED, "i1", "accueil", "1001", Channel.CALL, 2, 4.5
    )
    paused = InteractionEvent(
        type="paused", at=at, interaction_id=None, payload={"agent": "1001", "reason": "lunch"}
    )
    assert log_entry(paused) == LogEntry(at.timestamp(), AgentEventType.PAUSED, agent="1001", reason="lunch")


def test_a_day_is_its_local_midnights_even_across_a_clock_change() -> None:
    paris = ZoneInfo("Europe/Paris")
    start, end = day_bounds(datetime(2026, 3, 29, 12, tzinfo=paris).timestamp(), paris)
    assert datetime.fromtimestamp(start, paris) == datetime(2026, 3, 29, tzinfo=paris)
    assert end - start == 23 * 3600  # summer time begins


def test_late_open_tickets_and_todays_dials_are_read_from_the_database(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    tenant_id = _tenant(sessions)
    now = datetime.now(UTC)
    with sessions.begin() as session:
        floor = ticket_floor(session, tenant_id)
        desk = TicketDesk(session, tenant_id)
        desk.create(TicketInput("Colis perdu", floor.category.id), actor=None, now=now - timedelta(days=10))
        desk.create(TicketInput("Colis abîmé", floor.category.id), actor=None, now=now)
        Campaigns(session, tenant_id).create("relance-test", "quote_followup")
    with sessions() as session:
        stored = read_stored(session, tenant_id, now.timestamp() - 3600, now.timestamp())
    assert stored.late_tickets == 1
    assert stored.dialed_today["relance-test"] == 0
