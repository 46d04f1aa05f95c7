"""RTP ports for call legs: even numbers from a range, each one held by one leg at a time.

RFC 3550 §11: RTP goes to an even port and RTCP to the odd one just above it, and a phone whose
SDP has no ``a=rtcp`` (RFC 3605) sends its RTCP there. So a leg takes the pair: only even
ports are handed out, and the odd one above each stays unused by other legs, free for RTCP
when we send it.

A released port goes to the back of the free list, not the front: the next legs get the
ports that have rested longest, so a late packet of a finished call (a phone that has not
yet heard the BYE) reaches no new call.

Another process may hold a port of our range (a second callfloor, a softphone on the same
host). The allocator cannot know that until it binds, so :meth:`PortAllocator.bind` tries the
next port when binding fails with ``EADDRINUSE``, and puts the busy one back for later.
"""

import errno
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

from callfloor.server.media import PortError

log = logging.getLogger(__name__)

T = TypeVar("T")


class PortAllocator:
    """Even ports of ``low..high`` (both included, each with its odd neighbour), lent and returned.

    The defaults are a common choice (Asterisk's ``rtp.conf`` uses 10000-20000, FreeSWITCH
    16384-32768): 5,000 pairs, more legs than one process carries.
    """

    def __init__(self, low: int = 20000, high: int = 30000) -> None:
        first = low + low % 2  # the first even port
        if not (first >= 1024 and first + 1 <= high <= 65535):
            raise PortError(f"{low}..{high} holds no even/odd port pair above 1023")
        self.low, self.high = low, high
        self._free: deque[int] = deque(range(first, high, 2))  # p + 1 <= high for each p
        self._lent: set[int] = set()

    @property
    def available(self) -> int:
        """Ports not lent out (some may still be bound by another process)."""
        return len(self._free)

    @property
    def lent(self) -> frozenset[int]:
        """Ports handed out and not released yet."""
        return frozenset(self._lent)

    def acquire(self) -> int:
        """The even port that rested longest; ``PortError`` when every one is lent."""
        if not self._free:
            raise PortError(f"all {len(self._lent)} RTP ports of {self.low}..{self.high} are in use")
        port = self._free.popleft()
        self._lent.add(port)
        return port

    def release(self, port: int) -> None:
        """Take ``port`` back; releasing one that is not lent is a bug, refused loudly.

        Accepting it would put the port twice in the free list, and two legs would share it.
        """
        if port not in self._lent:
            raise PortError(f"port {port} was not handed out")
        self._lent.remove(port)
        self._free.append(port)

    async def bind(self, open_port: Callable[[int], Awaitable[T]]) -> tuple[int, T]:
        """Call ``open_port(port)`` on free ports until one binds; the port and what it returned.

        ``EADDRINUSE`` moves on to the next port, each free port being tried at most once;
        any other error (an address not on this host, say) is raised, the port returned.
        """
        for _ in range(len(self._free)):
            port = self.acquire()
            try:
                opened = await open_port(port)
            except OSError as exc:
                self.release(port)
                if exc.errno != errno.EADDRINUSE:
                    raise
                log.debug("RTP port %d is bound by another socket, trying the next one", port)
                continue
            except BaseException:  # cancelled while binding: the port must not leak
                self.release(port)
                raise
            return port, opened
        raise PortError(f"no port of {self.low}..{self.high} could be bound (all in use)")
