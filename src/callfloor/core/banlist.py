"""Counting failures in a sliding window and banning the source for a while.

The same rule protects the API login (per account and per IP) and, later, the SIP registrar
(like Kamailio's pike or fail2ban): ``limit`` failures within ``window_s`` seconds ban the key
for ``ban_s`` seconds. Times are plain floats given by the caller; nothing here reads a clock.
Memory stays bounded: a key's timestamps older than the window are forgotten on every touch,
and :meth:`FailureWindow.prune` drops idle keys.
"""

from collections import deque
from dataclasses import dataclass, field


@dataclass(slots=True)
class _Entry:
    failures: deque[float] = field(default_factory=deque)
    banned_until: float = 0.0


class FailureWindow:
    """Sliding-window failure counter with temporary bans, keyed by any string."""

    def __init__(self, limit: int, window_s: float, ban_s: float) -> None:
        if limit < 1 or window_s <= 0 or ban_s < 0:
            raise ValueError("limit must be >= 1, window_s > 0 and ban_s >= 0")
        self.limit = limit
        self.window_s = window_s
        self.ban_s = ban_s
        self._entries: dict[str, _Entry] = {}

    def banned_until(self, key: str, now: float) -> float | None:
        """The end of ``key``'s ban, or None when it may try now."""
        entry = self._entries.get(key)
        if entry is None or entry.banned_until <= now:
            return None
        return entry.banned_until

    def record_failure(self, key: str, now: float) -> bool:
        """Count a failure; True when this failure starts a ban."""
        entry = self._entries.setdefault(key, _Entry())
        self._forget_old(entry, now)
        entry.failures.append(now)
        if len(entry.failures) >= self.limit:
            entry.banned_until = now + self.ban_s
            entry.failures.clear()
            return True
        return False

    def record_success(self, key: str) -> None:
        """A success clears the key's failures (not a ban already running)."""
        entry = self._entries.get(key)
        if entry is not None:
            entry.failures.clear()

    def bans(self, now: float) -> dict[str, float]:
        """Every key banned at ``now``, with the end of its ban."""
        return {k: e.banned_until for k, e in self._entries.items() if e.banned_until > now}

    def prune(self, now: float) -> None:
        """Forget keys with no recent failure and no running ban."""
        for key in list(self._entries):
            entry = self._entries[key]
            self._forget_old(entry, now)
            if not entry.failures and entry.banned_until <= now:
                del self._entries[key]

    def _forget_old(self, entry: _Entry, now: float) -> None:
        while entry.failures and entry.failures[0] <= now - self.window_s:
            entry.failures.popleft()
