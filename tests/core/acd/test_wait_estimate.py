"""The estimated wait: what it learns from the log, what it reads on the floor, and its promises."""

import contextlib
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from callfloor.core.acd import AcdError, UnknownObjectError
from callfloor.core.acd.engine import QUEUED, STAFFED, Acd
from callfloor.core.acd.model import AgentProfile, QueueProfile, Step
from callfloor.core.acd.wait_estimate import (
    WINDOW,
    Cycle,
    Durations,
    Free,
    Patience,
    Rest,
    WaitEstimator,
    median_wait,
)
from callfloor.core.actions import Action, Append
from callfloor.core.events import (
    AgentAnswered,
    AgentHungUp,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    CallerHungUp,
    Event,
    InteractionArrived,
)
from callfloor.core.floor import Floor
from callfloor.core.log import InteractionEventType as IE
from callfloor.core.log import LogEntry
from callfloor.sim.run import simulate
from callfloor.sim.scenario import parse_scenario
from tests.core.acd.helpers import Harness, agent

SUPPORT = QueueProfile("support", skills={"fr": 3})


class Watched(Harness):
    """A harness whose estimator (and a second one, to compare) is fed every log entry."""

    def __init__(self, queues: list[QueueProfile], agents: list[AgentProfile]) -> None:
        super().__init__(queues, agents)
        self.ewt = WaitEstimator(self.acd)
        self.fed = 0

    def feed(self, *estimators: WaitEstimator) -> None:
        """Hand the entries appended since the last call to ``estimators`` (default: ours)."""
        for action in self.actions[self.fed :]:
            if isinstance(action, Append):
                for estimator in estimators or (self.ewt,):
                    estimator.observe(action.entry)
        self.fed = len(self.actions)

    def at(self, now: float, *events: Event) -> list[Action]:
        """As the harness, then feed the estimator."""
        out = super().at(now, *events)
        self.feed()
        return out

    def wait(self, interaction: str) -> float | None:
        """Our estimate now."""
        return self.ewt.estimate(interaction, self.now)


def completed(queue: str, talk_s: float, wrap_s: float = 0.0, at: float = 0.0) -> LogEntry:
    """A ``completed`` entry of some earlier interaction."""
    return LogEntry(at, IE.COMPLETED, "old", queue, "someone", None, None, None, talk_s, wrap_s)


def waited(queue: str, wait_s: float, abandoned: bool) -> LogEntry:
    """An earlier caller's ``answered`` or ``abandoned`` entry."""
    kind = IE.ABANDONED if abandoned else IE.ANSWERED
    return LogEntry(0.0, kind, "old", queue, None, None, None, wait_s)


# -- what it reads on the floor ----------------------------------------------------------------


def test_nobody_staffed_means_no_figure_not_zero() -> None:
    f = Watched([SUPPORT], [agent("a1")])
    f.at(0, InteractionArrived("c1", "support"))
    assert f.wait("c1") is None
    f.at(1, AgentLoggedIn("a1", ready=False))  # logged in, paused: not staffed either
    assert f.wait("c1") is None
    f.at(2, AgentReady("a1"))
    assert f.acd.interactions["c1"].state not in QUEUED
    assert f.wait("c1") == 0.0  # rung at once, and no ring time learned yet


def test_a_caller_being_rung_waits_the_learned_ring_time() -> None:
    f = Watched([SUPPORT], [agent("a1")])
    f.login(0, "a1")
    for n in range(3):  # three calls picked up 4 s after their ring
        t = 100.0 * n
        f.at(t, InteractionArrived(f"old{n}", "support"))
        f.at(t + 4, AgentAnswered(f"old{n}", "a1"))
        f.at(t + 50, AgentHungUp(f"old{n}"))
    f.at(400, InteractionArrived("c1", "support"))
    assert f.wait("c1") == pytest.approx(4.0)
    f.at(403)
    assert f.wait("c1") == pytest.approx(1.0)
    f.at(404, AgentAnswered("c1", "a1"))
    assert f.wait("c1") == 0.0


