"""The RTP port allocator: even ports, each lent once, released ports reused, busy ports skipped."""

import asyncio
import errno
import socket

import pytest

from callfloor.server.media import PortError
from callfloor.server.media.ports import PortAllocator
from callfloor.server.media.session import RtpSession
from tests.server.media.conftest import HOST, settle


def test_hands_out_even_ports_leaving_the_odd_one_for_rtcp() -> None:
    ports = PortAllocator(20001, 20010)  # an odd low end starts at the next even port
    lent = [ports.acquire() for _ in range(ports.available)]
    assert lent == [20002, 20004, 20006, 20008]  # 20010 has no 20011 within the range
    assert ports.lent == frozenset(lent)


def test_never_lends_a_port_twice_and_says_when_none_is_left() -> None:
    ports = PortAllocator(20000, 20005)
    assert {ports.acquire(), ports.acquire(), ports.acquire()} == {20000, 20002, 20004}
    with pytest.raises(PortError):
        ports.acquire()


def test_released_ports_come_back_after_the_others() -> None:
    ports = PortAllocator(20000, 20005)
    first = ports.acquire()
    ports.release(first)
    assert [ports.acquire() for _ in range(3)] == [20002, 20004, first]


def test_releasing_a_port_not_lent_is_refused() -> None:
    ports = PortAllocator(20000, 20005)
    port = ports.acquire()
    ports.release(port)
    with pytest.raises(PortError):
        ports.release(port)  # a second release would put it twice in the free list
    with pytest.raises(PortError):
        ports.release(20003)


@pytest.mark.parametrize(("low", "high"), [(20000, 20000), (80, 2000), (65534, 65536)])
def test_a_range_without_a_pair_is_refused(low: int, high: int) -> None:
    with pytest.raises(PortError):
        PortAllocator(low, high)


def busy_even_port() -> socket.socket:
    """A UDP socket bound to an even loopback port, as another process would hold it."""
    for _ in range(50):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((HOST, 0))
        if sock.getsockname()[1] % 2 == 0 and sock.getsockname()[1] < 65000:
            return sock
        sock.close()
    raise AssertionError("no even ephemeral port in 50 tries")


def test_opening_skips_a_port_bound_by_someone_else() -> None:
    async def main() -> None:
        with busy_even_port() as busy:
            taken = busy.getsockname()[1]
            ports = PortAllocator(taken, taken + 21)
            session = await RtpSession.open(HOST, ports)
            try:
                assert session.local_port != taken
                assert session.local_port % 2 == 0
                assert ports.lent == {session.local_port}
                assert taken not in ports.lent  # back in the free list, for later
            finally:
                session.close()
            await settle()

    asyncio.run(main())


def test_other_bind_errors_are_raised_and_the_port_returned() -> None:
    async def main() -> None:
        ports = PortAllocator()
        with pytest.raises(OSError, match="assign requested address") as raised:
            await RtpSession.open("192.0.2.1", ports)  # TEST-NET-1: not an address of this host
        assert raised.value.errno == errno.EADDRNOTAVAIL
        assert ports.lent == frozenset()

    asyncio.run(main())


def test_all_ports_busy_is_a_port_error() -> None:
    async def main() -> None:
        with busy_even_port() as busy:
            taken = busy.getsockname()[1]
            ports = PortAllocator(taken, taken + 1)  # one pair, and it is taken
            with pytest.raises(PortError):
                await RtpSession.open(HOST, ports)
            assert ports.lent == frozenset()

    asyncio.run(main())


def test_closing_a_session_releases_its_port() -> None:
    async def main() -> None:
        ports = PortAllocator()
        session = await RtpSession.open(HOST, ports)
        assert ports.lent == {session.local_port}
        session.close()
        session.close()  # idempotent: no second release
        assert ports.lent == frozenset()
        await settle()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((HOST, session.local_port))  # the socket is really gone

    asyncio.run(main())
