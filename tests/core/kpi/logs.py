"""Small builders of log entries, and a hypothesis strategy for valid interaction logs."""

import math

from hypothesis import strategies as st

from callfloor.core.config import Channel
from callfloor.core.config import ServiceLevelDefinition as Sl
from callfloor.core.kpi.fold import KpiSettings
from callfloor.core.kpi.service_level import QueueKpiSettings
from callfloor.core.log import AgentEventType as A
from callfloor.core.log import InteractionEventType as E
from callfloor.core.log import LogEntry

QUEUES = ("a", "b", "c")
AGENTS = ("ann", "bob", "cyd")


def enqueued(at: float, interaction: str, queue: str, reason: str | None = None) -> LogEntry:
    return LogEntry(at, E.ENQUEUED, interaction, queue, channel=Channel.CALL, priority=0, reason=reason)


def answered(at: float, interaction: str, queue: str, agent: str, wait_s: float) -> LogEntry:
    return LogEntry(at, E.ANSWERED, interaction, queue, agent, wait_s=wait_s)


def abandoned(at: float, interaction: str, queue: str, wait_s: float) -> LogEntry:
    return LogEntry(at, E.ABANDONED, interaction, queue, wait_s=wait_s)


def callback(at: float, interaction: str, queue: str, wait_s: float) -> LogEntry:
    return LogEntry(at, E.CALLBACK_REQUESTED, interaction, queue, wait_s=wait_s)


def overflowed(at: float, interaction: str, queue: str, to: str, wait_s: float) -> list[LogEntry]:
    """The two entries of an overflow from ``queue`` to ``to``."""
    return [
        LogEntry(at, E.TRANSFERRED, interaction, queue, wait_s=wait_s, reason="overflow"),
        enqueued(at, interaction, to, reason="overflow"),
    ]


def completed(at: float, interaction: str, queue: str, agent: str, talk_s: float, wrap_s: float) -> LogEntry:
    return LogEntry(at, E.COMPLETED, interaction, queue, agent, talk_s=talk_s, wrap_s=wrap_s)


def state(at: float, agent: str, new_state: A, reason: str | None = None) -> LogEntry:
    return LogEntry(at, new_state, agent=agent, reason=reason)


@st.composite
def interaction_log(draw: st.DrawFn, name: str) -> tuple[list[LogEntry], bool]:
    """One interaction's entries in time order, and whether it is still waiting at the end."""
    queue = draw(st.sampled_from(QUEUES))
    start = draw(st.integers(0, 7200))
    wait = draw(st.integers(0, 300))
    entries = [enqueued(start, name, queue)]
    if draw(st.booleans()):
        left = draw(st.integers(0, wait))
        to = draw(st.sampled_from([q for q in QUEUES if q != queue]))
        entries += overflowed(start + left, name, queue, to, left)
        queue = to
    for agent in draw(st.lists(st.sampled_from(AGENTS), max_size=2)):
        entries.append(LogEntry(start + wait, E.OFFERED, name, queue, agent))
    outcome = draw(st.sampled_from(["answered", "abandoned", "callback", "waiting"]))
    if outcome == "answered":
        agent = draw(st.sampled_from(AGENTS))
        talk, wrap = draw(st.integers(0, 600)), draw(st.integers(0, 120))
        entries.append(answered(start + wait, name, queue, agent, wait))
        entries.append(completed(start + wait + talk + wrap, name, queue, agent, talk, wrap))
    elif outcome == "abandoned":
        entries.append(abandoned(start + wait, name, queue, wait))
    elif outcome == "callback":
        entries.append(callback(start + wait, name, queue, wait))
    return entries, outcome in {"callback", "waiting"}


@st.composite
def agent_log(draw: st.DrawFn, agent: str) -> list[LogEntry]:
    """One agent's state changes in time order."""
    at = draw(st.integers(0, 1000))
    entries = []
    for gap, new_state in draw(st.lists(st.tuples(st.integers(0, 900), st.sampled_from(A)), max_size=8)):
        at += gap
        entries.append(state(at, agent, new_state))
    return entries


@st.composite
def floor_log(draw: st.DrawFn) -> tuple[list[LogEntry], bool]:
    """A valid log of a few interactions and agents, sorted by time; and whether one still waits."""
    count = draw(st.integers(0, 25))
    drawn = [draw(interaction_log(f"i{n}")) for n in range(count)]
    entries = [entry for interaction, _ in drawn for entry in interaction]
    entries += [entry for agent in AGENTS for entry in draw(agent_log(agent))]
    return sorted(entries, key=lambda entry: entry.at), any(waiting for _, waiting in drawn)


queue_settings = st.builds(
    QueueKpiSettings,
    service_level_s=st.integers(0, 60).map(float),
    short_abandon_s=st.integers(0, 10).map(float),
    definition=st.sampled_from(Sl),
)

kpi_settings = st.builds(
    KpiSettings,
    default=queue_settings,
    queues=st.dictionaries(st.sampled_from(QUEUES), queue_settings),
    interval_s=st.sampled_from([900.0, 1800.0, 3600.0]),
    since=st.one_of(st.just(-math.inf), st.integers(0, 3600).map(float)),
)