def test_a_wrap_up_ending_soon_is_the_next_callers_answer() -> None:
    queue = QueueProfile("support", skills={"fr": 3}, wrap_up_s=30)
    f = Watched([queue], [agent("a1"), agent("a2")])
    f.login(0, "a1", "a2")
    for caller, who in (("x1", "a1"), ("x2", "a2")):
        f.at(0, InteractionArrived(caller, "support"))
        f.at(0, AgentAnswered(caller, who))
    f.at(100, CallerHungUp("x1"))  # a1 wraps up until 130; a2 cannot be free before 130 + 30
    f.at(110, InteractionArrived("c1", "support"))
    assert f.acd.estimated_wait("c1") == 90  # naive: 1 × 180 s / 2 agents
    assert f.wait("c1") == pytest.approx(20, abs=1.5)  # within the grid's 10 % steps


def test_with_no_history_a_talk_is_exponential_and_the_figure_its_median() -> None:
    f = Watched([SUPPORT], [agent("a1")])
    f.login(0, "a1")
    f.at(0, InteractionArrived("x1", "support"))
    f.at(0, AgentAnswered("x1", "a1"))
    f.at(10, InteractionArrived("c1", "support"))
    assert f.wait("c1") == pytest.approx(180 * math.log(2), rel=0.02)  # the floor's default AHT


def test_the_talk_so_far_tells_when_it_ends() -> None:
    f = Watched([SUPPORT], [agent("a1")])
    for n in range(40):  # talks of 95 to 105 s
        f.ewt.observe(completed("support", 95 + n % 11))
    f.login(0, "a1")
    f.at(0, InteractionArrived("x1", "support"))
    f.at(0, AgentAnswered("x1", "a1"))
    f.at(90, InteractionArrived("c1", "support"))
    assert f.wait("c1") == pytest.approx(10, abs=1.5)
    assert f.acd.estimated_wait("c1") == 180


def test_callers_ahead_who_hang_up_shorten_the_wait_further_back() -> None:
    f = Watched([SUPPORT], [agent("a1"), agent("a2")])
    patient = WaitEstimator(f.acd)
    for n in range(100):  # half the callers hang up, after 30 s on average
        f.ewt.observe(waited("support", 30.0, abandoned=n % 2 == 0))
        patient.observe(waited("support", 30.0, abandoned=False))
    f.login(0, "a1", "a2")
    for caller, who in (("x1", "a1"), ("x2", "a2")):
        f.at(0, InteractionArrived(caller, "support"))
        f.at(0, AgentAnswered(caller, who))
    for n in range(6):
        f.at(1 + n, InteractionArrived(f"c{n}", "support"))
    f.feed(patient)
    assert f.acd.position("c5") == 6
    impatient_s, patient_s = f.wait("c5"), patient.estimate("c5", f.now)
    assert impatient_s is not None and patient_s is not None
    assert impatient_s < 0.7 * patient_s


def test_a_shared_agent_who_serves_another_queue_first_counts_less() -> None:
    queues = [QueueProfile("fr", skills={"fr": 1}), QueueProfile("vip", skills={"vip": 1}, priority=5)]
    f = Watched(queues, [agent("a1"), agent("b1", {"fr": 5, "vip": 5})])
    fresh = WaitEstimator(f.acd)
    f.ewt.observe(LogEntry(0.0, IE.ENQUEUED, "waits", "fr"))  # a French caller waits...
    for n in range(40):  # ...while b1 takes one VIP caller after another
        f.ewt.observe(LogEntry(n, IE.ENQUEUED, f"v{n}", "vip"))
        f.ewt.observe(LogEntry(n, IE.OFFERED, f"v{n}", "vip", "b1"))
    assert f.ewt.share("b1", "fr", contested=True) < 0.1  # VIP callers waiting too: b1 takes them
    assert f.ewt.share("b1", "fr", contested=False) == 1.0  # never seen: wholly the queue's
    assert f.ewt.share("b1", "vip", contested=True) == 1.0
    assert f.ewt.share("a1", "fr") == fresh.share("b1", "fr") == 1.0
    f.ewt.observe(LogEntry(40, IE.ABANDONED, "waits", "fr", wait_s=40.0))
    f.login(100, "a1", "b1")
    f.at(100, InteractionArrived("x1", "fr"), InteractionArrived("x2", "vip"))
    f.at(100, AgentAnswered("x1", "a1"), AgentAnswered("x2", "b1"))
    f.at(105, InteractionArrived("c1", "fr"), InteractionArrived("v99", "vip"))
    f.feed(fresh)
    assert f.ewt.share("b1", "fr") < 0.1  # contested now: a VIP caller waits
    ours, naive_like = f.wait("c1"), fresh.estimate("c1", f.now)
    assert ours is not None and naive_like is not None
    assert ours > 1.5 * naive_like


