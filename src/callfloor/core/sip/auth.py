"""Digest authentication policy for SIP, both ends, sans I/O (RFC 7616, RFC 8760).

Theory of operation of the registrar side, :class:`Challenger`:

- **Stateless nonces.** A nonce is base64url(issued_ms | random | mac) with issued_ms a signed
  64-bit count of milliseconds, 16 random bytes from the injected source, and mac the first 16
  bytes of HMAC-SHA256(secret, realm NUL issued_ms | random). Any node holding the secret checks
  a nonce another node issued, and a nonce minted for one tenant's realm fails in another's.
- **Staleness.** A nonce is good for ``nonce_lifetime_s`` (300 s by default). A correct
  response on an older nonce is STALE, and the next challenge says ``stale=true`` so the phone
  retries on its own instead of asking its user for a password (RFC 7616 §3.3).
- **Replays.** Each nonce's count must grow (RFC 7616 §3.3, nc). The highest count seen per
  nonce sits in a bounded LRU dict; forgetting a still-fresh nonce raises a floor under which
  unseen nonces count as stale, so bounded memory never reopens a replay (an honest phone pays
  one more challenge). A replay answers STALE too: the digest was right, only the count spent,
  which is also how an honest phone's crossed requests look.
- **No enumeration.** An unknown user costs the same arithmetic, against a dummy HA1 derived from
  the secret, and ends in the same WRONG verdict as a wrong password.

``now`` is wall-clock epoch seconds from the driver (nodes sharing the secret must agree on it);
randomness is injected: ``random.SystemRandom()`` in production, a seeded ``Random`` in the
simulator. The trunk side, :func:`authorization`, answers a provider's challenge.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from math import inf
from typing import Protocol, TypeAlias

from callfloor.core.sip.digest import (
    DigestAlgorithm,
    DigestCredentials,
    DigestHeader,
    DigestParseError,
    digest_response,
    format_challenge,
    format_credentials,
    ha1,
    parse_algorithm,
    parse_digest,
    read_credentials,
)

DEFAULT_NONCE_LIFETIME_S = 300.0
DEFAULT_TRACKED_NONCES = 16_384
#: RFC 8760 §2.3: challenges go in order of preference, the strongest first; our client prefers so.
OFFERED = (DigestAlgorithm.SHA256, DigestAlgorithm.MD5)
#: What a server challenges with by default: MD5 alone. Deployed phones trip over SHA-256
#: challenges: sipp and many desk phones read only the first one, and baresip 1.0 (libre 1.x)
#: gives up if any challenge names an algorithm it lacks. Floors whose phones all speak SHA-256
#: choose ``order=OFFERED`` (RFC 8760 §2.3's order); both HA1s are stored either way.
COMPATIBLE = (DigestAlgorithm.MD5,)
_RANDOM_BYTES = 16
_MAC_BYTES = 16
_NONCE_CHARS = 54  # base64url of 8 + 16 + 16 bytes, unpadded
_HEX_DIGITS = {DigestAlgorithm.MD5: 32, DigestAlgorithm.SHA256: 64}
#: A trunk's password, or its HA1 per algorithm for the provider's realm.
TrunkSecret: TypeAlias = str | Mapping[DigestAlgorithm, str]


class RandomSource(Protocol):
    """Where nonces get their randomness: ``random.Random`` and ``SystemRandom`` both fit."""

    def randbytes(self, n: int, /) -> bytes:
        """``n`` random bytes."""
        ...


class VerdictKind(StrEnum):
    """What to answer: OK lets the request in, WRONG and STALE re-challenge, MALFORMED gets 400."""

    OK = "ok"
    WRONG = "wrong"
    STALE = "stale"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one verification; ``reason`` is for the log and never tells users apart."""

    kind: VerdictKind
    username: str | None
    reason: str

    @property
    def ok(self) -> bool:
        """True when the request is authenticated."""
        return self.kind is VerdictKind.OK


