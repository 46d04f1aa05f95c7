"""Registering with a provider, as a trunk does (RFC 3261 §10, client side), sans I/O.

Theory of operation. :class:`Registration` builds the REGISTER requests and reads their final
responses; the driver adds the Via (a fresh branch per request: each is a new transaction),
sends them through a client transaction, hands back each final response, and calls
:meth:`Registration.on_deadline` at :meth:`Registration.next_deadline`. One Call-ID for the
life of the registration and a CSeq that grows by one per request (§10.2.4).

- A 401 or 407 is answered with credentials (:func:`callfloor.core.sip.auth.authorization`);
  a challenge in answer to credentials means they were wrong, unless it says ``stale=true``
  (and a stale nonce is answered once: a registrar that calls every nonce stale is refused).
- A 200 gives the expiry the registrar granted: our Contact's ``expires`` parameter, else the
  Expires header, else what we asked; we refresh at 85 % of it (at least 5 s before the end).
- 423 Interval Too Brief: ask again with its Min-Expires.
- Anything else, or no answer (the driver's timer B/F: :meth:`Registration.on_timeout`), is a
  failure: retried after 30 s, doubling up to 30 minutes, as providers ban clients that retry
  in a tight loop.

Randomness (Call-ID, tag, cnonce) is injected, like the clock.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from callfloor.core.sip.auth import TrunkSecret, authorization
from callfloor.core.sip.digest import DigestParseError, parse_digest
from callfloor.core.sip.message import Request, Response

REFRESH_SHARE = 0.85
MIN_MARGIN_S = 5.0
FIRST_RETRY_S = 30.0
MAX_RETRY_S = 1800.0


class RandomSource(Protocol):
    """What the registration draws its identifiers from (``random.SystemRandom`` live)."""

    def getrandbits(self, k: int, /) -> int:
        """``k`` random bits."""


class RegistrationState(StrEnum):
    """Where a trunk's registration stands."""

    IDLE = "idle"  # not started, or unregistered
    REGISTERING = "registering"  # a REGISTER is out
    REGISTERED = "registered"
    FAILED = "failed"  # refused or unanswered; retrying later


