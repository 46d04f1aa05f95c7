"""What a caller lives through while waiting in a queue: announcements, callback offer, voicemail, overflow.

The options are set on a flow's ``queue`` node (:class:`WaitOptions`); a call that reaches a
queue straight from a number has the defaults. A :class:`WaitSession` is one queued caller's
wait; the one state machine of the waiting experience, hence longer than most modules.

Theory of operation. The driver queues the call, then feeds the session the same inputs as an
:class:`~callfloor.core.ivr.session.IvrSession` (the end of each prompt, the caller's keys, due
deadlines, all with ``now``) and carries out the actions it returns. The session knows nothing
of the ACD: the driver passes the floor's figures (the caller's position and estimated wait)
on entry and with every deadline, and the session decides what to say of them.

- On entry: ``entry_prompt``, then the position and the wait (as the options ask), then music
  (:class:`Music`). Every ``announce_every_s`` of music, the figures again; an announcement
  whose words would be those said last time is skipped (a caller stuck at the same place
  hears music rather than the same sentence). The period counts from the end of what was said
  (at least :data:`SHORTEST_PERIOD_S` of music); one that is not positive means "on entry only".
- The callback offer (``callback_offer``, or ``callback_offer_only`` when the queue takes no
  messages; a key stops it) comes once ``callback_after_s`` has
  passed, or as soon as a figure's wait exceeds ``callback_when_wait_over_s``. From then on it
  stays open: 1 or 2 are taken at any time while waiting, and the offer is repeated with
  every periodic announcement (even one whose figures are skipped).
- 2, with ``voicemail``: :class:`LeaveMessage`; the session ends.
- 1: the callback dialogue, while the caller keeps their place in the queue. Their number is
  read back (``callback_number_intro``, its digits, ``callback_number_confirm``): 1 confirms,
  2 asks for another one (``callback_number_enter``; digits ended by ``#``, or by
  :data:`KEY_TIMEOUT_S` of silence; ``*`` starts over). A withheld number goes straight to
  entering one. An entered number is read back in turn. An answer of no use (a number that is
  not a French ten-digit 0X… nor a 00 international one, nothing in time, another key than 1
  or 2 at the read-back) is asked again, :data:`CALLBACK_TRIES` times at most, as is a new
  entry; then the caller is back to music, the offer still open. Confirmed: the session plays
  ``callback_confirmed`` itself, then asks for :class:`RequestCallback` (the driver tells the
  floor, which keeps the caller's place for the callback, and hangs up). A caller who hangs up
  during that goodbye has heard the request is registered: :meth:`WaitSession.left` still
  returns the :class:`RequestCallback`.
- After ``max_wait_s``, if ``overflow`` is set: :class:`Overflow` (without ``overflow`` the
  queue's own maximum wait in the ACD applies, and the session does nothing). It cuts an
  announcement short, but waits for a callback dialogue to end: a caller typing their number
  is about to leave the queue anyway.
- :meth:`WaitSession.connected` (an agent took the call, even mid-dialogue) and
  :meth:`WaitSession.left` end the session: no more actions nor deadlines.

Moves are a table from (state, input) to a handler; an input the table does not list raises
:class:`~callfloor.core.ivr.IllegalInput`. As in the IVR, prompts stopped by a key
(:class:`~callfloor.core.ivr.session.StopPrompts`) are not reported done, and a
:class:`~callfloor.core.ivr.session.PlayPrompts` replaces the music.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from callfloor.core.ivr import IllegalInput
from callfloor.core.ivr.announcements import FRANCE, number_prompts, position_prompts, wait_prompts
from callfloor.core.ivr.session import PlayPrompts, StopPrompts
from callfloor.core.numbers import InvalidNumberError, normalize

#: How long the callback dialogue waits for a key (the read-back's answer, the next digit).
KEY_TIMEOUT_S = 10.0
#: Answers of no use, and number entries, in one callback dialogue before it gives up.
CALLBACK_TRIES = 3
#: The shortest music between two periodic announcements: a shorter period is taken as this one.
SHORTEST_PERIOD_S = 5.0
FRENCH_NUMBER = re.compile(r"0[1-9][0-9]{8}")  # 0X XX XX XX XX; 00 is the international prefix
E164_MAX_DIGITS = 15  # ITU-T E.164 §6.1
INTERNATIONAL_PREFIX = "00"
DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class WaitOptions:
    """How a queue node treats its waiting callers.

    ``announce_every_s``: the position and estimated wait are said on entry, then every so
    many seconds (None: on entry only). The callback offer ("1: be called back, 2: leave a
    message") comes after ``callback_after_s`` of waiting, or as soon as the estimated wait
    exceeds ``callback_when_wait_over_s``, whichever is first (both None: never). After
    ``max_wait_s`` the call leaves the queue for the flow's ``overflow`` node (None: it waits on).
    ``entry_prompt`` is said first on entry (None: a flow that has just said it itself).
    """

    announce_position: bool = True
    announce_wait: bool = True
    announce_every_s: float | None = 60.0
    callback_after_s: float | None = None
    callback_when_wait_over_s: float | None = None
    voicemail: bool = False  # the offer's "press 2 to leave a message"
    max_wait_s: float | None = None
    overflow: str | None = None
    entry_prompt: str | None = "queue_entry"


@dataclass(frozen=True, slots=True)
class Music:
    """Loop music on hold now, until the next prompts or the end of the wait."""


@dataclass(frozen=True, slots=True)
class RequestCallback:
    """The caller confirmed ``number`` (E.164) and heard ``callback_confirmed``: the floor
    records the callback in the caller's place, and the driver hangs up."""

    number: str


@dataclass(frozen=True, slots=True)
class LeaveMessage:
    """The caller chose to leave a message: out of the queue, to the flow's voicemail."""


@dataclass(frozen=True, slots=True)
class Overflow:
    """The maximum wait is reached: out of the queue, the flow resumes at ``node``."""

    node: str


WaitAction = PlayPrompts | StopPrompts | Music | RequestCallback | LeaveMessage | Overflow


class WaitState(StrEnum):
    """Where a waiting caller is."""

    START = "start"  # not queued yet
    ANNOUNCING = "announcing"  # an announcement or the offer is playing
    HOLDING = "holding"  # music on hold
    READING_BACK = "reading_back"  # the callback number is being read back
    CONFIRMING = "confirming"  # read back; waiting for 1 (confirm) or 2 (another number)
    ASKING = "asking"  # callback_number_enter is playing
    COLLECTING = "collecting"  # taking the digits of a number, until #
    CONFIRMED = "confirmed"  # callback_confirmed is playing
    DONE = "done"  # connected, left, overflowed, gone to voicemail or to be called back


def callback_number(digits: str) -> str | None:
    """The E.164 form of a number typed on a keypad, or None if it is not one to call back.

    A French number has ten digits and starts with a single 0; any other starts with the
    international prefix 00 (a keypad has no +) and must be a possible number there.
    """
    if FRENCH_NUMBER.fullmatch(digits):
        return FRANCE + digits[1:]
    international = digits.removeprefix(INTERNATIONAL_PREFIX)
    if international == digits or not 0 < len(international) <= E164_MAX_DIGITS:
        return None
    try:
        return normalize("+" + international)
    except InvalidNumberError:
        return None


def _known_number(caller: str | None) -> str | None:
    """The caller's number in E.164, or None if withheld or not a public number."""
    if caller is None:
        return None
    try:
        number = normalize(caller)
    except InvalidNumberError:
        return None
    return number if number.startswith("+") else None


Handler = Callable[["WaitSession", str, float], list[WaitAction]]


class WaitSession:
    """One caller waiting in a queue; ``caller`` is their number (E.164), None if withheld."""

    TABLE: ClassVar[dict[tuple[WaitState, str], Handler]] = {}

    def __init__(self, options: WaitOptions, caller: str | None) -> None:
        """The session starts when the driver reports the call queued (:meth:`entered`)."""
        self.options = options
        self.caller = _known_number(caller)
        self.state = WaitState.START
        self.entered_at = 0.0
        self.offer_open = False
        self.position: int | None = None
        self.wait_s: float | None = None
        self._announce_at: float | None = None
        self._offer_at: float | None = None
        self._overflow_at: float | None = None
        self._key_at: float | None = None
        self._last_figures: tuple[str, ...] = ()
        self._number: str | None = None  # the number of the callback dialogue
        self._typed = ""
        self._misses = 0
        self._entries = 0

    # -- inputs ---------------------------------------------------------------------------------

    def entered(self, now: float, position: int | None, wait_s: float | None) -> list[WaitAction]:
        """The call has just been queued, at ``position`` with ``wait_s`` estimated (None: unknown)."""
        self.position, self.wait_s = position, wait_s
        return self._input("entered", "", now)

    def prompt_done(self, now: float) -> list[WaitAction]:
        """The prompts asked for last have all been played."""
        return self._input("prompt_done", "", now)

    def digit(self, key: str, now: float) -> list[WaitAction]:
        """The caller pressed ``key`` (RFC 4733 or SIP INFO)."""
        return self._input("digit", key, now)

    def connected(self, now: float) -> list[WaitAction]:
        """An agent took the call: the wait is over, whatever the session was doing."""
        return self._input("connected", "", now)

    def left(self, now: float) -> list[WaitAction]:
        """The call left the queue some other way (the caller hung up, a supervisor moved it)."""
        return self._input("left", "", now)

    def next_deadline(self) -> float | None:
        """When the session next has something to do on its own, if it has."""
        if self.state is WaitState.HOLDING:
            due = [t for t in (self._announce_at, self._offer_at, self._overflow_at) if t is not None]
            return min(due, default=None)
        if self.state is WaitState.ANNOUNCING:
            return self._overflow_at
        if self.state in (WaitState.CONFIRMING, WaitState.COLLECTING):
            return self._key_at
        return None

    def on_deadline(self, now: float, position: int | None, wait_s: float | None) -> list[WaitAction]:
        """Call when :meth:`next_deadline` is due, with the floor's figures now; early calls do nothing."""
        due = self.next_deadline()
        if due is None or now < due:
            return []
        self.position, self.wait_s = position, wait_s
        return self._input("deadline", "", now)

    @property
    def done(self) -> bool:
        """Whether the wait is over."""
        return self.state is WaitState.DONE

    def _input(self, event: str, key: str, now: float) -> list[WaitAction]:
        handler = self.TABLE.get((self.state, event))
        if handler is None:
            raise IllegalInput(self.state.value, event)
        return handler(self, key, now)

    # -- waiting --------------------------------------------------------------------------------

    def _on_entered(self, _key: str, now: float) -> list[WaitAction]:
        options, self.entered_at = self.options, now
        if options.callback_after_s is not None:
            self._offer_at = now + options.callback_after_s
        if options.overflow is not None and options.max_wait_s is not None:
            self._overflow_at = now + options.max_wait_s
        if _due(self._overflow_at, now):
            return self._overflow()
        self._last_figures = self._figures()
        entry = (options.entry_prompt,) if options.entry_prompt is not None else ()
        offer = (self._offer_prompt,) if self._open_offer(now) else ()
        return self._say((*entry, *self._last_figures, *offer), now)

    def _on_hold_deadline(self, _key: str, now: float) -> list[WaitAction]:
        if _due(self._overflow_at, now):
            return self._overflow()
        said: tuple[str, ...] = ()
        periodic = _due(self._announce_at, now)
        if periodic:
            self._announce_at = self._period_from(now)
            figures = self._figures()
            if figures != self._last_figures:
                said, self._last_figures = figures, figures
        if self._open_offer(now) or (periodic and self.offer_open):
            said = (*said, self._offer_prompt)
        return self._say(said, now) if said else []

    def _on_announcing_deadline(self, _key: str, _now: float) -> list[WaitAction]:
        return [StopPrompts(), *self._overflow()]

    def _on_announced(self, _key: str, now: float) -> list[WaitAction]:
        return self._hold(now)

    def _on_offer_key(self, key: str, now: float) -> list[WaitAction]:
        """1 or 2 once the offer is open; a key stops an announcement only then."""
        if not self.offer_open or key not in ("1", "2") or (key == "2" and not self.options.voicemail):
            return []
        stop: list[WaitAction] = [StopPrompts()] if self.state is WaitState.ANNOUNCING else []
        if key == "2":
            self._end()
            return [*stop, LeaveMessage()]
        self._misses = self._entries = 0
        if self.caller is None:
            return stop + self._ask((), now)
        self._number = self.caller
        return stop + self._read_back(())

    @property
    def _offer_prompt(self) -> str:
        """The offer names the message key only when the queue takes messages."""
        return "callback_offer" if self.options.voicemail else "callback_offer_only"

    def _figures(self) -> tuple[str, ...]:
        position = position_prompts(self.position) if self.options.announce_position else ()
        return position + (wait_prompts(self.wait_s) if self.options.announce_wait else ())

    def _open_offer(self, now: float) -> bool:
        """Open the offer if it is due now; whether it has just been opened."""
        limit = self.options.callback_when_wait_over_s
        over = limit is not None and self.wait_s is not None and self.wait_s > limit
        if self.offer_open or not (over or _due(self._offer_at, now)):
            return False
        self.offer_open, self._offer_at = True, None
        return True

    def _say(self, prompts: tuple[str, ...], now: float) -> list[WaitAction]:
        if not prompts:
            return self._hold(now)
        self.state = WaitState.ANNOUNCING  # a key stops it once the offer is open
        return [PlayPrompts(prompts, self.offer_open)]

    def _hold(self, now: float) -> list[WaitAction]:
        """Back to music; what came due meanwhile (the offer, the overflow) is done first."""
        self.state, self._key_at = WaitState.HOLDING, None
        self._announce_at = self._period_from(now)
        due = self.next_deadline()
        if due is not None and due <= now:
            return self._on_hold_deadline("", now) or [Music()]
        return [Music()]

    def _period_from(self, now: float) -> float | None:
        every = self.options.announce_every_s
        return now + max(every, SHORTEST_PERIOD_S) if every is not None and every > 0 else None

    def _overflow(self) -> list[WaitAction]:
        assert self.options.overflow is not None  # noqa: S101 - only an overflow node sets the time
        self._end()
        return [Overflow(self.options.overflow)]

    def _end(self) -> None:
        self.state, self._key_at = WaitState.DONE, None
        self._announce_at = self._offer_at = self._overflow_at = None

    def _on_connected(self, _key: str, _now: float) -> list[WaitAction]:
        self._end()
        return []

    def _on_left(self, key: str, now: float) -> list[WaitAction]:
        if self.state is WaitState.CONFIRMED:  # told it is registered: it is
            return self._on_confirmed(key, now)
        self._end()
        return []

    def _on_ignored(self, _key: str, _now: float) -> list[WaitAction]:
        return []

    # -- the callback dialogue ------------------------------------------------------------------

    def _read_back(self, before: tuple[str, ...]) -> list[WaitAction]:
        assert self._number is not None  # noqa: S101 - a number is known before it is read back
        said = ("callback_number_intro", *number_prompts(self._number), "callback_number_confirm")
        self.state = WaitState.READING_BACK
        return [PlayPrompts((*before, *said), barge_in=True)]

    def _ask(self, before: tuple[str, ...], now: float) -> list[WaitAction]:
        self._entries += 1
        if self._entries > CALLBACK_TRIES:
            return self._hold(now)
        self.state, self._typed = WaitState.ASKING, ""
        return [PlayPrompts((*before, "callback_number_enter"), barge_in=True)]

    def _missed(self, prompt: str, now: float) -> list[WaitAction]:
        """An answer of no use: ``prompt`` (invalid_choice, no_input), then the same question."""
        self._misses += 1
        if self._misses >= CALLBACK_TRIES:
            return self._hold(now)
        if self.state in (WaitState.READING_BACK, WaitState.CONFIRMING):
            return self._read_back((prompt,))
        return self._ask((prompt,), now)

    def _on_read_back(self, _key: str, now: float) -> list[WaitAction]:
        self.state, self._key_at = WaitState.CONFIRMING, now + KEY_TIMEOUT_S
        return []

    def _on_confirm_key(self, key: str, now: float) -> list[WaitAction]:
        stop: list[WaitAction] = [StopPrompts()] if self.state is WaitState.READING_BACK else []
        self._key_at = None
        if key == "1":
            self.state = WaitState.CONFIRMED
            return [*stop, PlayPrompts(("callback_confirmed",), barge_in=False)]
        if key == "2":
            return stop + self._ask((), now)
        return stop + self._missed("invalid_choice", now)

    def _on_confirm_timeout(self, _key: str, now: float) -> list[WaitAction]:
        return self._missed("no_input", now)

    def _on_asked(self, _key: str, now: float) -> list[WaitAction]:
        self.state, self._key_at = WaitState.COLLECTING, now + KEY_TIMEOUT_S
        return []

    def _on_number_key(self, key: str, now: float) -> list[WaitAction]:
        """A key of the number: a digit, ``#`` to end it, ``*`` to start over."""
        stop: list[WaitAction] = [StopPrompts()] if self.state is WaitState.ASKING else []
        if key == "#":
            return stop + self._typed_number(now)
        if key not in DIGITS and key != "*":
            return []
        self._typed = self._typed + key if key != "*" else ""
        self.state, self._key_at = WaitState.COLLECTING, now + KEY_TIMEOUT_S
        if len(self._typed) > len(INTERNATIONAL_PREFIX) + E164_MAX_DIGITS:
            return stop + self._typed_number(now)
        return stop

    def _on_number_timeout(self, _key: str, now: float) -> list[WaitAction]:
        """Silence ends a number as ``#`` would (callers forget it); before any digit, no input."""
        if self._typed:
            return self._typed_number(now)
        return self._missed("no_input", now)

    def _typed_number(self, now: float) -> list[WaitAction]:
        self._key_at = None
        number = callback_number(self._typed)
        if number is None:
            return self._missed("invalid_choice", now)
        self._number = number
        return self._read_back(())

    def _on_confirmed(self, _key: str, _now: float) -> list[WaitAction]:
        number = self._number
        assert number is not None  # noqa: S101 - confirmed means a number
        self._end()
        return [RequestCallback(number)]


def _due(at: float | None, now: float) -> bool:
    return at is not None and at <= now


_S = WaitState
_W = WaitSession
_ON_ANY_WAY = {_S.ANNOUNCING, _S.HOLDING, _S.READING_BACK, _S.CONFIRMING, _S.ASKING, _S.COLLECTING}
WaitSession.TABLE = {
    (_S.START, "entered"): _W._on_entered,
    (_S.ANNOUNCING, "prompt_done"): _W._on_announced,
    (_S.ANNOUNCING, "digit"): _W._on_offer_key,
    (_S.ANNOUNCING, "deadline"): _W._on_announcing_deadline,
    (_S.HOLDING, "digit"): _W._on_offer_key,
    (_S.HOLDING, "deadline"): _W._on_hold_deadline,
    (_S.READING_BACK, "prompt_done"): _W._on_read_back,
    (_S.READING_BACK, "digit"): _W._on_confirm_key,
    (_S.CONFIRMING, "digit"): _W._on_confirm_key,
    (_S.CONFIRMING, "deadline"): _W._on_confirm_timeout,
    (_S.ASKING, "prompt_done"): _W._on_asked,
    (_S.ASKING, "digit"): _W._on_number_key,
    (_S.COLLECTING, "digit"): _W._on_number_key,
    (_S.COLLECTING, "deadline"): _W._on_number_timeout,
    (_S.CONFIRMED, "prompt_done"): _W._on_confirmed,
    (_S.CONFIRMED, "digit"): _W._on_ignored,
    (_S.CONFIRMED, "connected"): _W._on_connected,
    (_S.CONFIRMED, "left"): _W._on_left,
    **{(state, "connected"): _W._on_connected for state in _ON_ANY_WAY},
    **{(state, "left"): _W._on_left for state in _ON_ANY_WAY},
}