def test_an_agent_about_to_pause_is_not_counted() -> None:
    f = Watched([SUPPORT], [agent("a1")])
    f.login(0, "a1")
    f.at(0, InteractionArrived("x1", "support"))
    f.at(0, AgentAnswered("x1", "a1"))
    f.at(5, AgentPaused("a1", "lunch"))  # after this call
    f.at(6, InteractionArrived("c1", "support"))
    assert f.acd.estimated_wait("c1") is not None  # the naive figure counts a1
    assert f.wait("c1") is None


def test_a_later_escalation_step_gives_a_figure_where_the_first_has_nobody() -> None:
    expert = QueueProfile("expert", skills={"fr": 8}, steps=(Step(30, {"fr": 1}),))
    f = Watched([expert], [agent("a1", {"fr": 3})])
    f.login(0, "a1")
    f.at(0, InteractionArrived("c1", "expert"))
    assert f.acd.estimated_wait("c1") is None
    assert f.wait("c1") == pytest.approx(30)
    f.at(12)
    assert f.wait("c1") == pytest.approx(18)
    f.at(30)
    assert f.wait("c1") == 0.0  # escalated, and rung


def test_unknown_and_connected_interactions() -> None:
    f = Watched([SUPPORT], [agent("a1")])
    with pytest.raises(UnknownObjectError):
        f.wait("nobody")
    f.login(0, "a1")
    f.at(0, InteractionArrived("c1", "support"))
    f.at(2, AgentAnswered("c1", "a1"))
    assert f.wait("c1") == 0.0


def test_an_estimator_learns_the_same_from_the_same_log() -> None:
    f = Watched([SUPPORT], [agent("a1"), agent("a2")])
    f.login(0, "a1", "a2")
    for n in range(8):
        f.at(10 * n, InteractionArrived(f"c{n}", "support"))
        if n < 2:
            f.at(10 * n + 3, AgentAnswered(f"c{n}", f.acd.interactions[f"c{n}"].offered_to[0]))
    f.at(200, AgentHungUp("c0"), CallerHungUp("c3"))
    replay = WaitEstimator(f.acd)
    for entry in f.log():
        replay.observe(entry)
    queued = [i for i, r in f.acd.interactions.items() if r.state in QUEUED]
    assert len(queued) == 4
    assert [replay.estimate(i, 250) for i in queued] == [f.ewt.estimate(i, 250) for i in queued]


# -- what it learns ----------------------------------------------------------------------------


def test_patience_counts_answered_waits_as_censored() -> None:
    waits = [(10.0, True)] * 10 + [(20.0, False)] * 10 + [(30.0, True)] * 10
    patience = Patience(waits)
    assert patience.rate == pytest.approx(20 / 600)
    assert patience.survival(5) == 1.0
    assert patience.survival(15) == pytest.approx(2 / 3)  # 10 of 30 hung up at 10 s
    assert patience.survival(30) == 0.0  # all 10 still there at 30 s hung up then
    assert patience.stays(15, 10) == 1.0  # nobody hangs up between 15 and 25 s


def test_few_waits_mean_exponential_patience() -> None:
    patience = Patience([(60.0, True), (60.0, False)])
    assert patience.rate == pytest.approx(1 / 120)
    assert patience.stays(100, 120) == pytest.approx(math.exp(-1))


@given(st.lists(st.floats(0, 1e4), max_size=2 * WINDOW))
def test_durations_keep_the_window_sorted(values: list[float]) -> None:
    durations = Durations()
    for value in values:
        durations.add(value)
    assert durations.sorted == sorted(values[-WINDOW:])
    assert list(durations.recent) == values[-WINDOW:]


