"""Running the core's floors live: one :class:`Floor` per tenant, fed with events, timed with
the event loop, its log written to the database as it happens.

The live floor's clock is the epoch (``time.time()``), so log times convert to UTC as they are
stored; deadlines are turned into ``loop.call_at`` timers. Each log entry is committed in its
own short transaction as it comes: a crash loses nothing the floor has already decided.
Actions other than log appends go to the telephony layer through ``execute``.

The entries are also folded, in memory, into the customer file's record of each interaction
(:mod:`callfloor.crm.interactions`): the telephony layer says when one starts and with which
number, and the entry that ends it is committed together with its ``interactions`` row.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.floor import floor_profiles
from callfloor.core.acd import AcdError
from callfloor.core.actions import Action, Append
from callfloor.core.events import Event
from callfloor.core.floor import Floor
from callfloor.core.log import LogEntry
from callfloor.crm.interactions import (
    InteractionRecorder,
    InteractionStart,
    InteractionTally,
    OpenInteractions,
)
from callfloor.crm.screen_pop import ScreenPop, ScreenPops
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope

log = logging.getLogger(__name__)
Executor = Callable[[int, Action], None]
ID_TTL_S = 30.0


class LiveFloor:
    """One tenant's floor on the event loop."""

    def __init__(self, tenant_id: int, sessions: sessionmaker[Session], execute: Executor) -> None:
        self.tenant_id = tenant_id
        self._sessions = sessions
        self._execute = execute
        with sessions() as session:
            queues, agents = floor_profiles(TenantScope(session, tenant_id))
            tenant = session.get(Tenant, tenant_id)
            self.region = tenant.country if tenant is not None else "FR"  # where numbers are read
        self.floor = Floor(queues, agents, random.Random())  # noqa: S311 - routing ties, not secrets
        self._timer: asyncio.TimerHandle | None = None
        self._ids: dict[tuple[str, str], tuple[int | None, float]] = {}  # (kind, name) -> id, until
        self.interactions = OpenInteractions()  # not ended yet, folded from their entries

    def handle(self, event: Event) -> list[Action]:
        """Apply an event now; an illegal one (a race with the network) is logged and ignored."""
        try:
            return self.apply(event)
        except AcdError as exc:
            log.info("tenant %s: %s ignored: %s", self.tenant_id, event, exc)
            return []

    def apply(self, event: Event) -> list[Action]:
        """Apply an event now; an illegal one raises (an agent's command, answered with an error)."""
        actions = self.floor.handle(event, time.time())
        self._carry_out(actions)
        return actions

    def _carry_out(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Append):
                self._store(action.entry)
            else:
                self._execute(self.tenant_id, action)
        self._rearm()

    def started(self, start: InteractionStart) -> None:
        """An interaction begins, with its remote number: its record is written when it ends."""
        self.interactions.start(start)

    def discard(self, interaction: str) -> None:
        """An interaction that ended before the floor or the IVR logged anything about it."""
        self.interactions.discard(interaction)

    def screen_pop(self, number: str | None, interaction: str) -> ScreenPop:
        """The screen pop of an interaction being offered; it reads the database: run it off the loop."""
        with self._sessions() as session:
            return ScreenPops(session, self.tenant_id).build(number, interaction=interaction)

    def record(self, entry: LogEntry) -> None:
        """Commit an entry that comes from outside the floor: the IVR's, for a call that ended there."""
        self._store(entry)

    def _store(self, entry: LogEntry) -> None:
        with self._sessions.begin() as session:
            scope = TenantScope(session, self.tenant_id)
            queue_id = self._id(scope, "queue", entry.queue)
            agent_id = self._id(scope, "agent", entry.agent)
            payload = {
                key: value
                for key, value in (
                    ("wait_s", entry.wait_s), ("talk_s", entry.talk_s), ("wrap_s", entry.wrap_s),
                    ("reason", entry.reason), ("channel", entry.channel and entry.channel.value),
                    ("hold_s", entry.hold_s),
                    ("priority", entry.priority), ("agent", entry.agent), ("queue", entry.queue),
                )
                if value is not None
            }  # fmt: skip
            scope.log.append(
                entry.type.value,
                datetime.fromtimestamp(entry.at, UTC),
                interaction_id=entry.interaction,
                queue_id=queue_id,
                agent_id=agent_id,
                payload=payload,
            )
            ended = self.interactions.add(entry)
            if ended is not None:
                self._write(scope, ended)

    def _write(self, scope: TenantScope, ended: InteractionTally) -> None:
        """The finished interaction's record, in the transaction of the entry that ended it."""
        queue_id = self._id(scope, "queue", ended.queue)
        agent_id = self._id(scope, "agent", ended.agent)
        recorder = InteractionRecorder(scope.session, self.tenant_id, self.region)
        recorder.write(ended, queue_id=queue_id, agent_id=agent_id)

    def _id(self, scope: TenantScope, kind: str, name: str | None) -> int | None:
        """The id of a queue or agent named in an entry, looked up at most every ``ID_TTL_S``.

        Two queries per entry were an eighth of the server's time under load. The log's id columns
        are plain integers (the entry also carries the names), so an id a few seconds stale after
        a rename costs a report a join, never a write.
        """
        if name is None:
            return None
        now = time.monotonic()
        cached = self._ids.get((kind, name))
        if cached is not None and cached[1] > now:
            return cached[0]
        row = scope.queues.by_name(name) if kind == "queue" else scope.agents.by_extension(name)
        found = row.id if row is not None else None
        self._ids[(kind, name)] = (found, now + ID_TTL_S)
        return found

    def _rearm(self) -> None:
        deadline = self.floor.next_deadline()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if deadline is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(loop.time() + max(0.0, deadline - time.time()), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._carry_out(self.floor.on_deadline(time.time()))

    def close(self) -> None:
        """Stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