@dataclass
class Registration:
    """One address of record registered with one registrar."""

    registrar: str  # the Request-URI, e.g. ``sip:sip.provider.example``
    aor: str  # To and From, e.g. ``sip:0972000000@sip.provider.example``
    contact: str  # where the provider sends our calls, e.g. ``<sip:0972000000@203.0.113.5:5060>``
    username: str
    secret: TrunkSecret
    rng: RandomSource
    expires: int = 3600
    state: RegistrationState = RegistrationState.IDLE
    reason: str = ""  # why it failed, for people
    granted: int | None = None  # seconds the registrar granted, once registered
    _call_id: str = field(init=False)
    _tag: str = field(init=False)
    _cseq: int = field(init=False, default=0)
    _deadline: float | None = field(init=False, default=None)
    _retry_s: float = field(init=False, default=FIRST_RETRY_S)
    _answered_nonce: str | None = field(init=False, default=None)
    _nc: int = field(init=False, default=0)
    _with_credentials: bool = field(init=False, default=False)  # the pending REGISTER carries some
    _stale_retries: int = field(init=False, default=0)
    _asking: int = field(init=False, default=0)  # the expiry the pending REGISTER asks for

    def __post_init__(self) -> None:
        self._call_id = f"{self.rng.getrandbits(96):024x}@callfloor"
        self._tag = f"{self.rng.getrandbits(48):012x}"

    def start(self, now: float) -> Request:
        """The first REGISTER."""
        self._answered_nonce = None
        return self._register(self.expires, None)

    def stop(self, now: float) -> Request:
        """A REGISTER with ``Expires: 0``: the provider forgets our contact."""
        self._deadline = None
        self._answered_nonce = None
        return self._register(0, None)

    def next_deadline(self) -> float | None:
        """When :meth:`on_deadline` has work: a refresh or a retry."""
        return self._deadline

    def on_deadline(self, now: float) -> Request | None:
        """The refresh or retry that is due, if any."""
        if self._deadline is None or now < self._deadline:
            return None
        self._deadline = None
        return self.start(now)

    def on_timeout(self, now: float) -> None:
        """The pending REGISTER got no final answer."""
        self._fail("no answer from the registrar", now)

    def on_response(self, response: Response, now: float) -> Request | None:
        """A final response to our last REGISTER; the next request to send, if any."""
        status = response.status
        if status < 200 or response.cseq().number != self._cseq:
            return None  # provisional, or an answer to a request we have replaced
        if 200 <= status < 300:
            self._registered(response, now)
            return None
        if status in (401, 407):
            return self._authenticate(response, now)
        if status == 423 and (minimum := (response.headers.get("Min-Expires") or "").strip()).isdigit():
            return self._register(int(minimum), None)
        self._fail(f"{status} {response.reason}", now)
        return None

    def _registered(self, response: Response, now: float) -> None:
        if self._asking == 0:
            self.state, self.granted = RegistrationState.IDLE, None
            return
        granted = self._granted(response)
        self.state, self.reason, self.granted = RegistrationState.REGISTERED, "", granted
        self._retry_s = FIRST_RETRY_S
        self._answered_nonce = None
        self._deadline = now + max(1.0, min(granted * REFRESH_SHARE, granted - MIN_MARGIN_S))

    def _granted(self, response: Response) -> int:
        """The expiry our contact got: its ``expires`` parameter, else Expires, else what we asked."""
        ours = self.contact.strip("<>").lower()
        for value in response.headers.values("Contact"):
            uri, _, params = value.partition(">")
            if uri.strip().strip("<").lower() == ours:
                for param in params.split(";"):
                    name, _, number = param.partition("=")
                    if name.strip().lower() == "expires" and number.strip().isdigit():
                        return int(number.strip())
        expires = (response.headers.get("Expires") or "").strip()
        return int(expires) if expires.isdigit() else self._asking

    def _authenticate(self, response: Response, now: float) -> Request | None:
        header = "WWW-Authenticate" if response.status == 401 else "Proxy-Authenticate"
        challenges = response.headers.values(header)
        try:
            nonces = [parse_digest(c) for c in challenges]
        except DigestParseError:
            nonces = []
        nonce = nonces[0].get("nonce") if nonces else None
        stale = any((c.get("stale") or "").lower() == "true" for c in nonces)
        refused = self._with_credentials and (not stale or self._stale_retries >= 1)
        if nonce is None or refused:
            self._fail("authentication refused (wrong user name or password?)", now)
            return None
        self._stale_retries = self._stale_retries + 1 if self._with_credentials else 0
        self._nc = 1 if nonce != self._answered_nonce else self._nc + 1
        uri = self.registrar
        try:
            value = authorization(
                challenges, "REGISTER", uri, self.username, self.secret,
                cnonce=f"{self.rng.getrandbits(64):016x}", nc=self._nc,
            )  # fmt: skip
        except DigestParseError:
            self._fail("no digest challenge we can answer", now)
            return None
        self._answered_nonce = nonce
        name = "Authorization" if response.status == 401 else "Proxy-Authorization"
        return self._register(self._asking, (name, value))

    def _fail(self, reason: str, now: float) -> None:
        self.state, self.reason, self.granted = RegistrationState.FAILED, reason, None
        self._answered_nonce = None
        self._deadline = now + self._retry_s
        self._retry_s = min(self._retry_s * 2, MAX_RETRY_S)

    def _register(self, expires: int, credentials: tuple[str, str] | None) -> Request:
        self._cseq += 1
        self._asking = expires
        if expires:
            self.state = RegistrationState.REGISTERING
        request = Request(method="REGISTER", uri=self.registrar)
        headers = request.headers
        headers.add("Max-Forwards", "70")
        headers.add("From", f"<{self.aor}>;tag={self._tag}")
        headers.add("To", f"<{self.aor}>")
        headers.add("Call-ID", self._call_id)
        headers.add("CSeq", f"{self._cseq} REGISTER")
        headers.add("Contact", self.contact)
        headers.add("Expires", str(expires))
        if credentials is not None:
            headers.add(*credentials)
        self._with_credentials = credentials is not None
        return request
