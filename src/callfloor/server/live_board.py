"""A tenant's wallboard kept live: today's KPI fold, fed by the floor as it logs, and its watchers.

Theory of operation. A :class:`LiveBoard` lives on the SIP server's loop with its tenant's
:class:`~callfloor.server.floors.LiveFloor`. On first use it reads today's log (since local
midnight in the tenant's zone) once, in a worker thread, and from then on folds each entry as
the floor stores it: no request reads the log again. So that no entry is counted twice or
missed, it first writes the floor's pending entries and starts listening (entries from then on
are kept aside), then reads the rows logged before that moment, then folds the kept ones. An
agent who has not changed state since midnight is counted in that state from midnight.

At local midnight the fold starts again, every logged-in agent seeded in their state.
Watchers (the event streams) are called on the loop with each entry, or None when something
unlogged changed (a waiting caller's priority). What the database alone knows (tickets past
their SLA, campaigns and what they dialed today) is read at most every ``STORED_TTL_S``.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState
from callfloor.core.kpi import KpiError
from callfloor.core.kpi.fold import KpiFold, KpiSettings
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import AgentEventType, LogEntry
from callfloor.core.schedule.local_days import midnight
from callfloor.crm.ticket_status import WORKED
from callfloor.server.floors import LiveFloor
from callfloor.server.wallboard import CampaignNow, FloorNow, RunNow, floor_now
from callfloor.storage.models import Tenant
from callfloor.storage.outbound import CallAttempt, Campaign
from callfloor.storage.repositories import log_entry
from callfloor.storage.scope import TenantScope
from callfloor.storage.tickets import Ticket, late_condition

log = logging.getLogger(__name__)
Watcher = Callable[[LogEntry | None], None]
STORED_TTL_S = 10.0


def day_bounds(now: float, zone: ZoneInfo) -> tuple[float, float]:
    """The local day holding ``now``: its midnight and the next (a DST day is 23 or 25 hours)."""
    day = datetime.fromtimestamp(now, zone).date()
    return midnight(day, zone).timestamp(), midnight(day + timedelta(days=1), zone).timestamp()


@dataclass(frozen=True, slots=True)
class Stored:
    """What the wallboard reads from the database: late tickets, campaigns and their dials today."""

    late_tickets: int
    dialed_today: Mapping[str, int]  # every active campaign by name
    read_at: float = field(default=0.0)


def read_stored(session: Session, tenant_id: int, day_start: float, now: float) -> Stored:
    """Open tickets past an SLA due time, and the active campaigns' attempts since ``day_start``."""
    at = datetime.fromtimestamp(now, UTC)
    late = (
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.tenant_id == tenant_id, Ticket.status.in_(sorted(WORKED)), late_condition(at))
    )
    since = datetime.fromtimestamp(day_start, UTC)
    dialed = (
        select(Campaign.name, func.count(CallAttempt.id))
        .outerjoin(CallAttempt, (CallAttempt.campaign_id == Campaign.id) & (CallAttempt.started_at >= since))
        .where(Campaign.tenant_id == tenant_id, Campaign.active.is_(True))
        .group_by(Campaign.name)
        .order_by(Campaign.name)
    )
    counts = {str(name): int(n) for name, n in session.execute(dialed).all()}
    return Stored(session.execute(late).scalar_one(), counts, now)


