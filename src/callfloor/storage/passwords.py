"""Password hashing with argon2id (RFC 9106), through argon2-cffi.

The cost is a setting so tests can run cheap parameters; production uses the RFC's second
recommended option. Hashes record their own parameters, so raising the cost later re-hashes
each password at its next successful login (:meth:`Passwords.needs_rehash`).
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from callfloor.settings import Settings

MIN_PASSWORD_LENGTH = 8


class Passwords:
    """Hash and verify login passwords."""

    def __init__(self, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
        self._dummy_hash: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "Passwords":
        """The hasher configured by ``settings``."""
        return cls(settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)

    def hash(self, password: str) -> str:
        """An argon2id hash string (``$argon2id$...``)."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; a missing or corrupt hash never matches."""
        if not password_hash:
            # Spend the same time as a real check, so timing does not tell which users exist.
            if self._dummy_hash is None:
                self._dummy_hash = self._hasher.hash("callfloor-no-such-user")
            password_hash = self._dummy_hash
            password = ""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(password_hash)
