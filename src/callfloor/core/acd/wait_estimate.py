"""Estimated waiting time (EWT): what a queued caller is told on entry and every N seconds.

Use, one estimator per floor, bound to the floor's ACD::

    estimator = WaitEstimator(floor.acd)
    estimator.observe(entry)                # every log entry the floor appends, in order
    estimator.estimate(interaction, now)    # seconds, or None when nobody staffed can take it

``observe`` learns from the log alone, ``estimate`` reads the live ACD and changes nothing; both
are deterministic and read no clock. ``estimate`` gives the remaining ring time of an
interaction being rung, 0 once answered, and raises :class:`UnknownObjectError` for one the
floor does not know; it costs about a millisecond on a floor of 20 agents (``bench/ewt_accuracy.py``
prints it), so it is meant for announcements, not for every routing decision.
:meth:`Acd.estimated_wait` (position × AHT / staffed agents) stays the naive reference: right on
average in a textbook M/M/s queue, blind to the rest.

Theory of operation.

1. Each staffed agent who may take the caller (qualified for its group, not out of its queue, no
   pause pending) frees at a random time whose law comes from its live state and the queue's
   recent history: in wrap-up, the rest of the observed wrap-ups given how long this one has
   lasted; talking, the rest of the observed talks given the talk so far, then a wrap-up;
   ringing, a ring, a talk and a wrap-up. Then it frees again every handle time (the renewal
   function of the observed handle times). With a wrap-up timer, the next few frees are nearly
   known.
2. An agent who also serves other queues gives this one only its share of its frees: the share
   seen, per agent and queue, among the offers it got while the queue had callers waiting,
   counted apart for when its other queues had callers waiting too, as they may have now (a
   queue of higher priority takes more of a shared agent than the others).
3. The caller at position k is answered once the frees given to its queue plus the callers ahead
   who hung up reach k. How long callers hold on is the Kaplan–Meier survival of the queue's
   recent waits (answered ones censored); each caller ahead, who has already waited so long,
   holds on for its part of the wait (the j-th of k for j/k of it). With exponential talks and
   patience and one queue this is, on average, the QL_m estimator of Ibrahim and Whitt
   ("Real-time delay estimation in overloaded multiserver queues with abandonments",
   Management Science 55(10), 2009): Σ_{j<k} 1 / (sμ + jθ).
4. The figure is the median of that law, the wait of a caller who holds on until answered,
   plus the observed ring time: the median keeps the mean absolute error of the announcements
   smallest. (Weighting the law by the chance to still be on the line, to announce the wait of
   those who are answered, did not measure better and would let a caller further back hear a
   shorter wait than one ahead.)

With no history (a floor's first minutes) talks are exponential with the floor's default AHT,
wrap-ups last the queue's timer, nobody hangs up and agents are wholly the queue's: the naive
figure's assumptions. A queue with escalation steps gives the shorter of waiting at the current
step and waiting for a later one. The law of step 3 is worked out at growing times until its
median, exactly (Poisson-binomials over agents and callers ahead; an agent's later frees as a
Poisson count given that it freed) when that is cheap, by a normal approximation on large
floors. The module is longer than our usual ones: the learning and the law of the wait are one
concept, split into the estimator class and the functions after it.
"""

import bisect
import itertools
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from statistics import fmean, pvariance
from typing import Final

from callfloor.core.acd import UnknownObjectError
from callfloor.core.acd.engine import QUEUED, STAFFED, Acd
from callfloor.core.acd.model import AgentState, InteractionState
from callfloor.core.acd.records import AgentRecord, InteractionRecord
from callfloor.core.acd.router import Group
from callfloor.core.log import AgentEventType, InteractionEventType, LogEntry, LogEntryType

IT = InteractionEventType
WINDOW: Final = 300  # recent durations (and waits) kept per queue
MIN_SAMPLE: Final = 20  # fewer durations than this: taken as exponential with their mean
TAIL: Final = 5  # fewer durations than this beyond the time elapsed: an exponential rest
# The law of the wait is worked out at 0, FIRST_S and on, each time RATIO times the one before,
# up to its median: the same times for every caller, so that a caller further back never hears
# a shorter wait.
FIRST_S: Final = 0.25
RATIO: Final = 1.1
EXACT_BUDGET: Final = 4000  # agents × position + position² above which the law is approximated
SHARE_PRIOR: Final = 2.0  # offers' worth of belief that an agent is wholly a queue's
SHARE_DECAY: Final = 0.98  # weight, at each new offer, of what the earlier ones said
LONGEST_S: Final = 86_400.0  # no estimate goes past a day
SHORTEST_S: Final = 1.0  # handle times are taken as at least this long on average
CALLBACK: Final = "callback"  # reason of the entries of a callback's dialing