def test_a_rest_past_the_longest_durations_is_exponential() -> None:
    durations = Durations()
    for n in range(30):
        durations.add(100.0 + n)  # 100 to 129 s
    assert durations.rest(50, 1.0).cdf(55) == pytest.approx(6 / 30)  # over by 105 s: 100 to 105
    tail = durations.rest(127, 1.0)  # only two lasted longer: exponential, mean overshoot 1.5 s
    assert tail.values == ()
    assert tail.mean == pytest.approx(1.5)


# -- its promises ------------------------------------------------------------------------------

rests = st.one_of(
    st.none(),
    st.builds(Rest, st.just(()), st.just(0.0), st.just(0), st.floats(1, 600)),
    st.lists(st.floats(1, 600), min_size=1, max_size=30).map(lambda v: Rest(sorted(v), 0.0, len(v), 0.0)),
)
frees = st.builds(Free, st.floats(0, 120), rests, st.floats(0.05, 1))
patiences = st.lists(st.tuples(st.floats(0, 600), st.booleans()), max_size=60).map(Patience)
cycles = st.builds(
    Cycle,
    st.floats(0, 10),
    st.floats(10, 600).map(lambda m: Rest((), 0.0, 0, m)),
    st.floats(10, 600),
    st.just(1.0),
)


@settings(max_examples=150)
@given(
    st.lists(frees, min_size=1, max_size=6),
    st.lists(st.floats(0, 300), max_size=8),
    st.floats(0, 300),
    patiences,
    cycles,
)
def test_the_wait_is_never_negative_and_grows_with_the_position(
    agents: list[Free], ahead: list[float], behind: float, patience: Patience, cycle: Cycle
) -> None:
    wait = median_wait(agents, ahead, patience, cycle)
    further = median_wait(agents, [*ahead, behind], patience, cycle)
    assert 0 <= wait <= further * (1 + 1e-12) < math.inf  # (to the last bit of a float)


@settings(max_examples=150)
@given(st.lists(frees, min_size=1, max_size=6), frees, patiences, cycles)
def test_one_more_agent_never_lengthens_the_wait_of_the_next_in_line(
    agents: list[Free], extra: Free, patience: Patience, cycle: Cycle
) -> None:
    # Further back, later frees are shared out evenly among first ones: an approximation that
    # may move a figure by a fraction of a percent either way.
    assert median_wait([*agents, extra], [], patience, cycle) <= median_wait(agents, [], patience, cycle) * (
        1 + 1e-12
    )


QUEUES = [
    QueueProfile("fr", skills={"fr": 3}, wrap_up_s=10),
    QueueProfile("en", skills={"en": 1}, priority=2),
    QueueProfile("expert", skills={"fr": 8}, steps=(Step(20, {"fr": 2}),)),
]
AGENTS = [agent("a0", {"fr": 9}), agent("a1", {"fr": 5, "en": 4}), agent("a2", {"fr": 2, "en": 1})]
agent_ids = st.sampled_from([a.id for a in AGENTS])


