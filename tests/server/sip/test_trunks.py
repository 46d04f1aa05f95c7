"""A trunk registering with its provider (sipp playing the provider's registrar, checking digest)."""

import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.center.transfer import ImportReport
from callfloor.core.sip.registration import RegistrationState
from callfloor.server.trunk_configs import load_trunks
from callfloor.settings import Settings
from callfloor.storage.secretbox import SecretBox
from tests.server.conftest import LiveSip
from tests.server.sip.test_calls import DATA, wait_for
from tests.tenants import bearer


@dataclass(frozen=True)
class Config:
    """A trunk's settings, as the server loads them."""

    tenant_id: int
    name: str
    host: str
    port: int
    password: str | None
    transport: str = "udp"
    username: str | None = "0972000000"
    register: bool = True
    expires: int = 600
    caller_id: str | None = None
    prefix: str = ""


def provider(tmp_path: Path, transport: str = "udp") -> tuple[subprocess.Popen[bytes], int]:
    kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        ["sipp", "-i", "127.0.0.1", "-p", str(port), "-t", "u1" if transport == "udp" else "t1", "-m", "1",
         "-sf", str(DATA / "sipp" / "provider_registrar.xml"),
         "-timeout", "20s", "-timeout_error", "-nostdin", "-trace_err"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # Send only once sipp listens: over TCP nothing is retransmitted, and a slow start under load
    # would eat the test's wait over UDP.
    assert wait_for(lambda: listening(port, transport), 10), f"sipp does not listen on {transport}"
    return process, port


def listening(port: int, transport: str = "tcp") -> bool:
    """Whether a socket listens on ``port`` (/proc/net/tcp state 0A, /proc/net/udp 07), untouched."""
    state = "0A" if transport == "tcp" else "07"
    lines = Path(f"/proc/net/{transport}").read_text().splitlines()[1:]
    return any(line.split()[1].endswith(f":{port:04X}") and line.split()[3] == state for line in lines)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_a_trunk_registers_with_digest(live_sip: LiveSip, tmp_path: Path, transport: str) -> None:
    process, port = provider(tmp_path, transport)
    trunks = live_sip.endpoint.trunks
    config = Config(1, "orange", "127.0.0.1", port, "trunk-secret", transport=transport)
    live_sip.call(lambda: trunks.load([config], live_sip.loop.time()))
    try:
        registered = lambda: live_sip.call(lambda: trunks.state(1, "orange")) is RegistrationState.REGISTERED  # noqa: E731
        assert wait_for(registered, 15), live_sip.call(lambda: trunks.status(1))
        process.wait(timeout=20)
        assert process.returncode == 0
        status = live_sip.call(lambda: trunks.status(1))
        assert [(s.name, s.state) for s in status] == [("orange", "registered")]  # type: ignore[attr-defined]
        # Refreshed at 85 % of the 60 s the provider granted (not the 600 asked for).
        deadline = live_sip.call(trunks.next_deadline)
        assert isinstance(deadline, float) and 40 < deadline - live_sip.loop.time() <= 51
        # The provider's address is trusted: its INVITEs carry no credentials of ours.
        assert live_sip.call(lambda: (trunks.trusted("127.0.0.1"), trunks.trusted("192.0.2.7"))) == (
            True,
            False,
        )
    finally:
        if process.poll() is None:
            process.kill()


def test_a_wrong_trunk_password_fails_and_is_retried_later(live_sip: LiveSip, tmp_path: Path) -> None:
    process, port = provider(tmp_path)
    trunks = live_sip.endpoint.trunks
    live_sip.call(
        lambda: trunks.load([Config(1, "orange", "127.0.0.1", port, "wrong")], live_sip.loop.time())
    )
    try:
        failed = lambda: live_sip.call(lambda: trunks.state(1, "orange")) is RegistrationState.FAILED  # noqa: E731
        assert wait_for(failed, 15)
        status = live_sip.call(lambda: trunks.status(1))
        assert "403" in status[0].reason  # type: ignore[index]
        deadline = live_sip.call(trunks.next_deadline)
        assert isinstance(deadline, float) and deadline - live_sip.loop.time() > 25  # 30 s, not a tight loop
    finally:
        if process.poll() is None:
            process.kill()


def test_a_trunk_created_through_the_api_registers_at_once(
    live_sip: LiveSip,
    settings: Settings,
    engine: Engine,
    sessions: sessionmaker[Session],
    demo: ImportReport,
    tmp_path: Path,
) -> None:
    process, port = provider(tmp_path)
    box = SecretBox.from_settings(settings)
    live_sip.endpoint.load_trunks = lambda: load_trunks(sessions, box)
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    try:
        with TestClient(app, base_url="http://testserver") as client:
            email = "admin@demo.example"
            admin = bearer(client, email, next(s.secret for s in demo.secrets if s.who == email))
            body = {"name": "orange", "host": "127.0.0.1", "port": port, "username": "0972000000",
                    "password": "trunk-secret", "register": True, "expires": 600}  # fmt: skip
            assert client.post("/api/trunks", json=body, headers=admin).status_code == 201
            trunks = live_sip.endpoint.trunks
            state = lambda: live_sip.call(lambda: trunks.state(1, "orange"))  # noqa: E731
            assert wait_for(lambda: state() is RegistrationState.REGISTERED, 15), state()
        process.wait(timeout=20)
        assert process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_a_tcp_trunk_that_refuses_the_connection_fails_at_once(live_sip: LiveSip) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    trunks = live_sip.endpoint.trunks
    config = Config(1, "orange", "127.0.0.1", port, "trunk-secret", transport="tcp")
    live_sip.call(lambda: trunks.load([config], live_sip.loop.time()))
    failed = lambda: live_sip.call(lambda: trunks.state(1, "orange")) is RegistrationState.FAILED  # noqa: E731
    assert wait_for(failed, 5)  # not after timer F's 32 s (RFC 3261 §17.1.4)
    deadline = live_sip.call(trunks.next_deadline)
    assert isinstance(deadline, float) and deadline - live_sip.loop.time() > 25  # retried later, calmly