class Durations:
    """The recent durations of one kind (talk, wrap-up, handle, ring) in one queue, kept sorted."""

    __slots__ = ("recent", "sorted")

    def __init__(self) -> None:
        self.recent: deque[float] = deque()
        self.sorted: list[float] = []

    def add(self, seconds: float) -> None:
        """One more duration; the oldest goes once the window is full."""
        if len(self.recent) == WINDOW:
            del self.sorted[bisect.bisect_left(self.sorted, self.recent.popleft())]
        self.recent.append(seconds)
        bisect.insort(self.sorted, seconds)

    def mean(self, default: float) -> float:
        """Their mean, or ``default`` before the first one."""
        return fmean(self.recent) if self.recent else default

    def rest(self, elapsed: float, default_mean: float) -> "Rest":
        """The law of what is left of one that has lasted ``elapsed``."""
        values, n = self.sorted, len(self.sorted)
        if n < MIN_SAMPLE:
            return Rest((), 0.0, 0, self.mean(default_mean))
        beyond = n - bisect.bisect_right(values, elapsed)
        if beyond >= TAIL:
            return Rest(values, elapsed, beyond, 0.0)
        # Too few lasted that long to say how they end: an exponential rest, as long on
        # average as the longest ones overshot (a quarter of the mean if none did).
        overshoot = [v - elapsed for v in values[-TAIL:] if v > elapsed]
        return Rest((), 0.0, 0, fmean(overshoot) if overshoot else fmean(values) / 4)


@dataclass(frozen=True, slots=True)
class Rest:
    """P(what is left ≤ t): from observed durations past ``elapsed``, or exponential with ``mean``."""

    values: Sequence[float]
    elapsed: float
    beyond: int
    mean: float

    def cdf(self, t: float) -> float:
        """The probability that it is over within ``t`` seconds."""
        if t <= 0:
            return 0.0
        if not self.values:
            return 1.0 - math.exp(-t / self.mean) if self.mean > 0 else 1.0
        left = len(self.values) - bisect.bisect_right(self.values, self.elapsed + t)
        return 1.0 - left / self.beyond


@dataclass(frozen=True, slots=True)
class Free:
    """When one agent next frees: ``shift`` seconds, then ``rest`` (if any). Each of its frees
    goes to the queue with probability ``weight`` (its share)."""

    shift: float
    rest: Rest | None
    weight: float

    def cdf(self, t: float) -> float:
        """P(it has freed within ``t``), for whichever queue."""
        if t < self.shift:
            return 0.0
        return 1.0 if self.rest is None else self.rest.cdf(t - self.shift)


@dataclass(frozen=True, slots=True)
class Cycle:
    """An agent's later frees: ring plus handle time, as a renewal process."""

    ring_s: float
    handle: Rest
    mean_s: float
    cv2: float

    def renewals(self, x: float) -> float:
        """Expected frees within ``x`` seconds of a free: the first one's law, and its asymptote."""
        x -= self.ring_s
        if x <= 0:
            return 0.0
        return max(self.handle.cdf(x), x / self.mean_s + (self.cv2 - 1.0) / 2.0)


