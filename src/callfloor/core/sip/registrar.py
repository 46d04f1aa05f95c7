"""The registrar (RFC 3261 §10.3): where each agent's phones can be reached, with digest auth.

An address of record is an extension of the tenant (the user part of To); several phones may
register one extension. Authentication comes first and treats unknown and known extensions the
same way (a 401 for both), so extensions cannot be enumerated. Times are the caller's ``now``.
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from callfloor.core.sip import ParseError
from callfloor.core.sip.auth import Challenger, VerdictKind
from callfloor.core.sip.digest import DigestAlgorithm, parse_digest
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.responses import make_response

HA1Lookup = Callable[[str], Mapping[DigestAlgorithm, str] | None]


@dataclass(frozen=True, slots=True)
class Binding:
    """One registered contact of an extension."""

    aor: str
    contact: str
    expires_at: float
    call_id: str
    cseq: int
    peer: Hashable  # where the REGISTER came from: requests to this phone go back there


class Registrar:
    """Bindings of one realm (one tenant)."""

    def __init__(
        self,
        realm: str,
        challenger: Challenger,
        lookup: HA1Lookup,
        *,
        default_expires: int = 3600,
        min_expires: int = 60,
        max_expires: int = 7200,
        max_contacts: int = 5,
    ) -> None:
        self.realm = realm
        self._challenger = challenger
        self._lookup = lookup
        self.default_expires, self.min_expires, self.max_expires = default_expires, min_expires, max_expires
        self.max_contacts = max_contacts
        self._bindings: dict[str, dict[str, Binding]] = {}

    def register(self, request: Request, peer: Hashable, now: float) -> Response:
        """Handle a REGISTER; the response to send."""
        user = self._authenticated_user(request, now)
        if isinstance(user, Response):
            return user
        aor = request.to().uri.user or ""
        if user != aor:
            return make_response(request, 403, "Forbidden: you may only register your own extension")
        try:
            return self._update(request, aor, peer, now)
        except ParseError as exc:
            return make_response(request, exc.status or 400, f"Bad Request: {exc.reason}"[:120])

    def authenticate(self, request: Request, now: float) -> str | Response:
        """The extension whose digest credentials ``request`` carries, or the 401/400 to answer."""
        return self._authenticated_user(request, now)

    def contacts(self, aor: str, now: float) -> list[Binding]:
        """The live bindings of an extension, most recent registration first."""
        live = [b for b in self._bindings.get(aor, {}).values() if b.expires_at > now]
        return sorted(live, key=lambda b: -b.expires_at)

    def expire(self, now: float) -> list[Binding]:
        """Drop bindings past their expiry; those dropped."""
        gone = []
        for aor in list(self._bindings):
            bindings = self._bindings[aor]
            for contact, binding in list(bindings.items()):
                if binding.expires_at <= now:
                    gone.append(bindings.pop(contact))
            if not bindings:
                del self._bindings[aor]
        return gone

    def _authenticated_user(self, request: Request, now: float) -> str | Response:
        header = request.headers.get("Authorization")
        if header is None:
            return self._challenge(request, now, stale=False)
        try:
            credentials = parse_digest(header)
        except ParseError:
            return make_response(request, 400, "Bad Request: malformed Authorization")
        username = credentials.get("username") or ""
        verdict = self._challenger.verify(  # the digest covers the request's own method (RFC 7616 §3.4.1)
            credentials, request.method, self._lookup(username), now, realm=self.realm
        )
        if verdict.kind is VerdictKind.OK:
            return username
        if verdict.kind is VerdictKind.MALFORMED:
            return make_response(request, 400, "Bad Request: malformed Authorization")
        return self._challenge(request, now, stale=verdict.kind is VerdictKind.STALE)

    def _challenge(self, request: Request, now: float, *, stale: bool) -> Response:
        response = make_response(request, 401)
        for value in self._challenger.challenge(self.realm, now, stale=stale):
            response.headers.add("WWW-Authenticate", value)
        return response

    def _update(self, request: Request, aor: str, peer: Hashable, now: float) -> Response:
        contacts = request.contacts()
        default = self._expires_header(request)
        current = self._bindings.setdefault(aor, {})
        cseq, call_id = request.cseq().number, request.call_id
        if contacts is None:  # "Contact: *" removes every binding (§10.3 step 6)
            if default != 0:
                return make_response(request, 400, "Bad Request: Contact * needs Expires: 0")
            current.clear()
            return self._ok(request, aor, now)
        for contact in contacts:
            expires = self._expires(contact.params.get("expires"), default)
            if 0 < expires < self.min_expires:
                response = make_response(request, 423)
                response.headers.add("Min-Expires", str(self.min_expires))
                return response
            key = str(contact.uri)
            old = current.get(key)
            if old is not None and old.call_id == call_id and old.cseq >= cseq:
                return make_response(request, 500, "Server Internal Error: out-of-order REGISTER")
            if expires == 0:
                current.pop(key, None)
            else:
                current[key] = Binding(aor, key, now + min(expires, self.max_expires), call_id, cseq, peer)
        while len(current) > self.max_contacts:  # forget the binding that expires first
            del current[min(current.values(), key=lambda b: b.expires_at).contact]
        return self._ok(request, aor, now)

    def _ok(self, request: Request, aor: str, now: float) -> Response:
        response = make_response(request, 200)
        for binding in self.contacts(aor, now):
            response.headers.add("Contact", f"<{binding.contact}>;expires={round(binding.expires_at - now)}")
        return response

    def _expires_header(self, request: Request) -> int:
        return self._expires(request.headers.get("Expires"), self.default_expires)

    def _expires(self, value: str | None, default: int) -> int:
        if value is None:
            return default
        if not value.strip().isdigit():
            raise ParseError(f"bad expires {value!r}")
        return min(int(value), 2**32 - 1)
