"""SIP transactions (RFC 3261 §17, with RFC 6026's Accepted state): four state machines.

Theory of operation. A transaction takes messages and ``now`` and returns :class:`Output`
values — wire messages to send, messages to hand to the transaction user (TU), and the news
that it timed out or ended. Timers (A to K, plus L and M of RFC 6026) are deadlines: the driver
calls :meth:`Transaction.on_deadline` when :meth:`Transaction.next_deadline` is due. Each
machine's moves are a table from (state, input) to a handler; an input the table does not list
is absorbed (a late retransmission, a stray response), as §17 asks, and never changes state.
Over a reliable transport (TCP) the retransmission timers are not armed and the wait timers
D, I, J and K are zero (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from callfloor.core.sip.message import Request, Response

T1, T2, T4 = 0.5, 4.0, 5.0  # RFC 3261 §17.1.1.1, table 4


class State(StrEnum):
    """Transaction states across the four machines."""

    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    ACCEPTED = "accepted"  # RFC 6026 §7.1, §7.2
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


@dataclass(frozen=True, slots=True)
class Send:
    """Put this message on the wire (to the transaction's peer)."""

    message: Request | Response


@dataclass(frozen=True, slots=True)
class Deliver:
    """Hand this message to the transaction user."""

    message: Request | Response


@dataclass(frozen=True, slots=True)
class TimedOut:
    """No final response in time (timer B or F), or no ACK (timer H)."""


@dataclass(frozen=True, slots=True)
class Terminated:
    """The transaction is over; the layer may forget it."""


Output = Send | Deliver | TimedOut | Terminated


class Transaction:
    """Common machinery: state, timers as named deadlines, the transition table."""

    TABLE: ClassVar[dict[tuple[State, str], str]] = {}

    def __init__(self, request: Request, reliable: bool, state: State) -> None:
        self.request = request
        self.reliable = reliable
        self.state = state
        self.timers: dict[str, float] = {}
        self.intervals: dict[str, float] = {}
        self.last_response: Response | None = None

    def next_deadline(self) -> float | None:
        """The earliest armed timer, or None."""
        return min(self.timers.values(), default=None)

    def on_deadline(self, now: float) -> list[Output]:
        """Fire every timer due at ``now``."""
        out: list[Output] = []
        for name, at in sorted(self.timers.items(), key=lambda item: item[1]):
            if at <= now and self.timers.get(name) == at:
                del self.timers[name]
                out += self._input(f"timer_{name}", now, None)
        return out

    def _input(self, kind: str, now: float, message: Request | Response | None) -> list[Output]:
        handler = self.TABLE.get((self.state, kind))
        if handler is None:
            return []  # absorbed: §17 lists what each state ignores
        result: list[Output] = getattr(self, handler)(now, message)
        return result

    def _arm(self, name: str, now: float, interval: float) -> None:
        self.intervals[name] = interval
        self.timers[name] = now + interval

    def _backoff(self, name: str, now: float, cap: float | None) -> None:
        interval = self.intervals[name] * 2
        self._arm(name, now, interval if cap is None else min(interval, cap))

    def _end(self) -> list[Output]:
        self.state = State.TERMINATED
        self.timers.clear()
        return [Terminated()]

    def _wait_then_end(self, name: str, now: float, interval: float) -> list[Output]:
        if self.reliable:
            return self._end()
        self._arm(name, now, interval)
        return []


def _kind(response: Response) -> str:
    return "1xx" if response.status < 200 else "2xx" if response.status < 300 else "final"


class ClientTransaction(Transaction):
    """What client transactions share: started by sending, fed with responses."""

    def receive(self, response: Response, now: float) -> list[Output]:
        """A response matched to this transaction (§17.1.3)."""
        return self._input(_kind(response), now, response)


class InviteClientTransaction(ClientTransaction):
    """INVITE client transaction, §17.1.1 and RFC 6026 §7.2 (figure 5 of RFC 6026)."""

    TABLE: ClassVar[dict[tuple[State, str], str]] = {
        (State.CALLING, "timer_A"): "_retransmit",
        (State.CALLING, "timer_B"): "_timeout",
        (State.CALLING, "1xx"): "_provisional",
        (State.PROCEEDING, "1xx"): "_provisional",
        (State.CALLING, "2xx"): "_accepted",
        (State.PROCEEDING, "2xx"): "_accepted",
        (State.ACCEPTED, "2xx"): "_deliver",  # 2xx retransmissions go to the TU, which ACKs them
        (State.ACCEPTED, "timer_M"): "_finished",
        (State.CALLING, "final"): "_rejected",
        (State.PROCEEDING, "final"): "_rejected",
        (State.COMPLETED, "final"): "_ack_again",
        (State.COMPLETED, "timer_D"): "_finished",
    }

    def __init__(self, request: Request, reliable: bool) -> None:
        super().__init__(request, reliable, State.CALLING)

    def start(self, now: float) -> list[Output]:
        """Send the INVITE and arm timers A (unreliable only) and B."""
        if not self.reliable:
            self._arm("A", now, T1)
        self._arm("B", now, 64 * T1)
        return [Send(self.request)]

    def _retransmit(self, now: float, _message: object) -> list[Output]:
        self._backoff("A", now, None)
        return [Send(self.request)]

    def _timeout(self, _now: float, _message: object) -> list[Output]:
        return [TimedOut(), *self._end()]

    def _provisional(self, _now: float, message: Request | Response | None) -> list[Output]:
        self.state = State.PROCEEDING
        self.timers.pop("A", None)
        assert message is not None  # noqa: S101 - responses always carry one
        return [Deliver(message)]

    def _accepted(self, now: float, message: Request | Response | None) -> list[Output]:
        self.state = State.ACCEPTED
        self.timers.clear()
        self._arm("M", now, 64 * T1)
        assert message is not None  # noqa: S101
        return [Deliver(message)]

    def _deliver(self, _now: float, message: Request | Response | None) -> list[Output]:
        assert message is not None  # noqa: S101
        return [Deliver(message)]

    def _rejected(self, now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.state = State.COMPLETED
        self.timers.clear()
        self.last_response = message
        out: list[Output] = [Send(ack_for(self.request, message)), Deliver(message)]
        return out + self._wait_then_end("D", now, 32.0)

    def _ack_again(self, _now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        return [Send(ack_for(self.request, message))]

    def _finished(self, _now: float, _message: object) -> list[Output]:
        return self._end()


class NonInviteClientTransaction(ClientTransaction):
    """Non-INVITE client transaction, §17.1.2 (figure 6)."""

    TABLE: ClassVar[dict[tuple[State, str], str]] = {
        (State.TRYING, "timer_E"): "_retransmit",
        (State.PROCEEDING, "timer_E"): "_retransmit",
        (State.TRYING, "timer_F"): "_timeout",
        (State.PROCEEDING, "timer_F"): "_timeout",
        (State.TRYING, "1xx"): "_provisional",
        (State.PROCEEDING, "1xx"): "_provisional",
        (State.TRYING, "2xx"): "_final",
        (State.PROCEEDING, "2xx"): "_final",
        (State.TRYING, "final"): "_final",
        (State.PROCEEDING, "final"): "_final",
        (State.COMPLETED, "timer_K"): "_finished",
    }

    def __init__(self, request: Request, reliable: bool) -> None:
        super().__init__(request, reliable, State.TRYING)

    def start(self, now: float) -> list[Output]:
        """Send the request and arm timers E (unreliable only) and F."""
        if not self.reliable:
            self._arm("E", now, T1)
        self._arm("F", now, 64 * T1)
        return [Send(self.request)]

    def _retransmit(self, now: float, _message: object) -> list[Output]:
        # In Proceeding the interval is T2 straight away (§17.1.2.2).
        if self.state is State.PROCEEDING:
            self._arm("E", now, T2)
        else:
            self._backoff("E", now, T2)
        return [Send(self.request)]

    def _timeout(self, _now: float, _message: object) -> list[Output]:
        return [TimedOut(), *self._end()]

    def _provisional(self, _now: float, message: Request | Response | None) -> list[Output]:
        self.state = State.PROCEEDING
        assert message is not None  # noqa: S101
        return [Deliver(message)]

    def _final(self, now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.state = State.COMPLETED
        self.timers.clear()
        self.last_response = message
        return [Deliver(message), *self._wait_then_end("K", now, T4)]

    def _finished(self, _now: float, _message: object) -> list[Output]:
        return self._end()


class ServerTransaction(Transaction):
    """What server transactions share: created by a request, fed with the TU's responses."""

    def receive(self, request: Request, now: float) -> list[Output]:
        """A retransmission of the request, or (INVITE only) its ACK."""
        return self._input("ack" if request.method == "ACK" else "request", now, request)

    def respond(self, response: Response, now: float) -> list[Output]:
        """The TU's response to send."""
        return self._input("send_" + _kind(response), now, response)

    def _resend(self, _now: float, _message: object) -> list[Output]:
        return [Send(self.last_response)] if self.last_response is not None else []

    def _finished(self, _now: float, _message: object) -> list[Output]:
        return self._end()


class InviteServerTransaction(ServerTransaction):
    """INVITE server transaction, §17.2.1 and RFC 6026 §7.1 (figure 7 of RFC 6026)."""

    TABLE: ClassVar[dict[tuple[State, str], str]] = {
        (State.PROCEEDING, "request"): "_resend",
        (State.PROCEEDING, "send_1xx"): "_send_provisional",
        (State.PROCEEDING, "send_2xx"): "_send_accepted",
        (State.ACCEPTED, "send_2xx"): "_send_again",  # the TU retransmits its 2xx (§13.3.1.4)
        (State.ACCEPTED, "ack"): "_pass_ack",  # the 2xx's ACK belongs to the dialog
        (State.ACCEPTED, "timer_L"): "_finished",
        (State.PROCEEDING, "send_final"): "_send_rejected",
        (State.COMPLETED, "request"): "_resend",
        (State.COMPLETED, "timer_G"): "_retransmit",
        (State.COMPLETED, "timer_H"): "_no_ack",
        (State.COMPLETED, "ack"): "_confirmed",
        (State.CONFIRMED, "timer_I"): "_finished",
    }

    def __init__(self, request: Request, reliable: bool) -> None:
        super().__init__(request, reliable, State.PROCEEDING)

    def _send_provisional(self, _now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.last_response = message
        return [Send(message)]

    def _send_accepted(self, now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.state = State.ACCEPTED
        self.last_response = message
        self._arm("L", now, 64 * T1)
        return [Send(message)]

    def _send_again(self, _now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        return [Send(message)]

    def _pass_ack(self, _now: float, message: Request | Response | None) -> list[Output]:
        assert message is not None  # noqa: S101
        return [Deliver(message)]

    def _send_rejected(self, now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.state = State.COMPLETED
        self.last_response = message
        if not self.reliable:
            self._arm("G", now, T1)
        self._arm("H", now, 64 * T1)
        return [Send(message)]

    def _retransmit(self, now: float, _message: object) -> list[Output]:
        self._backoff("G", now, T2)
        return self._resend(now, None)

    def _no_ack(self, _now: float, _message: object) -> list[Output]:
        return [TimedOut(), *self._end()]

    def _confirmed(self, now: float, _message: object) -> list[Output]:
        self.state = State.CONFIRMED
        self.timers.clear()
        return self._wait_then_end("I", now, T4)


class NonInviteServerTransaction(ServerTransaction):
    """Non-INVITE server transaction, §17.2.2 (figure 8)."""

    TABLE: ClassVar[dict[tuple[State, str], str]] = {
        (State.TRYING, "send_1xx"): "_send_provisional",
        (State.PROCEEDING, "send_1xx"): "_send_provisional",
        (State.PROCEEDING, "request"): "_resend",
        (State.TRYING, "send_2xx"): "_send_final",
        (State.PROCEEDING, "send_2xx"): "_send_final",
        (State.TRYING, "send_final"): "_send_final",
        (State.PROCEEDING, "send_final"): "_send_final",
        (State.COMPLETED, "request"): "_resend",
        (State.COMPLETED, "timer_J"): "_finished",
    }

    def __init__(self, request: Request, reliable: bool) -> None:
        super().__init__(request, reliable, State.TRYING)

    def _send_provisional(self, _now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.state = State.PROCEEDING
        self.last_response = message
        return [Send(message)]

    def _send_final(self, now: float, message: Request | Response | None) -> list[Output]:
        assert isinstance(message, Response)  # noqa: S101
        self.state = State.COMPLETED
        self.last_response = message
        return [Send(message), *self._wait_then_end("J", now, 64 * T1)]


def ack_for(invite: Request, response: Response) -> Request:
    """The ACK a client transaction sends for a non-2xx final response (§17.1.1.3)."""
    ack = Request(method="ACK", uri=invite.uri)
    for name in ("Via", "From", "Call-ID"):
        value = invite.headers.values(name)[0] if name == "Via" else invite.headers.get(name)
        if value is not None:
            ack.headers.add(name, value)
    ack.headers.add("To", response.headers.get("To") or invite.headers.get("To") or "")
    ack.headers.add("CSeq", f"{invite.cseq().number} ACK")
    for route in invite.headers.get_all("Route"):
        ack.headers.add("Route", route)
    ack.headers.add("Max-Forwards", "70")
    return ack
