"""Login tokens: a signed, timestamped ``{user id, token version}``, used as bearer or cookie.

itsdangerous signs with the settings' secret key; the token version (bumped on password change,
deactivation or logout) lets the server revoke every token of a user without a token table.
"""

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid token says."""

    user_id: int
    token_version: int


class TokenSigner:
    """Issue and check login tokens."""

    def __init__(self, secret: str, ttl_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="callfloor-login")
        self.ttl_s = ttl_s

    def issue(self, user_id: int, token_version: int) -> str:
        """A new token for this user."""
        return self._serializer.dumps({"u": user_id, "v": token_version})

    def check(self, token: str) -> TokenClaims | None:
        """The claims of a valid, unexpired token; None otherwise."""
        try:
            data = self._serializer.loads(token, max_age=self.ttl_s)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        user_id, version = data.get("u"), data.get("v")
        if not isinstance(user_id, int) or not isinstance(version, int):
            return None
        return TokenClaims(user_id, version)
