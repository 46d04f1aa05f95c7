"""Reversible encryption for the few secrets callfloor must hand back in clear: trunk passwords.

Login passwords are argon2 hashes and agents' SIP secrets are HA1 for the tenant's realm, because
callfloor only ever checks them. A trunk password is the other way round: callfloor is the
client, and answering the provider's digest challenge needs the password itself, or HA1 for a
realm that is only known once the challenge arrives (RFC 8760 §3, RFC 7616 §3.4.2). So it is
sealed, not hashed.

Sealing uses Fernet (AES-128-CBC with HMAC-SHA256, authenticated, with a version byte) from the
``cryptography`` package, because the standard library has no authenticated cipher and a
hand-made one is how secrets leak. Its key is derived with HKDF-SHA256 (RFC 5869) from the
application's secret key (:attr:`callfloor.settings.Settings.signing_key`) under a fixed info
label, so it is never the key that signs login tokens. Changing the secret key makes sealed
secrets unreadable: they must then be entered again.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from callfloor.settings import Settings
from callfloor.storage import StorageError

# Changing the label changes the key: every sealed secret would stop opening.
INFO_LABEL = b"callfloor secretbox v1"


class SecretBoxError(StorageError):
    """A sealed secret does not open: altered, truncated, or sealed under another secret key."""


class SecretBox:
    """Seal and open short secrets with a key derived from the application's secret key."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("a secret box needs a non-empty secret key")
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO_LABEL).derive(key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    @classmethod
    def from_settings(cls, settings: Settings) -> "SecretBox":
        """The box keyed by the settings' secret key (generated into the data dir if not given)."""
        return cls(settings.signing_key.encode())

    def seal(self, text: str) -> str:
        """``text`` encrypted and authenticated, as URL-safe ASCII (a new token at each call)."""
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def open(self, token: str) -> str:
        """The text ``token`` was sealed from; :class:`SecretBoxError` if altered or under another key."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise SecretBoxError(
                "sealed secret does not open: it was altered, or sealed under another secret key"
            ) from exc
