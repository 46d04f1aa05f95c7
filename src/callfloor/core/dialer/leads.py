"""A campaign's lead book (le fichier de la campagne): which lead to call next, and what became of each.

The book is the :class:`~callfloor.core.dialer.model.LeadSource` the pacing asks. It holds every
lead of a campaign in memory (a list of 100,000 is usual) with its status
(:class:`~callfloor.core.dialer.lifecycle.LeadStatus`), its attempts, and when it is due; the
waiting ones sit in :class:`~callfloor.core.dialer.lead_queues.LeadQueues`, so that
:meth:`LeadBook.next_lead` costs O(log n). Order: the asking agent's own callbacks, then the
campaign's callbacks, then the rest by priority and oldest due time. A callback reserved for an
agent who has not taken it ``grace_s`` after its time goes to the campaign.

A lead handed out is ``in_progress`` and is not handed out again until :meth:`~LeadBook.record`
(what the attempt gave: the :class:`~callfloor.core.dialer.recycling.RetryPolicy` decides when,
if ever, to retry) or :meth:`~LeadBook.release` (not dialed after all). Before handing a lead out
the book asks its *gate* (compliance: calling hours, attempts per 30 days, do-not-call; décret
2022-1313 art. 1): None lets the call through, a time defers the lead to then, ``math.inf`` bars
it for good. :meth:`~LeadBook.state` and :meth:`~LeadBook.restore` carry a lead's state to
storage and back, so that the live server rebuilds the book when it restarts.
"""

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from callfloor.core.dialer import DialerError
from callfloor.core.dialer.lead_queues import LeadQueues
from callfloor.core.dialer.lifecycle import FINISHED, WAITING, LeadStatus, Move, check
from callfloor.core.dialer.model import Lead, Outcome
from callfloor.core.dialer.recycling import Decision, RetryPolicy

#: Compliance's word on a lead at ``now``: None (call it), a time (not before), ``math.inf`` (never).
Gate = Callable[[Lead, float], float | None]
GATE_REASON = "gate"  # the reason of a lead the gate barred
DEFAULT_GRACE_S = 900.0  # an agent's callback is his alone for 15 minutes after its time


class UnknownLeadError(DialerError):
    """A lead id the book does not hold."""

    def __init__(self, lead_id: str) -> None:
        super().__init__(f"no lead {lead_id!r} in this campaign")
        self.lead_id = lead_id


class DuplicateLeadError(DialerError):
    """A lead added twice: import merges duplicates before the book sees them."""

    def __init__(self, lead_id: str) -> None:
        super().__init__(f"lead {lead_id!r} is already in this campaign")
        self.lead_id = lead_id


@dataclass(frozen=True, slots=True)
class LeadState:
    """A lead's state as stored: what :meth:`LeadBook.restore` needs to put it back."""

    status: LeadStatus = LeadStatus.UNTOUCHED
    attempts: int = 0
    due_at: float | None = None  # None: callable at any time (or never, once finished)
    agent: str | None = None  # the agent a callback is reserved for
    reason: str | None = None  # the last decision (``why:rule``) or why the lead was barred
    rule_attempts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(slots=True)
class _Entry:
    lead: Lead
    status: LeadStatus
    due: float  # -inf: callable at any time
    agent: str | None
    attempts: int = 0
    rule_attempts: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    before: LeadStatus = LeadStatus.UNTOUCHED  # its status before it was handed out
    barred: str | None = None  # barred while in progress: exhausted once the call ends