class Patience:
    """How long a queue's callers hold on: the Kaplan–Meier survival of its recent waits (a wait
    that ended answered is censored), with an exponential tail at rate θ past the last one."""

    __slots__ = ("rate", "survivals", "times")

    def __init__(self, waits: Iterable[tuple[float, bool]]) -> None:
        ordered = sorted(waits)
        waited = sum(w for w, _ in ordered)
        self.rate = sum(gone for _, gone in ordered) / waited if waited > 0 else 0.0
        self.times: list[float] = []
        self.survivals: list[float] = []
        if len(ordered) < MIN_SAMPLE:
            return  # too few: exponential with rate θ
        survival, at_risk = 1.0, len(ordered)
        for wait, group in itertools.groupby(ordered, key=lambda w: w[0]):
            outcomes = [gone for _, gone in group]
            if any(outcomes):
                survival *= 1.0 - sum(outcomes) / at_risk
                self.times.append(wait)
                self.survivals.append(survival)
            at_risk -= len(outcomes)

    def survival(self, x: float) -> float:
        """P(a caller still holds on after ``x`` seconds of waiting)."""
        if not self.times or x > self.times[-1]:
            last_t, last_s = (self.times[-1], self.survivals[-1]) if self.times else (0.0, 1.0)
            return last_s * math.exp(-self.rate * max(0.0, x - last_t))
        i = bisect.bisect_right(self.times, x)
        return self.survivals[i - 1] if i else 1.0

    def stays(self, waited: float, t: float) -> float:
        """P(a caller who has waited ``waited`` still holds on ``t`` seconds later)."""
        now = self.survival(waited)
        return self.survival(waited + t) / now if now > 0 else math.exp(-self.rate * t)


class _Queue:
    """What the log taught about one queue."""

    __slots__ = ("handle", "name", "ring", "talk", "waits", "wrap")

    def __init__(self, name: str) -> None:
        self.name = name
        self.talk, self.wrap, self.handle, self.ring = Durations(), Durations(), Durations(), Durations()
        self.waits: deque[tuple[float, bool]] = deque(maxlen=WINDOW)  # (waited, hung up?)

    def patience(self) -> Patience:
        """How long its callers hold on, from its recent waits."""
        return Patience(self.waits)


