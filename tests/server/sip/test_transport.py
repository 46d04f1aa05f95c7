"""The SIP server against real peers: sipp (UDP and TCP), baresip, and malformed datagrams."""

import asyncio
import errno
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.sip.message import Response
from callfloor.core.sip.parser import parse_datagram
from callfloor.server.sip.directory import Directory
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.sip.transport import SipTransports
from tests.server.conftest import LiveSip

DATA = Path(__file__).parents[2] / "data"


def sipp(
    live: LiveSip, scenario: str, transport: str, tmp_path: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    command = [
        "sipp", f"127.0.0.1:{live.port}", "-i", "127.0.0.1", "-p", "0", "-t", transport, "-m", "1",
        "-timeout", "15s", "-timeout_error", "-nostdin", "-trace_err", "-sf", str(DATA / "sipp" / scenario), *extra,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False)


def errors(tmp_path: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in tmp_path.glob("*errors.log"))


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_options_answered(live_sip: LiveSip, transport: str, tmp_path: Path) -> None:
    result = sipp(live_sip, "options.xml", transport, tmp_path)
    assert result.returncode == 0, errors(tmp_path)


@pytest.mark.parametrize("transport", ["u1", "t1"])
def test_register_with_digest(live_sip: LiveSip, transport: str, tmp_path: Path) -> None:
    password = live_sip.passwords["1001"]
    result = sipp(live_sip, "register.xml", transport, tmp_path, "-s", "1001", "-au", "1001", "-ap", password)
    assert result.returncode == 0, errors(tmp_path)
    registrar = next(iter(live_sip.endpoint._registrars.values()))
    bindings = live_sip.call(lambda: registrar.contacts("1001", live_sip.loop.time()))
    assert [b.aor for b in bindings] == ["1001"]  # type: ignore[attr-defined]


def test_wrong_password_is_refused(live_sip: LiveSip, tmp_path: Path) -> None:
    result = sipp(
        live_sip, "register.xml", "u1", tmp_path, "-s", "1002", "-au", "1002", "-ap", "not-the-password"
    )
    assert result.returncode != 0
    assert "401" in errors(tmp_path)


def test_baresip_registers(live_sip: LiveSip, tmp_path: Path) -> None:
    config = tmp_path / "baresip"
    config.mkdir()
    account = (
        f"<sip:1003@127.0.0.1:{live_sip.port};transport=udp>;auth_pass={live_sip.passwords['1003']};regint=60"
    )
    (config / "accounts").write_text(account + "\n")
    (config / "config").write_text(
        "sip_listen 127.0.0.1:0\nmodule_path /usr/lib/baresip/modules\nmodule g711.so\nmodule account.so\n"
    )
    result = subprocess.run(
        ["baresip", "-f", str(config), "-t", "3"], capture_output=True, text=True, timeout=30, check=False
    )
    assert "200 OK (callfloor) [1 binding]" in result.stdout + result.stderr
    registrar = next(iter(live_sip.endpoint._registrars.values()))
    # baresip unregisters (Expires: 0) when it quits: the binding is gone again.
    assert live_sip.call(lambda: registrar.contacts("1003", live_sip.loop.time())) == []


def test_malformed_datagrams_are_answered_or_dropped_and_the_server_lives_on(live_sip: LiveSip) -> None:
    index = (DATA / "sip-torture" / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]
    rejected = [line.split("\t")[0] for line in index if line.split("\t")[3] == "reject"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.5)
        sock.bind(("127.0.0.1", 0))
        answers: dict[str, int | None] = {}
        for name in rejected:
            sock.sendto((DATA / "sip-torture" / name).read_bytes(), ("127.0.0.1", live_sip.port))
            try:  # the status line only: the answer echoes the sender's own broken headers
                answers[name] = int(sock.recv(65535).split(b" ", 2)[1])
            except TimeoutError:
                answers[name] = None
        statuses = answers
        assert statuses["invalid/badvers.dat"] == 505
        assert statuses["invalid/badinv01.dat"] == 400
        assert statuses["invalid/bigcode.dat"] is None and statuses["invalid/scalarlg.dat"] is None
        assert sum(s == 400 for s in statuses.values()) >= 18
        options = (
            (DATA / "sip-torture" / "valid" / "zeromf.dat").read_bytes().replace(b"OPTIONS", b"OPTIONS", 1)
        )
        sock.sendto(options, ("127.0.0.1", live_sip.port))
        alive = parse_datagram(sock.recv(65535))
        assert isinstance(alive, Response)


def test_a_free_port_taken_on_tcp_is_traded_for_another(sessions: sessionmaker[Session]) -> None:
    """Port 0 picks a free UDP port; when TCP can't have the same one, start picks another pair."""

    async def scenario() -> tuple[int, int, int]:
        loop = asyncio.get_running_loop()
        transports = SipTransports(SipEndpoint(Directory(sessions, "demo"), "test-secret", sessions=sessions))
        real = loop.create_server
        calls: list[int] = []

        async def create_server(*args: Any, **kwargs: Any) -> asyncio.Server:
            calls.append(args[2])
            if len(calls) == 1:  # an outgoing connection holds the first port on TCP
                raise OSError(errno.EADDRINUSE, "address already in use")
            return await real(*args, **kwargs)

        loop.create_server = create_server  # type: ignore[method-assign]
        try:
            _, port = await transports.start("127.0.0.1", 0)
        finally:
            del loop.create_server
        await transports.aclose()
        return len(calls), calls[-1], port

    attempts, tcp_port, port = asyncio.run(scenario())
    assert attempts == 2 and tcp_port == port


def test_a_given_port_taken_on_tcp_is_an_error(sessions: sessionmaker[Session]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        async def scenario() -> None:
            transports = SipTransports(
                SipEndpoint(Directory(sessions, "demo"), "test-secret", sessions=sessions)
            )
            await transports.start("127.0.0.1", port)

        with pytest.raises(OSError, match="address already in use"):
            asyncio.run(scenario())
