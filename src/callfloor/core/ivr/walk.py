"""A call through a flow on a simulated clock: flows tested without a phone.

The driver behind ``callfloor ivr walk``, and one for a tenant's own tests of its flows: it
runs the real :class:`~callfloor.core.ivr.session.IvrSession` and, at each turn, does what a
caller and a live driver would. Prompts play in no time. Each question (a menu, a collect, a
survey question) is answered by the next entry of a script, one or more keys pressed a second
apart (``"2"``, ``"12345#"``); once the script runs out, questions time out. A look-up
answers with the contact given (None: an unknown caller), a recording lasts ``message_s`` (or
its maximum), and with ``overflow`` each queue's caller is resumed at its overflow node once
its maximum wait has passed. A walk that does not end within ``max_steps`` inputs is cut.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from callfloor.core.ivr.actions import Disconnect, EnterQueue, IvrAction, RecordVoicemail, TransferCall
from callfloor.core.ivr.flow import Flow
from callfloor.core.ivr.session import IvrSession, State
from callfloor.core.ivr.variables import Value
from callfloor.core.schedule.calendar import Schedule

KEY_GAP_S = 1.0
Feed = Callable[[], list[IvrAction]]


@dataclass(frozen=True, slots=True)
class Step:
    """One input to the session and what followed: nodes entered, actions, variables changed."""

    at: float
    input: str
    nodes: tuple[str, ...]
    actions: tuple[IvrAction, ...]
    changed: Mapping[str, Value] = field(default_factory=dict)
    unset: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Walk:
    """A whole walk: its steps, how the call left the IVR (None: cut short), entries not used."""

    steps: tuple[Step, ...]
    outcome: EnterQueue | TransferCall | Disconnect | None
    unused: tuple[str, ...]
    variables: Mapping[str, Value]
    voicemail: RecordVoicemail | None = None  # the last message recorded, if any


@dataclass
class _Walker:
    session: IvrSession
    now: float
    entries: list[str]
    contact: Mapping[str, Value] | None
    overflow: bool
    message_s: float
    steps: list[Step] = field(default_factory=list)
    outcome: EnterQueue | TransferCall | Disconnect | None = None
    voicemail: RecordVoicemail | None = None

    def step(self, label: str, feed: Feed) -> None:
        before, seen = dict(self.session.variables), len(self.session.trail)
        at = self.now
        actions = feed()
        after = self.session.variables
        changed = {k: v for k, v in after.items() if k not in before or before[k] != v}
        unset = tuple(k for k in before if k not in after)
        self.steps.append(Step(at, label, tuple(self.session.trail[seen:]), tuple(actions), changed, unset))
        for action in actions:
            if isinstance(action, EnterQueue | TransferCall | Disconnect):
                self.outcome = action
            elif isinstance(action, RecordVoicemail):
                self.voicemail = action

    def turn(self) -> bool:
        """One input as a caller and a driver would give it; False once the walk is over."""
        session, state = self.session, self.session.state
        if state is State.PLAYING:
            self.step("prompts played", lambda: session.prompt_done(self.now))
        elif state is State.WAITING and self.entries:
            self.keys(self.entries.pop(0))
        elif state is State.WAITING:
            self.now = max(self.now, session.next_deadline() or self.now)
            self.step("no key (timeout)", lambda: session.on_deadline(self.now))
        elif state is State.LOOKUP:
            label = "look-up: unknown caller" if self.contact is None else "look-up: known caller"
            self.step(label, lambda: session.lookup_done(self.contact, self.now))
        elif state is State.RECORDING:
            self.now += min(self.message_s, self.voicemail.max_s if self.voicemail else self.message_s)
            self.step("message recorded", lambda: session.voicemail_done(self.now))
        else:
            return self.overflowed()
        return True

    def keys(self, entry: str) -> None:
        def press() -> list[IvrAction]:
            out: list[IvrAction] = []
            for i, key in enumerate(entry):
                if self.session.done:
                    break
                out += self.session.digit(key, self.now + i * KEY_GAP_S)
            return out

        self.now += KEY_GAP_S
        self.step(f"keys {entry}", press)
        self.now += (len(entry) - 1) * KEY_GAP_S

    def overflowed(self) -> bool:
        """A queue's caller resumed at its overflow after its maximum wait, if asked and set."""
        queue = self.outcome
        if not (self.overflow and isinstance(queue, EnterQueue)):
            return False
        options = queue.options
        if options.overflow is None or options.max_wait_s is None:
            return False
        self.now += options.max_wait_s
        target = options.overflow
        self.step(
            f"waited {options.max_wait_s:g} s in queue {queue.queue}",
            lambda: self.session.resume(target, self.now),
        )
        return True


def walk(
    flow: Flow,
    at: float,
    entries: Sequence[str] = (),
    *,
    language: str = "fr",
    variables: Mapping[str, Value] | None = None,
    schedule: Schedule | None = None,
    contact: Mapping[str, Value] | None = None,
    overflow: bool = False,
    message_s: float = 30.0,
    max_steps: int = 1000,
) -> Walk:
    """Walk ``flow`` from ``at`` (epoch seconds), answering its questions with ``entries`` in turn."""
    session = IvrSession(flow, language, "walk", schedule=schedule, variables=variables)
    walker = _Walker(session, at, list(entries), contact, overflow, message_s)
    walker.step("call answered", lambda: session.start(at))
    over = False
    while not over and len(walker.steps) < max_steps:
        over = not walker.turn()
    outcome = walker.outcome if over else None  # None: cut short
    return Walk(
        tuple(walker.steps), outcome, tuple(walker.entries), dict(session.variables), walker.voicemail
    )