class EstimatedFloor(RuleBasedStateMachine):
    """Random sessions on a small multi-skill floor; the estimates' promises after each step."""

    def __init__(self) -> None:
        super().__init__()
        self.acd = Acd(QUEUES, AGENTS, random.Random(0))
        self.ewt = WaitEstimator(self.acd)
        self.now = 0.0
        self.count = 0

    def apply(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Append):
                self.ewt.observe(action.entry)

    def send(self, event: Event) -> None:
        with contextlib.suppress(AcdError):  # an illegal event changes nothing (test_invariants)
            self.apply(self.acd.handle(event, self.now))

    @rule(queue=st.sampled_from([q.name for q in QUEUES]))
    def arrive(self, queue: str) -> None:
        self.count += 1
        self.send(InteractionArrived(f"i{self.count}", queue))

    @rule(agent=agent_ids, ready=st.booleans())
    def login(self, agent: str, ready: bool) -> None:
        self.send(AgentLoggedIn(agent, ready=ready))

    @rule(agent=agent_ids)
    def ready(self, agent: str) -> None:
        self.send(AgentReady(agent))

    @rule(agent=agent_ids)
    def pause(self, agent: str) -> None:
        self.send(AgentPaused(agent, "break"))

    @rule(agent=agent_ids)
    def logout(self, agent: str) -> None:
        self.send(AgentLoggedOut(agent))

    @rule(data=st.data())
    def answer_or_hang_up(self, data: st.DataObject) -> None:
        if not self.acd.interactions:
            return
        record = data.draw(st.sampled_from(sorted(self.acd.interactions.values(), key=lambda r: r.id)))
        for event in (AgentAnswered(record.id, (record.offered_to or ["a0"])[0]), AgentHungUp(record.id)):
            self.send(event)
        if data.draw(st.booleans()):
            self.send(CallerHungUp(record.id))

    @rule(seconds=st.floats(0.5, 60))
    def wait(self, seconds: float) -> None:
        target = self.now + seconds
        while (deadline := self.acd.next_deadline()) is not None and deadline <= target:
            self.now = deadline
            self.apply(self.acd.on_deadline(deadline))
        self.now = target

    def can_take(self, interaction: str) -> bool:
        """Someone staffed, with no pause pending, qualifies for the caller now or at a later step."""
        record = self.acd.interactions[interaction]
        steps = record.queue.step_skills()[record.step :]
        return any(
            a.state in STAFFED and a.pending_pause is None and a.profile.qualifies(skills)
            for a in self.acd.agents.values()
            for _, skills in steps
        )

    @invariant()
    def a_figure_exactly_when_someone_can_answer(self) -> None:
        for interaction, record in self.acd.interactions.items():
            if record.state in QUEUED:
                wait = self.ewt.estimate(interaction, self.now)
                assert (wait is not None) == self.can_take(interaction), interaction
                assert wait is None or wait >= 0

    @invariant()
    def further_back_never_hears_a_shorter_wait(self) -> None:
        for group in self.acd.router.groups.values():
            waits = [self.ewt.estimate(r.id, self.now) for r in self.acd.router.waiting(group)]
            known = [w for w in waits if w is not None]
            assert known == sorted(known), (group.queue.name, group.step, waits)

    @invariant()
    def estimating_changes_nothing(self) -> None:
        queued = [i for i, r in self.acd.interactions.items() if r.state in QUEUED]
        first = [self.ewt.estimate(i, self.now) for i in queued]
        assert [self.ewt.estimate(i, self.now) for i in queued] == first


EstimatedFloor.TestCase.settings = settings(max_examples=40, stateful_step_count=30)
TestEstimatedFloor = EstimatedFloor.TestCase


# -- on a simulated day ------------------------------------------------------------------------

DAY = """\
duration_hours: 3
queues: [{name: q}]
agents: [{count: 8}]
arrivals: [{queue: q, profile: [[0, 90], [1, 140], [2, 110]]}]
handle_time: {distribution: lognormal, mean_s: 200, sd_s: 120}
patience: {distribution: exponential, mean_s: 150}
wrap_up_s: 10
"""


def test_on_a_simulated_day_the_announced_waits_beat_the_naive_ones() -> None:
    estimators: dict[int, WaitEstimator] = {}
    entered: dict[str, tuple[float, float | None, float | None]] = {}
    errors: list[tuple[float, float]] = []

    def watch(floor: Floor, entry: LogEntry) -> None:
        ewt = estimators.setdefault(id(floor), WaitEstimator(floor.acd))
        ewt.observe(entry)
        interaction = entry.interaction or ""
        if entry.type is IE.ENQUEUED:
            naive = floor.acd.estimated_wait(interaction)
            entered[interaction] = (entry.at, naive, ewt.estimate(interaction, entry.at))
        elif entry.type is IE.ANSWERED:
            at, naive, ours = entered.pop(interaction)
            assert naive is not None and ours is not None
            errors.append((abs(naive - (entry.at - at)), abs(ours - (entry.at - at))))

    simulate(parse_scenario(DAY), seed=3, on_log=watch)
    assert len(estimators) == 1
    assert len(errors) > 300
    naive_mae = sum(n for n, _ in errors) / len(errors)
    ours_mae = sum(o for _, o in errors) / len(errors)
    assert ours_mae < 0.7 * naive_mae, (naive_mae, ours_mae)
