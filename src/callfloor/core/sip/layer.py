"""The transaction layer: matching messages to transactions (RFC 3261 §17.1.3, §17.2.3).

Drivers hand in every parsed message with its peer (an opaque address the driver understands)
and whether the transport is reliable; the layer answers retransmissions itself and passes up
only what the transaction user must see. Timers of all transactions are kept in one heap of
deadlines, re-checked when they come due (a transaction that moved on re-arms its own).
"""

import heapq
import itertools
from collections.abc import Hashable
from dataclasses import dataclass

from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.transaction import (
    Deliver,
    InviteClientTransaction,
    InviteServerTransaction,
    NonInviteClientTransaction,
    NonInviteServerTransaction,
    Output,
    Send,
    Terminated,
    TimedOut,
    Transaction,
)

MAGIC_COOKIE = "z9hG4bK"  # RFC 3261 §8.1.1.7
Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """Send ``message`` to ``peer``."""

    message: Request | Response
    peer: Hashable


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """A new request for the TU; answer it with :meth:`TransactionLayer.respond` and ``key``.

    ``key`` is None for an ACK to a 2xx, which has no transaction of its own (§17.2.3). For a
    CANCEL, ``cancels`` is the key of the INVITE transaction it targets, when there is one.
    """

    request: Request
    key: Key | None
    peer: Hashable
    cancels: Key | None = None


@dataclass(frozen=True, slots=True)
class IncomingResponse:
    """A response for the TU; ``key`` is None for a stray one (a 2xx retransmission, say)."""

    response: Response
    key: Key | None


@dataclass(frozen=True, slots=True)
class TransactionTimeout:
    """The transaction ``key`` got no answer (timer B or F) or no ACK (timer H)."""

    key: Key


Event = Outgoing | IncomingRequest | IncomingResponse | TransactionTimeout


def server_key(request: Request, method: str | None = None) -> Key:
    """The key matching a request to its server transaction (ACK matches its INVITE)."""
    top = request.via()[0]
    method = method or ("INVITE" if request.method == "ACK" else request.method)
    sent_by = f"{top.host}:{top.port or ''}"
    branch = top.branch or ""
    if branch.startswith(MAGIC_COOKIE):
        return ("s", branch, sent_by, method)
    # RFC 2543 peers: no usable branch, match on the dialog and sequence (§17.2.3, last part).
    return ("s2543", request.call_id, request.from_().tag or "", str(request.cseq().number), method, sent_by)


def client_key(message: Request | Response) -> Key:
    """The key matching a response to the client transaction that sent its request."""
    cseq_method = message.cseq().method
    return ("c", message.via()[0].branch or "", "INVITE" if cseq_method == "ACK" else cseq_method)


class TransactionLayer:
    """Every live transaction of one SIP endpoint."""

    def __init__(self) -> None:
        self._transactions: dict[Key, Transaction] = {}
        self._peers: dict[Key, Hashable] = {}
        self._deadlines: list[tuple[float, int, Key]] = []
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._transactions)

    def request(
        self, request: Request, peer: Hashable, reliable: bool, now: float
    ) -> tuple[Key, list[Event]]:
        """Start a client transaction for ``request`` (its top Via carries a fresh branch)."""
        key = client_key(request)
        transaction = (InviteClientTransaction if request.method == "INVITE" else NonInviteClientTransaction)(
            request, reliable
        )
        self._transactions[key], self._peers[key] = transaction, peer
        return key, self._after(key, transaction.start(now))

    def receive(self, message: Request | Response, peer: Hashable, reliable: bool, now: float) -> list[Event]:
        """Match an incoming message; what the TU must see, and what to send back."""
        if isinstance(message, Response):
            key = client_key(message)
            client = self._transactions.get(key)
            if not isinstance(client, InviteClientTransaction | NonInviteClientTransaction):
                return [IncomingResponse(message, None)]
            return self._after(key, client.receive(message, now))
        key = server_key(message)
        server = self._transactions.get(key)
        if isinstance(server, InviteServerTransaction | NonInviteServerTransaction):
            return self._after(key, server.receive(message, now))
        if message.method == "ACK":
            return [IncomingRequest(message, None, peer)]  # ACK to a 2xx: the dialog's business
        created = (InviteServerTransaction if message.method == "INVITE" else NonInviteServerTransaction)(
            message, reliable
        )
        self._transactions[key], self._peers[key] = created, peer
        cancels = None
        if message.method == "CANCEL":
            target = server_key(message, "INVITE")
            cancels = target if target in self._transactions else None
        return [IncomingRequest(message, key, peer, cancels)]

    def respond(self, key: Key, response: Response, now: float) -> list[Event]:
        """Send the TU's response through server transaction ``key``."""
        server = self._transactions.get(key)
        if not isinstance(server, InviteServerTransaction | NonInviteServerTransaction):
            return []  # the transaction ended (timed out, or the peer gave up)
        return self._after(key, server.respond(response, now))

    def transport_failed(self, peer: Hashable) -> list[Event]:
        """``peer`` cannot be reached (a TCP connection refused): its client transactions fail now.

        RFC 3261 §17.1.4: a transport error is reported to the TU at once, as a timeout would be
        (§8.1.3.1 treats both as a 408 or 503), rather than after timer B or F's 32 s.
        """
        failed = [
            key
            for key, to in self._peers.items()
            if to == peer
            and isinstance(self._transactions[key], InviteClientTransaction | NonInviteClientTransaction)
        ]
        for key in failed:
            del self._transactions[key], self._peers[key]
        return [TransactionTimeout(key) for key in failed]

    def request_of(self, key: Key) -> Request | None:
        """The request that started transaction ``key`` (for CANCEL handling)."""
        transaction = self._transactions.get(key)
        return transaction.request if transaction else None

    def next_deadline(self) -> float | None:
        """When :meth:`on_deadline` next has work."""
        heap = self._deadlines
        while heap:
            at, _, key = heap[0]
            transaction = self._transactions.get(key)
            if transaction is not None and transaction.next_deadline() == at:
                return at
            heapq.heappop(heap)
            if transaction is not None and (deadline := transaction.next_deadline()) is not None:
                heapq.heappush(heap, (deadline, next(self._seq), key))
        return None

    def on_deadline(self, now: float) -> list[Event]:
        """Fire the timers due at ``now``."""
        events: list[Event] = []
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            _, _, key = heapq.heappop(self._deadlines)
            events += self._after(key, self._transactions[key].on_deadline(now))
        return events

    def _after(self, key: Key, outputs: list[Output]) -> list[Event]:
        events: list[Event] = []
        for output in outputs:
            if isinstance(output, Send):
                events.append(Outgoing(output.message, self._peers[key]))
            elif isinstance(output, Deliver):
                message = output.message
                if isinstance(message, Response):
                    events.append(IncomingResponse(message, key))
                else:
                    events.append(IncomingRequest(message, None, self._peers[key]))
            elif isinstance(output, TimedOut):
                events.append(TransactionTimeout(key))
            elif isinstance(output, Terminated):
                del self._transactions[key], self._peers[key]
        transaction = self._transactions.get(key)
        if transaction is not None and (deadline := transaction.next_deadline()) is not None:
            heapq.heappush(self._deadlines, (deadline, next(self._seq), key))
        return events