class Challenger:
    """Issues Digest challenges and checks credentials for a registrar or a proxy."""

    def __init__(
        self,
        secret: bytes,
        rng: RandomSource,
        *,
        nonce_lifetime_s: float = DEFAULT_NONCE_LIFETIME_S,
        max_tracked_nonces: int = DEFAULT_TRACKED_NONCES,
        allow_rfc2069: bool = False,
        order: tuple[DigestAlgorithm, ...] = COMPATIBLE,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the nonce secret needs 16 bytes or more")
        if nonce_lifetime_s <= 0:
            raise ValueError("nonce_lifetime_s must be positive")
        self._secret = secret
        self._rng = rng
        self._lifetime = nonce_lifetime_s
        self._counts = NonceCounts(max_tracked_nonces, nonce_lifetime_s)
        self._allow_rfc2069 = allow_rfc2069
        self._order = order

    def challenge(self, realm: str, now: float, *, stale: bool = False) -> list[str]:
        """``WWW-Authenticate`` (or ``Proxy-Authenticate``) values, one per algorithm of ``order``.

        Both share one nonce, with qop="auth" and an opaque (RFC 7616 §3.3); ``stale`` says the
        last credentials were right but their nonce was spent, so the phone need not ask anyone.
        """
        head = (("realm", realm), ("nonce", self._mint(realm, now)), ("opaque", self._opaque(realm)))
        tail = (("qop", "auth"), ("stale", "true")) if stale else (("qop", "auth"),)
        return [format_challenge(DigestHeader((*head, ("algorithm", a.value), *tail))) for a in self._order]

    def verify(
        self,
        credentials: DigestHeader,
        method: str,
        ha1_by_algorithm: Mapping[DigestAlgorithm, str] | None,
        now: float,
        *,
        realm: str,
    ) -> Verdict:
        """Check credentials for a request with ``method`` in ``realm`` (RFC 7616 §3.4, §3.5).

        The caller reads ``credentials.get("username")``, looks the user up and passes the stored
        HA1s, or None for an unknown user: that case takes the same path to the same verdict.
        """
        username = credentials.get("username")
        try:
            answer = read_credentials(credentials, allow_rfc2069=self._allow_rfc2069)
        except DigestParseError as exc:
            return Verdict(VerdictKind.MALFORMED, username, exc.reason)
        if answer.realm != realm or not self._opaque_matches(answer.opaque, realm):
            return Verdict(VerdictKind.WRONG, username, "credentials for another realm")
        issued = self._issued(answer.nonce, realm)
        if issued is None:
            return Verdict(VerdictKind.WRONG, username, "nonce not issued by us")
        if not self._response_matches(answer, method, ha1_by_algorithm):
            return Verdict(VerdictKind.WRONG, username, "response mismatch")
        if abs(now - issued) > self._lifetime:
            return Verdict(VerdictKind.STALE, username, "nonce expired")
        if not self._counts.admit(answer.nonce, issued, answer.count, now):
            return Verdict(VerdictKind.STALE, username, "nonce count replayed")
        return Verdict(VerdictKind.OK, username, "ok")

    def _response_matches(
        self, answer: DigestCredentials, method: str, ha1_by_algorithm: Mapping[DigestAlgorithm, str] | None
    ) -> bool:
        """Whether the response is right; an unknown user costs the same work, and is never right."""
        dummy = self._dummy_ha1(answer.username, answer.realm, answer.algorithm)
        stored = (ha1_by_algorithm or {}).get(answer.algorithm)
        key = (stored if stored else dummy).lower()
        expected = answer.expected_response(key, method)
        matched = hmac.compare_digest(expected.encode(), answer.response.lower().encode())
        return matched and bool(stored)

    def _mint(self, realm: str, now: float) -> str:
        payload = round(now * 1000).to_bytes(8, "big", signed=True) + self._rng.randbytes(_RANDOM_BYTES)
        return _b64(payload + self._mac(realm, payload))

    def _issued(self, nonce: str, realm: str) -> float | None:
        """When we minted ``nonce`` for ``realm``, or None if we did not."""
        if len(nonce) != _NONCE_CHARS or not nonce.isascii():
            return None
        try:
            raw = base64.urlsafe_b64decode(nonce + "==")
        except ValueError:  # binascii.Error is a ValueError
            return None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        # Re-encoding refuses a nonce spelled differently in the padding bits.
        if _b64(raw) != nonce or not hmac.compare_digest(mac, self._mac(realm, payload)):
            return None
        return int.from_bytes(payload[:8], "big", signed=True) / 1000

    def _mac(self, realm: str, payload: bytes) -> bytes:
        message = b"nonce\0" + realm.encode() + b"\0" + payload
        return hmac.new(self._secret, message, hashlib.sha256).digest()[:_MAC_BYTES]

    def _opaque(self, realm: str) -> str:
        message = b"opaque\0" + realm.encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest()[:12])

    def _opaque_matches(self, opaque: str | None, realm: str) -> bool:
        # RFC 7616 §3.4 wants it echoed; a phone that drops it loses nothing, the nonce is signed.
        return opaque is None or hmac.compare_digest(opaque.encode(), self._opaque(realm).encode())

    def _dummy_ha1(self, username: str, realm: str, algorithm: DigestAlgorithm) -> str:
        message = b"dummy-ha1\0" + f"{username}:{realm}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[: _HEX_DIGITS[algorithm]]