class WaitEstimator:
    """Estimated waits of one floor's queued interactions (see the module docstring)."""

    def __init__(self, acd: Acd) -> None:
        self.acd = acd
        self._queues: dict[str, _Queue] = {name: _Queue(name) for name in acd.queues}
        self._members: dict[int, list[AgentRecord]] = {}  # id(group) -> qualified agents
        self._serves: dict[str, set[str]] = {agent: set() for agent in acd.agents}
        for agent in acd.agents.values():
            for groups in agent.groups.values():
                for group in groups:
                    self._members.setdefault(id(group), []).append(agent)
                    self._serves[agent.id].add(group.queue.name)
        # Interactions waiting, per queue, and how many agents each is ringing for.
        self._waiting: dict[str, set[str]] = {name: set() for name in acd.queues}
        self._queue_of: dict[str, str] = {}
        self._ringing: dict[str, int] = {}
        self._offered_at: dict[str, float] = {}
        # Agent -> (queue, since, state) of the work in hand, for the law of its end.
        self._work: dict[str, tuple[str, float, AgentState]] = {}
        # (agent, queue, contested?) -> (offers of the queue's callers, offers), decayed.
        self._offers: dict[tuple[str, str, bool], tuple[float, float]] = {}

    # -- learning -------------------------------------------------------------------------------

    def observe(self, entry: LogEntry) -> None:
        """Learn from one log entry (every entry the floor appends, in order)."""
        if entry.type is AgentEventType.LOGGED_OUT:
            self._work.pop(entry.agent or "", None)
        learn = _LEARN.get(entry.type)
        if learn is not None and entry.interaction is not None and entry.queue in self._queues:
            learn(self, entry, entry.interaction, self._queues[entry.queue])

    def _enqueued(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        self._leave(iid)
        self._waiting[learned.name].add(iid)
        self._queue_of[iid] = learned.name

    def _offered(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        queue, agent = learned.name, entry.agent
        if agent is not None and iid in self._waiting[queue]:  # a choice among waiting callers
            self._learn_share(agent, queue)
        self._waiting[queue].discard(iid)
        self._ringing[iid] = self._ringing.get(iid, 0) + 1
        self._offered_at[iid] = entry.at
        if agent is not None:
            self._work[agent] = (queue, entry.at, AgentState.RESERVED)

    def _learn_share(self, agent: str, taken: str) -> None:
        """Each queue of the agent's with callers waiting: did the agent take one of its callers?
        Counted apart for when its other queues had callers waiting too (contested)."""
        record = self.acd.agents.get(agent)
        left = record.left_queues if record is not None else frozenset()
        for queue in self._serves.get(agent, ()):
            if self._waiting[queue] and queue not in left:  # a queue left takes no share
                key = (agent, queue, self._contested(agent, queue))
                won, seen = self._offers.get(key, (0.0, 0.0))
                self._offers[key] = (won * SHARE_DECAY + (queue == taken), seen * SHARE_DECAY + 1.0)

    def _contested(self, agent: str, queue: str) -> bool:
        return any(self._waiting[other] for other in self._serves.get(agent, ()) if other != queue)

    def _no_answer(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        self._work.pop(entry.agent or "", None)
        if entry.reason == CALLBACK:  # the callback was not picked up: the interaction ends
            self._leave(iid)
            return
        self._ringing[iid] = self._ringing.get(iid, 1) - 1
        if self._ringing[iid] <= 0:
            self._waiting[learned.name].add(iid)  # rung out: waits again

    def _answered(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        offered_at = self._offered_at.get(iid)
        if entry.reason != CALLBACK:  # a callback's wait was not spent on the line
            learned.waits.append((entry.wait_s or 0.0, False))
            if offered_at is not None:
                learned.ring.add(entry.at - offered_at)
        if entry.agent is not None:
            self._work[entry.agent] = (learned.name, entry.at, AgentState.BUSY)
        self._leave(iid)

    def _stopped_waiting(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        """Hung up, or asked to be called back (keeping its place): a wait that ended unanswered."""
        abandoned = entry.type is IT.ABANDONED
        learned.waits.append((entry.wait_s or 0.0, abandoned))
        if abandoned:
            self._leave(iid)

    def _wrap_started(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        if entry.agent is not None:
            self._work[entry.agent] = (learned.name, entry.at, AgentState.WRAP_UP)

    def _completed(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        talk, wrap = entry.talk_s or 0.0, entry.wrap_s or 0.0
        learned.talk.add(talk)
        learned.wrap.add(wrap)
        learned.handle.add(talk + wrap)
        self._work.pop(entry.agent or "", None)

    def _left(self, entry: LogEntry, iid: str, learned: _Queue) -> None:
        self._leave(iid)

    def _leave(self, iid: str) -> None:
        queue = self._queue_of.pop(iid, None)
        if queue is not None:
            self._waiting[queue].discard(iid)
        self._ringing.pop(iid, None)
        self._offered_at.pop(iid, None)

    def share(self, agent: str, queue: str, contested: bool | None = None) -> float:
        """The part of the agent's frees that go to ``queue`` while it has callers waiting, when
        the agent's other queues have callers waiting too (``contested``) or not; by default, as
        they are now."""
        if contested is None:
            contested = self._contested(agent, queue)
        won, seen = self._offers.get((agent, queue, contested), (0.0, 0.0))
        return (won + SHARE_PRIOR) / (seen + SHARE_PRIOR)

    def patience(self, queue: str) -> Patience:
        """How long the queue's callers hold on, from its recent waits."""
        return self._queues[queue].patience()

    # -- estimating -----------------------------------------------------------------------------

    def estimate(self, interaction: str, now: float) -> float | None:
        """Seconds until an agent should answer ``interaction``; None when nobody staffed can."""
        record = self.acd.interactions.get(interaction)
        if record is None:
            raise UnknownObjectError(f"interaction {interaction}")
        ring_s = self._queues[record.queue.name].ring.mean(0.0)
        if record.state is InteractionState.OFFERED or record.state is InteractionState.DIALING:
            return max(0.0, ring_s - (now - self._offered_at.get(interaction, now)))
        if record.state not in QUEUED or record.group is None:
            return 0.0
        best: float | None = None
        steps = record.queue.step_skills()
        for step in range(record.step, len(steps)):
            # At a later escalation step the caller joins that step's group when it starts:
            # agents who free before then serve those already there, or wait for the caller.
            starts_in = 0.0 if step == record.step else steps[step][0] - (now - record.enqueued_at)
            wait = self._wait_in(record, self.acd.router.group(record.queue.name, step, record.channel), now)
            if wait is not None and (best is None or max(starts_in, wait) < best):
                best = max(starts_in, wait)
        return None if best is None else best + ring_s

    def _wait_in(self, record: InteractionRecord, group: Group, now: float) -> float | None:
        queue_name = group.queue.name
        agents = [
            a
            for a in self._members.get(id(group), ())
            if a.state in STAFFED and a.pending_pause is None and queue_name not in a.left_queues
        ]
        if not agents:
            return None
        waiting = self.acd.router.waiting(group)
        if group is record.group:
            before = waiting[: waiting.index(record)]
        else:  # a later step's group: those who would be ahead once the caller joins it
            rank = record.rank()
            before = [w for w in waiting if w.rank() < rank]
        ahead = [now - w.first_enqueued_at for w in before]
        queue = record.queue.name
        frees = [self._free(a, queue, now) for a in agents]
        learned = self._queues[queue]
        handle = learned.handle
        mean_s = max(SHORTEST_S, handle.mean(self.acd.default_aht_s))
        cv2 = pvariance(handle.recent) / mean_s**2 if len(handle.recent) >= MIN_SAMPLE else 1.0
        cycle = Cycle(learned.ring.mean(0.0), handle.rest(0.0, mean_s), mean_s, cv2)
        return median_wait(frees, ahead, learned.patience(), cycle)

    def _free(self, agent: AgentRecord, queue: str, now: float) -> Free:
        """The law of when ``agent`` next frees, from its state and the log of its work."""
        weight = self.share(agent.id, queue)
        if agent.state is AgentState.READY:
            return Free(0.0, None, weight)
        work_queue, since, state = self._work.get(agent.id, (queue, agent.state_since, agent.state))
        if state is not agent.state:  # the log said nothing of this work: the state's own clock
            work_queue, since = queue, agent.state_since
        learned = self._queues[work_queue]
        timer = self.acd.queues[work_queue].wrap_up_s
        elapsed = now - since
        if agent.state is AgentState.WRAP_UP:
            if len(learned.wrap.sorted) < MIN_SAMPLE:
                return Free(max(0.0, timer - elapsed), None, weight)
            return Free(0.0, learned.wrap.rest(elapsed, timer), weight)
        wrap_s = learned.wrap.mean(timer)
        talk_mean = max(1.0, learned.handle.mean(self.acd.default_aht_s) - wrap_s)
        if agent.state is AgentState.BUSY:
            return Free(wrap_s, learned.talk.rest(elapsed, talk_mean), weight)
        ring_left = max(0.0, learned.ring.mean(0.0) - elapsed)  # reserved: ringing for another
        return Free(ring_left + wrap_s, learned.talk.rest(0.0, talk_mean), weight)


# What each kind of entry teaches (the others teach nothing).
_LEARN: Final[dict[LogEntryType, Callable[[WaitEstimator, LogEntry, str, _Queue], None]]] = {
    IT.ENQUEUED: WaitEstimator._enqueued,
    IT.OFFERED: WaitEstimator._offered,
    IT.DIALED: WaitEstimator._offered,
    IT.NO_ANSWER: WaitEstimator._no_answer,
    IT.ANSWERED: WaitEstimator._answered,
    IT.ABANDONED: WaitEstimator._stopped_waiting,
    IT.CALLBACK_REQUESTED: WaitEstimator._stopped_waiting,
    IT.WRAPUP_STARTED: WaitEstimator._wrap_started,
    IT.COMPLETED: WaitEstimator._completed,
    IT.TRANSFERRED: WaitEstimator._left,
    IT.DROPPED: WaitEstimator._left,
}


# -- the law of the wait ----------------------------------------------------------------------


def median_wait(frees: list[Free], ahead: list[float], patience: Patience, cycle: Cycle) -> float:
    """Median wait of a caller who holds on until answered, with callers ahead who have waited
    ``ahead`` (best placed first); at most a day."""
    last_t, last_p = 0.0, 0.0
    for t, answered in answered_by(frees, ahead, patience, cycle):
        if answered >= 0.5:  # linear between the two times around it
            return last_t + (0.5 - last_p) / (answered - last_p) * (t - last_t) if t else 0.0
        last_t, last_p = t, answered
    return LONGEST_S


def answered_by(
    frees: list[Free], ahead: list[float], patience: Patience, cycle: Cycle
) -> Iterator[tuple[float, float]]:
    """(t, P(answered within t)) at 0, FIRST_S and on up to a day, with callers ahead who have
    waited ``ahead``; each of them holds on for its share of t (the j-th of k for j/k of it)."""
    whole = [f for f in frees if f.weight >= 1.0]
    shared = [f for f in frees if f.weight < 1.0]
    steps: list[float] = []  # the middle of each step between two times
    pooled: list[float] = []  # first frees of the agents wholly the queue's, in each step
    each: list[list[float]] = [[] for _ in shared]  # first frees of each shared agent, in each step
    last_t, last_pooled, last_each = 0.0, 0.0, [0.0] * len(shared)
    k = len(ahead) + 1
    t = 0.0
    while t <= LONGEST_S:
        p = [f.cdf(t) for f in whole]
        freed = [f.cdf(t) for f in shared]
        steps.append((t + last_t) / 2)
        pooled.append(sum(p) - last_pooled)
        for increments, now_f, last_f in zip(each, freed, last_each, strict=True):
            increments.append(now_f - last_f)
        last_t, last_pooled, last_each = t, sum(p), freed
        renewals = [cycle.renewals(t - u) for u in steps]
        total = sum(p) + sum(d * r for d, r in zip(pooled, renewals, strict=True) if d > 0)
        for f, freed_f, increments in zip(shared, freed, each, strict=True):
            # Its later frees, for whichever queue; the queue gets ``weight`` of all of them, and
            # at least one once the first or a later one is the queue's.
            later = sum(d * r for d, r in zip(increments, renewals, strict=True) if d > 0)
            total += f.weight * (freed_f + later)
            some = f.weight + (1 - f.weight) * (1 - math.exp(-f.weight * later / freed_f)) if freed_f else 0.0
            p.append(freed_f * some)
        gone = [1.0 - patience.stays(w, t * (j + 1) / k) for j, w in enumerate(ahead)]
        yield t, _at_least(k, p, max(0.0, total - sum(p)), gone)
        t = t * RATIO if t else FIRST_S


def _at_least(k: int, p: list[float], more: float, gone: list[float]) -> float:
    """P(X + Y + Z ≥ k): X agents who freed for the queue (Poisson-binomial over ``p``), Y their
    further frees for it (``more`` on average; given X, Poisson with mean X × more / E[X]: only an
    agent who freed frees again), Z callers ahead who hung up (Poisson-binomial over ``gone``)."""
    expected = sum(p)
    per_free = more / expected if expected > 0 else 0.0
    if len(p) * k + k * k > EXACT_BUDGET:
        mean = expected + more + sum(gone)
        var = (1 + per_free) ** 2 * sum(x * (1 - x) for x in p) + more + sum(g * (1 - g) for g in gone)
        if var <= 0:
            return 1.0 if mean >= k - 0.5 else 0.0
        return 0.5 * math.erfc((k - 0.5 - mean) / math.sqrt(2 * var))
    firsts = _poisson_binomial(p, k)  # P(X = j), j < k
    freed = [max(0.0, 1.0 - sum(firsts))] * (k + 1)  # P(X + Y ≥ n), n ≤ k; first P(X ≥ k)
    for j, x_j in enumerate(firsts):
        if x_j > 0:
            tail = _poisson_tail(j * per_free, k - j)
            for n in range(k + 1):
                freed[n] += x_j * (1.0 if n <= j else tail[n - j])
    hung_up = _poisson_binomial(gone, k)  # P(Z = j), j < k (Z ≤ k - 1)
    return min(1.0, max(0.0, sum(z * freed[k - j] for j, z in enumerate(hung_up))))


def _poisson_tail(mean: float, up_to: int) -> list[float]:
    """P(Poisson(mean) ≥ m) for m = 0 … ``up_to``."""
    term = math.exp(-mean)
    tail, below = [1.0], 0.0
    for m in range(1, up_to + 1):
        below += term
        tail.append(max(0.0, 1.0 - below))
        term *= mean / m
    return tail


def _poisson_binomial(p: list[float], k: int) -> list[float]:
    """P(j of independent events with probabilities ``p`` happen), for j < k."""
    out = [1.0] + [0.0] * (k - 1)
    certain = 0
    for x in p:
        if x >= 1.0:
            certain += 1
        elif x > 0.0:
            y = 1.0 - x
            out = [out[0] * y, *(a * y + b * x for a, b in zip(out[1:], out, strict=False))]
    return ([0.0] * certain + out)[:k]