class LeadBook:
    """A campaign's leads, their attempts, and the order in which to call them."""

    def __init__(
        self, policy: RetryPolicy | None = None, *, gate: Gate | None = None, grace_s: float = DEFAULT_GRACE_S
    ) -> None:
        self.policy = policy if policy is not None else RetryPolicy()
        self._gate = gate
        self._entries: dict[str, _Entry] = {}
        self._queues = LeadQueues(grace_s)
        self._counts = dict.fromkeys(LeadStatus, 0)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, lead_id: object) -> bool:
        return lead_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def add(self, lead: Lead, due_at: float | None = None) -> None:
        """A new lead, untouched, callable from ``due_at`` (any time if None); ``lead.agent`` reserves it."""
        self.restore(lead, LeadState(due_at=due_at, agent=lead.agent))

    def restore(self, lead: Lead, state: LeadState) -> None:
        """A lead as stored. One stored ``in_progress`` lost its call with the restart: it waits again."""
        if lead.id in self._entries:
            raise DuplicateLeadError(lead.id)
        status = state.status
        if status is LeadStatus.IN_PROGRESS:
            status = LeadStatus.SCHEDULED if state.attempts else LeadStatus.UNTOUCHED
        due = -math.inf if state.due_at is None else state.due_at
        entry = _Entry(
            lead, status, due, state.agent, state.attempts, dict(state.rule_attempts), state.reason
        )
        self._entries[lead.id] = entry
        self._counts[status] += 1
        self._place(entry)

    def next_lead(self, now: float, agent: str | None = None) -> Lead | None:
        """The best lead callable at ``now``, now ``in_progress``; ``agent``'s callbacks first."""
        return self._next(now, agent, reserved_only=False)

    def next_callback(self, now: float, agent: str) -> Lead | None:
        """``agent``'s own callback due at ``now``, if any: pooled modes (power, predictive) dial
        the campaign without an agent, and ask this for each agent who becomes ready."""
        return self._next(now, agent, reserved_only=True)

    def _next(self, now: float, agent: str | None, *, reserved_only: bool) -> Lead | None:
        while (found := self._queues.pop(now, agent, reserved_only=reserved_only)) is not None:
            lead_id, spot = found
            entry = self._entries[lead_id]
            entry.agent = spot.agent  # None once the reservation lapsed
            lead = entry.lead if entry.lead.agent == spot.agent else replace(entry.lead, agent=spot.agent)
            if self._admitted(entry, lead, now):
                check(lead_id, entry.status, Move.HAND_OUT)
                entry.before = entry.status
                self._set_status(entry, LeadStatus.IN_PROGRESS)
                return lead
        return None

    def record(
        self,
        lead_id: str,
        outcome: Outcome,
        now: float,
        *,
        disposition: str | None = None,
        callback_at: float | None = None,
        callback_agent: str | None = None,
    ) -> None:
        """What the attempt gave; the policy says when, if ever, the lead is tried again."""
        entry = self._entry(lead_id)
        check(lead_id, entry.status, Move.RECORD)
        decision = self.policy.decide(
            outcome,
            now,
            attempts=entry.attempts,
            rule_attempts=entry.rule_attempts,
            disposition=disposition,
            callback_at=callback_at,
            callback_agent=callback_agent,
        )
        if not decision.counted:  # blocked: no attempt, back as it was, due when compliance said
            entry.due = max(entry.due, decision.due_at if decision.due_at is not None else now)
            self._back(entry)
            return
        entry.attempts += 1
        entry.rule_attempts[decision.rule] = entry.rule_attempts.get(decision.rule, 0) + 1
        self._apply(entry, decision)

    def release(self, lead_id: str) -> None:
        """A lead handed out but not dialed after all: back to the pool as it was.

        It goes behind leads of equal priority and due time, so that a lead an agent skipped in
        preview is not offered again at once.
        """
        entry = self._entry(lead_id)
        check(lead_id, entry.status, Move.RELEASE)
        self._back(entry)

    def defer(self, lead_id: str, until: float) -> None:
        """Compliance said "not before ``until``": one in progress is released too, a finished one stays."""
        entry = self._entry(lead_id)
        check(lead_id, entry.status, Move.DEFER)
        if entry.status in FINISHED:
            return
        entry.due = max(entry.due, until)
        if entry.status is LeadStatus.IN_PROGRESS:
            self._back(entry)
        else:
            self._place(entry)

    def never(self, lead_id: str, reason: str) -> None:
        """Never call this lead again (do-not-call, consent revoked); one in progress ends its call first."""
        entry = self._entry(lead_id)
        check(lead_id, entry.status, Move.NEVER)
        if entry.status is LeadStatus.IN_PROGRESS:
            entry.barred = reason
        elif entry.status not in FINISHED:
            self._finish(entry, LeadStatus.EXHAUSTED, reason)

    def progress(self) -> dict[LeadStatus, int]:
        """How many leads are in each status (see :func:`.lifecycle.list_view` for the list's four)."""
        return dict(self._counts)

    def next_due(self, agent: str | None = None) -> float | None:
        """The earliest time a lead may be callable (for ``agent``), so a driver can sleep till then.

        A time at or before now means a lead is callable now; None, that no lead waits.
        """
        return self._queues.next_due(agent)

    def status(self, lead_id: str) -> LeadStatus:
        """The lead's status."""
        return self._entry(lead_id).status

    def attempts(self, lead_id: str) -> int:
        """How many attempts the lead had (blocked ones are none)."""
        return self._entry(lead_id).attempts

    def state(self, lead_id: str) -> LeadState:
        """The lead's state, to store; :meth:`restore` takes it back."""
        entry = self._entry(lead_id)
        due = None if entry.due == -math.inf or entry.status in FINISHED else entry.due
        rule_attempts = MappingProxyType(dict(entry.rule_attempts))
        return LeadState(entry.status, entry.attempts, due, entry.agent, entry.reason, rule_attempts)

    def _entry(self, lead_id: str) -> _Entry:
        entry = self._entries.get(lead_id)
        if entry is None:
            raise UnknownLeadError(lead_id)
        return entry

    def _admitted(self, entry: _Entry, lead: Lead, now: float) -> bool:
        """Whether the gate lets the lead be called now; if not, it is deferred or barred."""
        until = None if self._gate is None else self._gate(lead, now)
        if until is None or until <= now:
            return True
        if until == math.inf:
            self._finish(entry, LeadStatus.EXHAUSTED, GATE_REASON)
        else:
            entry.due = until
            self._place(entry)
        return False

    def _apply(self, entry: _Entry, decision: Decision) -> None:
        reason = f"{decision.why}:{decision.rule}"
        status = entry.before if decision.status is None else decision.status
        if entry.barred is not None and status is not LeadStatus.DONE:
            self._finish(entry, LeadStatus.EXHAUSTED, entry.barred)
        elif status in FINISHED:
            self._finish(entry, status, reason)
        else:
            entry.reason, entry.agent = reason, decision.agent
            entry.due = decision.due_at if decision.due_at is not None else -math.inf
            self._set_status(entry, status)
            self._place(entry)

    def _back(self, entry: _Entry) -> None:
        """An in-progress lead returns to what it was, unless it was barred meanwhile."""
        if entry.barred is not None:
            self._finish(entry, LeadStatus.EXHAUSTED, entry.barred)
            return
        self._set_status(entry, entry.before)
        self._place(entry)

    def _finish(self, entry: _Entry, status: LeadStatus, reason: str) -> None:
        entry.reason, entry.agent = reason, None
        self._set_status(entry, status)
        self._queues.remove(entry.lead.id)

    def _place(self, entry: _Entry) -> None:
        callback = entry.status is LeadStatus.CALLBACK
        if entry.status in WAITING:
            self._queues.put(
                entry.lead.id, entry.due, entry.lead.priority, callback=callback, agent=entry.agent
            )

    def _set_status(self, entry: _Entry, status: LeadStatus) -> None:
        self._counts[entry.status] -= 1
        self._counts[status] += 1
        entry.status = status
