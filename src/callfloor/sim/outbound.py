"""Running an outbound scenario through the real campaign dialer on a heap clock.

The driver plays the world around :class:`callfloor.core.dialer.engine.CampaignDialer`: each
call it dials is answered by a person or a machine, is busy, fails or rings out (seeded draws,
with ring times from the scenario), each person connected talks for a drawn time and the agent
wraps up with a disposition. Leads come from a :class:`callfloor.core.dialer.leads.LeadBook`
with the default retry rules, kept across days. Independent random streams (outcomes, ring
times, talks, wrap-ups, dispositions, previews) keep one change from reshuffling the rest.

A day: agents join at the start; at the end of ``duration_hours`` dialing stops, calls in
flight end, wrap-ups finish and agents log out. Figures are the engine's own, summed over days.
"""

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from callfloor.core.dialer.actions import (
    Connect,
    Dial,
    DialerAction,
    PlayDropMessage,
    PlayMachineMessage,
    ShowPreview,
)
from callfloor.core.dialer.engine import CampaignDialer
from callfloor.core.dialer.events import (
    AgentLoggedOut,
    AgentReady,
    AgentWrapUpDone,
    CallAnswered,
    CallEnded,
    CallFailed,
    CallRinging,
    DialerEvent,
    DialingPaused,
    PreviewDecision,
)
from callfloor.core.dialer.figures import DialerFigures
from callfloor.core.dialer.leads import LeadBook
from callfloor.core.dialer.model import Lead, Outcome
from callfloor.core.dialer.settings import DialingMode
from callfloor.core.dialer.states import AgentState
from callfloor.sim.outbound_scenario import OutboundScenario, OutboundSpec

DAY_S: Final = 86_400.0
RINGING_AFTER_S: Final = 1.5  # 180 Ringing, when the call lasts that long


@dataclass(frozen=True, slots=True)
class OutboundResult:
    """What a run produced: the campaign's figures over all days, and the run's size."""

    figures: DialerFigures
    mode: DialingMode
    agents: int
    days: int
    duration_hours: float
    lead_progress: dict[str, int]

    @property
    def attempts_per_agent_per_day(self) -> float:
        """Attempts over agents and days (every agent works the whole day)."""
        return self.figures.attempts / (self.agents * self.days)

    @property
    def contacts_per_agent_per_hour(self) -> float:
        """Persons connected over agent hours on the campaign."""
        hours = self.figures.logged_in_s / 3600.0
        return self.figures.contacts / hours if hours else 0.0

    @property
    def conversion_rate(self) -> float:
        """Success dispositions over contacts."""
        return self.figures.conversions / self.figures.contacts if self.figures.contacts else 0.0


def lead_book(size: int) -> LeadBook:
    """A list of ``size`` leads with made-up French numbers, in list order."""
    book = LeadBook()
    for i in range(size):
        book.add(Lead(f"lead-{i + 1:07d}", f"+331{i:08d}"))
    return book