class LiveBoard:
    """One tenant's wallboard, on the SIP loop."""

    def __init__(self, floor: LiveFloor, sessions: sessionmaker[Session], clock: Callable[[], float]) -> None:
        self.floor, self._sessions, self.clock = floor, sessions, clock
        self.watchers: list[Watcher] = []
        self.names: dict[str, str] = {}
        self._zone = ZoneInfo("UTC")
        self._fold = KpiFold()
        self._day = (0.0, 0.0)
        self._kept: list[LogEntry] | None = None  # entries met while today's log is read
        self._loading: asyncio.Task[None] | None = None
        self._states: dict[str, AgentEventType] = {}  # each agent's last state, to seed a new day
        self._stored: Stored | None = None

    async def ready(self) -> None:
        """Today's log folded (read once, by the first caller; a failed read is tried again)."""
        if self._loading is None:
            self._loading = asyncio.get_running_loop().create_task(self._load())
        task = self._loading
        try:
            await asyncio.shield(task)
        except Exception:
            if self._loading is task:
                self._loading = None
            raise

    async def _load(self) -> None:
        self.floor.flush()
        cutoff = self.clock()
        self._kept = []
        self.floor.listeners.append(self._heard)
        agents = [(a.id, a.state, a.state_since) for a in self.floor.floor.acd.agents.values()]
        try:
            zone, names, entries = await asyncio.to_thread(self._read, cutoff, agents)
        except Exception:
            self.floor.listeners.remove(self._heard)
            self._kept = None
            raise
        self._zone, self.names = zone, names
        self._start_day(cutoff, entries)
        kept, self._kept = self._kept, None
        for entry in kept:
            self._fold_in(entry)

    def _read(
        self, cutoff: float, agents: list[tuple[str, AgentState, float]]
    ) -> tuple[ZoneInfo, dict[str, str], list[LogEntry]]:
        """The tenant's zone, agents' names, and today's entries before ``cutoff`` (worker thread)."""
        with self._sessions() as session:
            scope = TenantScope(session, self.floor.tenant_id)
            tenant = session.get(Tenant, self.floor.tenant_id)
            zone = ZoneInfo(tenant.timezone if tenant is not None else "UTC")
            names = {a.extension: a.user.name for a in scope.agents.list()}
            start, _ = day_bounds(cutoff, zone)
            rows = scope.log.between(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(cutoff, UTC))
            entries = [log_entry(row) for row in rows]
        # Agents unchanged since before midnight: in that state from midnight.
        seeds = [LogEntry(start, AgentEventType(str(s)), agent=a) for a, s, since in agents if since < start]
        return zone, names, [e for e in seeds if e.type is not AgentEventType.LOGGED_OUT] + entries

    def _start_day(self, now: float, entries: list[LogEntry]) -> None:
        self._day = day_bounds(now, self._zone)
        queues = self.floor.floor.acd.queues.values()
        settings = {
            q.name: QueueKpiSettings(q.service_level_s, q.short_abandon_s, q.service_level_definition)
            for q in queues
        }
        self._fold = KpiFold(KpiSettings(queues=settings, since=self._day[0]))
        for entry in entries:
            self._fold_in(entry)

    def _heard(self, entry: LogEntry) -> None:
        """The floor stored an entry: fold it (or keep it until today's log is read), tell watchers."""
        if self._kept is not None:
            self._kept.append(entry)
        else:
            self._fold_in(entry)
        self.changed(entry)

    def changed(self, entry: LogEntry | None = None) -> None:
        """Tell the watchers; None: something the log does not show changed."""
        for watcher in list(self.watchers):
            watcher(entry)

    def _fold_in(self, entry: LogEntry) -> None:
        if entry.at >= self._day[1]:
            self._new_day(entry.at)
        kind = entry.type
        if isinstance(kind, AgentEventType) and kind is not AgentEventType.LOGGED_IN and entry.agent:
            self._states[entry.agent] = kind
        try:
            self._fold.add(entry)
        except KpiError as exc:  # a malformed row, or the clock set back: one entry less, not the board
            log.warning("tenant %s: wallboard left out %s: %s", self.floor.tenant_id, entry, exc)

    def _new_day(self, now: float) -> None:
        start, _ = day_bounds(now, self._zone)
        seeds = [
            LogEntry(start, state, agent=agent)
            for agent, state in sorted(self._states.items())
            if state is not AgentEventType.LOGGED_OUT
        ]
        self._start_day(now, seeds)
        self._stored = None

    async def figures(self, runs: Mapping[str, RunNow]) -> FloorNow:
        """The wallboard now; ``runs``: the tenant's campaigns running in this process, by name."""
        await self.ready()
        now = self.clock()
        if now >= self._day[1]:
            self._new_day(now)
        stored = await self._read_stored(now)
        campaigns = [
            CampaignNow(name, runs.get(name), stored.dialed_today.get(name, 0))
            for name in sorted(stored.dialed_today.keys() | runs.keys())
        ]
        acd = self.floor.floor.acd
        return floor_now(
            acd, self._fold, now, day_start=self._day[0], names=self.names, campaigns=campaigns,
            late_tickets=stored.late_tickets,
        )  # fmt: skip

    async def _read_stored(self, now: float) -> Stored:
        stored = self._stored
        if stored is None or now - stored.read_at >= STORED_TTL_S:
            tenant_id, start = self.floor.tenant_id, self._day[0]

            def read() -> Stored:
                with self._sessions() as session:
                    return read_stored(session, tenant_id, start, now)

            stored = self._stored = await asyncio.to_thread(read)
        return stored


class LiveBoards:
    """The wallboards of one SIP endpoint's floors, by tenant; used on the SIP loop only."""

    def __init__(
        self,
        floor: Callable[[int], LiveFloor],
        sessions: sessionmaker[Session],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._floor, self._sessions, self.clock = floor, sessions, clock
        self.boards: dict[int, LiveBoard] = {}

    def board(self, tenant_id: int) -> LiveBoard:
        """The tenant's wallboard, made on first use (today's log is read by its first ``ready``)."""
        board = self.boards.get(tenant_id)
        if board is None:
            board = self.boards[tenant_id] = LiveBoard(self._floor(tenant_id), self._sessions, self.clock)
        return board

    def touched(self, tenant_id: int) -> None:
        """Something unlogged changed on the tenant's floor: its watchers hear of it."""
        board = self.boards.get(tenant_id)
        if board is not None:
            board.changed()