class NonceCounts:
    """The highest nonce count seen per nonce, in bounded memory (RFC 7616 §3.3, nc)."""

    def __init__(self, capacity: int, lifetime_s: float) -> None:
        if capacity < 1:
            raise ValueError("capacity must be 1 or more")
        self._capacity = capacity
        self._lifetime = lifetime_s
        self._seen: dict[str, tuple[float, int]] = {}  # nonce -> (issued, highest nc), LRU first
        self._floor = -inf  # newest issue time among the fresh nonces forgotten for room

    def admit(self, nonce: str, issued: float, count: int, now: float) -> bool:
        """Record ``count`` for ``nonce``; False if it does not exceed every count seen before."""
        last = self._seen.pop(nonce, None)
        if last is not None and count <= last[1]:
            self._seen[nonce] = last
            return False
        if last is None and issued <= self._floor:
            return False  # its counts may have been forgotten: a new nonce is cheaper than a doubt
        self._prune(now)
        self._seen[nonce] = (issued, count)
        return True

    def __len__(self) -> int:
        return len(self._seen)

    def _prune(self, now: float) -> None:
        while self._seen:
            nonce, (issued, _) = next(iter(self._seen.items()))
            if now - issued > self._lifetime:
                del self._seen[nonce]  # expired: the verifier calls it stale before asking here
            elif len(self._seen) >= self._capacity:
                del self._seen[nonce]
                self._floor = max(self._floor, issued)
            else:
                return


def authorization(
    challenges: str | Sequence[str],
    method: str,
    uri: str,
    username: str,
    secret: TrunkSecret,
    *,
    cnonce: str,
    nc: int = 1,
) -> str:
    """The ``Authorization`` value answering a provider's challenge (RFC 3261 §22.2).

    Among the challenges we can answer, SHA-256 wins over MD5 whatever their order (the local
    preference RFC 8760 §2.4 allows), the topmost among equals. qop=auth is used when offered (RFC 7616
    §3.4), else the RFC 2069 form. DigestParseError with status None when none can be answered:
    the 401 or 407 is then final.
    """
    if not 0 < nc <= 0xFFFFFFFF:
        raise ValueError("nc is a 32-bit count starting at 1")
    values = [challenges] if isinstance(challenges, str) else list(challenges)
    usable = [c for c in (_answerable(v, secret) for v in values) if c is not None]
    if not usable:
        raise DigestParseError("no Digest challenge we can answer", status=None)
    header, algorithm = min(usable, key=lambda c: OFFERED.index(c[1]))
    realm, nonce, opaque = header.get("realm") or "", header.get("nonce") or "", header.get("opaque")
    key = ha1(username, realm, secret, algorithm) if isinstance(secret, str) else secret[algorithm]
    qop = "auth" if header.get("qop") is not None else None
    count = f"{nc:08x}" if qop else ""
    response = digest_response(
        algorithm, key.lower(), nonce=nonce, method=method, uri=uri, qop=qop, nc=count, cnonce=cnonce
    )
    params = [("username", username), ("realm", realm), ("nonce", nonce), ("uri", uri)]
    params += [("response", response), ("algorithm", algorithm.value)]
    params += [("cnonce", cnonce), ("qop", "auth"), ("nc", count)] if qop else []
    params += [("opaque", opaque)] if opaque is not None else []
    return format_credentials(DigestHeader(tuple(params)))


def _answerable(value: str, secret: TrunkSecret) -> tuple[DigestHeader, DigestAlgorithm] | None:
    """The challenge and its algorithm, if it is Digest, complete, and ours to answer."""
    try:
        header = parse_digest(value)
    except DigestParseError:
        return None  # another scheme (Basic, Bearer) or a broken one: try the next field
    algorithm = parse_algorithm(header.get("algorithm"))
    qop = header.get("qop")
    if algorithm is None or header.get("realm") is None or header.get("nonce") is None:
        return None
    if qop is not None and "auth" not in {q.strip().lower() for q in qop.split(",")}:
        return None  # auth-int only: we never hash bodies
    if not isinstance(secret, str) and algorithm not in secret:
        return None
    return header, algorithm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