class _Day:
    """One simulated day of the campaign."""

    def __init__(self, spec: OutboundSpec, book: LeadBook, seed: int, day: int, hours: float) -> None:
        self.spec = spec
        self.start = day * DAY_S
        self.end = self.start + hours * 3600.0
        self.engine = CampaignDialer(spec.settings(), book, name=f"d{day}", start=self.start)
        names = ("outcome", "ring", "talk", "wrap", "disposition", "preview")
        streams = [random.Random(f"{seed}/{day}/outbound/{name}") for name in names]  # noqa: S311
        (
            self.outcome_rng,
            self.ring_rng,
            self.talk_rng,
            self.wrap_rng,
            self.disposition_rng,
            self.preview_rng,
        ) = streams
        self.heap: list[tuple[float, int, DialerEvent]] = []
        self.seq = itertools.count()
        self.machines: set[str] = set()  # machines the detector missed (amd off): agents meet them
        self.answer_after, self.busy_after = spec.answer_after.build(), spec.busy_after.build()
        self.no_answer_after = spec.no_answer_after.build() if spec.no_answer_after else None
        self.talk, self.wrap, self.preview = (
            spec.talk_time.build(),
            spec.wrap_up.build(),
            spec.preview_s.build(),
        )

    def push(self, at: float, event: DialerEvent) -> None:
        heapq.heappush(self.heap, (at, next(self.seq), event))

    def run(self, progress: Callable[[float], None] | None) -> DialerFigures:
        engine, heap = self.engine, self.heap
        for agent in self.spec.agent_ids():
            self.apply(engine.handle(AgentReady(agent), self.start), self.start)
        self.push(self.end, DialingPaused())
        now, steps = self.start, 0
        while True:
            deadline = engine.next_deadline()
            if deadline is not None and (not heap or deadline <= heap[0][0]):
                now = deadline
                self.apply(engine.on_deadline(now), now)
                continue
            if not heap:
                break
            now, _, event = heapq.heappop(heap)
            self.apply(engine.handle(event, now), now)
            steps += 1
            if progress is not None and steps % 5000 == 0:
                progress(min(1.0, (now - self.start) / (self.end - self.start)))
        for agent in self.spec.agent_ids():
            if engine.agents[agent].state is not AgentState.LOGGED_OUT:
                engine.handle(AgentLoggedOut(agent), now)
        return engine.figures(max(now, self.end))

    def apply(self, actions: list[DialerAction], now: float) -> None:
        """The world's answer to each action, scheduled on the heap."""
        for action in actions:
            if isinstance(action, Dial):
                self.dialed(action, now)
            elif isinstance(action, Connect):
                self.connected(action, now)
            elif isinstance(action, PlayDropMessage):
                self.push(now + self.spec.drop_message_s, CallEnded(action.call))
            elif isinstance(action, PlayMachineMessage):
                self.push(now + self.spec.machine_message_s, CallEnded(action.call))
            elif isinstance(action, ShowPreview):
                dial = self.preview_rng.random() >= self.spec.preview_skip_rate
                decided = now + self.preview.draw(self.preview_rng)
                self.push(decided, PreviewDecision(action.agent, action.lead.id, dial))
            # Hangup: the engine is done with the call already.

    def dialed(self, dial: Dial, now: float) -> None:
        spec, draw = self.spec, self.outcome_rng.random()
        answered = draw < spec.answer_rate + spec.machine_rate
        if answered:
            after = self.answer_after.draw(self.ring_rng)
        elif draw < spec.answer_rate + spec.machine_rate + spec.busy_rate + spec.failed_rate:
            busy = draw < spec.answer_rate + spec.machine_rate + spec.busy_rate
            after = self.busy_after.draw(self.ring_rng)
            self.push(now + after, CallFailed(dial.call, Outcome.BUSY if busy else Outcome.FAILED))
            return
        else:
            after = self.no_answer_after.draw(self.ring_rng) if self.no_answer_after else dial.timeout_s
        if after >= dial.timeout_s:  # the dialer gives up first
            answered, after = False, dial.timeout_s
        if after > RINGING_AFTER_S:
            self.push(now + RINGING_AFTER_S, CallRinging(dial.call))
        if not answered:
            self.push(now + after, CallFailed(dial.call, Outcome.NO_ANSWER))
            return
        machine = draw >= spec.answer_rate
        if machine and not spec.amd:
            self.machines.add(dial.call)
        self.push(now + after, CallAnswered(dial.call, machine=machine and spec.amd))

    def connected(self, connect: Connect, now: float) -> None:
        machine = connect.call in self.machines
        talk_s = self.spec.machine_talk_s if machine else self.talk.draw(self.talk_rng)
        wrap_s = self.wrap.draw(self.wrap_rng)
        self.push(now + talk_s, CallEnded(connect.call))
        if machine:
            done = AgentWrapUpDone(connect.agent, None, Outcome.MACHINE)
        else:
            sale = self.disposition_rng.random() < self.spec.conversion_rate
            done = AgentWrapUpDone(connect.agent, "sale" if sale else "refusal")
        self.push(now + talk_s + wrap_s, done)


def simulate_outbound(
    scenario: OutboundScenario,
    seed: int = 0,
    days: int = 1,
    progress: Callable[[float], None] | None = None,
) -> OutboundResult:
    """Run ``days`` days of the campaign with ``seed``; the same inputs give the same result."""
    spec = scenario.outbound
    book = lead_book(spec.leads)
    figures = DialerFigures()
    for day in range(days):
        tick = None if progress is None else _day_progress(progress, day, days)
        figures = figures.plus(_Day(spec, book, seed, day, scenario.duration_hours).run(tick))
    if progress is not None:
        progress(1.0)
    lead_progress = {str(status): count for status, count in book.progress().items()}
    return OutboundResult(figures, spec.mode, spec.agents, days, scenario.duration_hours, lead_progress)


def _day_progress(progress: Callable[[float], None], day: int, days: int) -> Callable[[float], None]:
    return lambda fraction: progress((day + fraction) / days)
