"""An agent's call out through the tenant's trunk: sipp as the agent's phone and as the provider."""

import socket
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState
from callfloor.storage.models import InteractionEvent
from tests.server.conftest import LiveSip
from tests.server.sip.test_calls import DATA, wait_for
from tests.server.sip.test_trunks import Config, listening


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sipp(
    live: LiveSip, scenario: str, tmp_path: Path, *args: str, timeout: int = 30
) -> subprocess.Popen[bytes]:
    """sipp against callfloor; ``-s`` given, the digest uri is the Request-URI, as RFC 7616 §3.4 has it."""
    if "-s" in args:  # sipp's default digest uri is the server's address alone
        args = (*args, "-auth_uri", f"{args[args.index('-s') + 1]}@127.0.0.1:{live.port}")
    command = [
        "sipp", f"127.0.0.1:{live.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-sf", str(DATA / "sipp" / scenario), "-timeout", f"{timeout}s", "-timeout_error", "-nostdin",
        "-trace_err", *args,
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _provider(tmp_path: Path, port: int, transport: str = "udp") -> subprocess.Popen[bytes]:
    command = [
        "sipp", "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1", "-mp", "0", "-m", "1",
        "-t", "u1" if transport == "udp" else "t1",
        "-sf", str(DATA / "sipp" / "provider_uas.xml"), "-timeout", "30s", "-timeout_error", "-nostdin",
        "-trace_err", "-trace_msg",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: listening(port, transport), 10), f"sipp does not listen on {transport}"
    return process


def _errors(tmp_path: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in tmp_path.glob("*errors.log"))


def _agent_state(live: LiveSip, extension: str) -> tuple[AgentState, str | None]:
    def read() -> tuple[AgentState, str | None]:
        agent = live.endpoint.floor(1).floor.acd.agents[extension]
        return agent.state, agent.reason

    state = live.call(read)
    assert isinstance(state, tuple)
    return state


@pytest.mark.parametrize(
    ("scenario", "transport"),
    [("agent_dials.xml", "udp"), ("agent_dials_hold.xml", "udp"), ("agent_dials.xml", "tcp")],
)
def test_an_agent_calls_a_customer_through_the_trunk(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path, scenario: str, transport: str
) -> None:
    port = _free_port()
    provider = _provider(tmp_path, port, transport)
    trunk = Config(
        1, "operateur", "127.0.0.1", port, "trunk-secret", register=False, caller_id="+33972000000",
        transport=transport,
    )  # fmt: skip
    live_sip.call(lambda: live_sip.endpoint.trunks.load([trunk], live_sip.loop.time()))
    password = live_sip.passwords["1001"]
    register = _sipp(live_sip, "register.xml", tmp_path, "-s", "1001", "-au", "1001", "-ap", password)
    assert register.wait(timeout=20) == 0, _errors(tmp_path)
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)
    phone = _sipp(
        live_sip, scenario, tmp_path, "-s", "06 12 34 56 78".replace(" ", ""), "-d", "3000",
        "-au", "1001", "-ap", password,
    )  # fmt: skip
    seen: dict[str, object] = {}

    def sample() -> None:
        for call in live_sip.endpoint.outbound.calls:
            seen["bridged"] = seen.get("bridged") or call.bridge is not None
            seen["agent_rtp"] = max(int(seen.get("agent_rtp", 0)), call.agent_rtp.stats.received)  # type: ignore[call-overload]
            seen["trunk_rtp"] = max(int(seen.get("trunk_rtp", 0)), call.trunk_rtp.stats.received)  # type: ignore[call-overload]
            agent = live_sip.endpoint.floor(1).floor.acd.agents["1001"]
            seen["during"] = (agent.state, agent.reason)

    try:
        while phone.poll() is None:
            live_sip.call(sample)
            wait_for(lambda: phone.poll() is not None, 0.2)
        assert phone.returncode == 0, _errors(tmp_path)
        assert provider.wait(timeout=20) == 0, _errors(tmp_path)
    finally:
        for process in (phone, provider):
            if process.poll() is None:
                process.kill()
    assert seen["bridged"], seen
    assert seen["during"] == (AgentState.PAUSED, "outbound"), seen  # no call offered meanwhile
    assert int(seen["agent_rtp"]) > 50 and int(seen["trunk_rtp"]) > 50, seen  # type: ignore[call-overload]
    assert _agent_state(live_sip, "1001") == (AgentState.READY, None)  # back to ready after
    assert live_sip.call(lambda: live_sip.endpoint.outbound.calls) == []
    sent = "".join(p.read_text(errors="replace") for p in tmp_path.glob("provider_uas*messages.log"))
    assert "INVITE sip:+33612345678@127.0.0.1" in sent  # E.164, read in the tenant's country
    assert "From: <sip:+33972000000@127.0.0.1>" in sent  # the trunk's caller ID
    assert 'Authorization: Digest username="0972000000"' in sent
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:  # the call's record, committed as it ended
        entries = session.scalars(
            select(InteractionEvent).where(InteractionEvent.interaction_id.is_not(None))
        ).all()
    assert [(e.type, e.payload["reason"], e.payload["agent"]) for e in entries] == [
        ("dialed", "outbound", "1001"),
        ("outbound_ended", "answered", "1001"),
    ]
    assert len({e.interaction_id for e in entries}) == 1
    assert 2 < entries[1].payload["talk_s"] < 15


@pytest.mark.parametrize(
    ("dialed", "status"),
    [("1002", "404"), ("12a", "484")],
)
def test_numbers_an_agent_may_not_dial_are_refused(
    live_sip: LiveSip, tmp_path: Path, dialed: str, status: str
) -> None:
    port = _free_port()
    trunk = Config(1, "operateur", "127.0.0.1", port, "trunk-secret", register=False)
    live_sip.call(lambda: live_sip.endpoint.trunks.load([trunk], live_sip.loop.time()))
    password = live_sip.passwords["1001"]
    phone = _sipp(
        live_sip, "agent_dials.xml", tmp_path, "-s", dialed, "-au", "1001", "-ap", password, timeout=8
    )
    assert phone.wait(timeout=30) != 0
    assert f"SIP/2.0 {status}" in _errors(tmp_path)


def test_without_credentials_nothing_goes_out(live_sip: LiveSip, tmp_path: Path) -> None:
    port = _free_port()
    trunk = Config(1, "operateur", "127.0.0.1", port, "trunk-secret", register=False)
    live_sip.call(lambda: live_sip.endpoint.trunks.load([trunk], live_sip.loop.time()))
    wrong = ("-au", "1001", "-ap", "wrong-password", "-trace_msg")
    phone = _sipp(live_sip, "agent_dials.xml", tmp_path, "-s", "0612345678", *wrong, timeout=8)
    assert phone.wait(timeout=30) != 0
    exchanged = "".join(p.read_text(errors="replace") for p in tmp_path.glob("agent_dials*messages.log"))
    answers = [m.strip().split("\n")[0] for m in exchanged.split("\n\n") if "CSeq: 2 INVITE" in m]
    answers = [a for a in answers if a.startswith("SIP/2.0")]
    assert answers and all(" 401 " in a for a in answers), answers  # challenged again: it got nowhere
    assert live_sip.call(lambda: live_sip.endpoint.outbound.calls) == []


def test_a_call_the_provider_refuses_is_told_to_the_phone_and_logged(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    port = _free_port()
    provider = _provider(tmp_path, port)  # it checks the trunk password: this one is wrong
    trunk = Config(1, "operateur", "127.0.0.1", port, "not-the-trunk-secret", register=False)
    live_sip.call(lambda: live_sip.endpoint.trunks.load([trunk], live_sip.loop.time()))
    password = live_sip.passwords["1001"]
    phone = _sipp(
        live_sip, "agent_dials.xml", tmp_path, "-s", "0612345678", "-au", "1001", "-ap", password, timeout=8
    )
    try:
        assert phone.wait(timeout=30) != 0
        assert provider.wait(timeout=30) == 0, _errors(tmp_path)  # it answered 403, as it should
    finally:
        for process in (phone, provider):
            if process.poll() is None:
                process.kill()
    assert "SIP/2.0 403" in _errors(tmp_path)  # the phone heard the provider's refusal
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        entries = session.scalars(
            select(InteractionEvent).where(InteractionEvent.interaction_id.is_not(None))
        ).all()
    assert [(e.type, e.payload["reason"]) for e in entries] == [
        ("dialed", "outbound"),
        ("outbound_ended", "failed"),
    ]
    assert entries[1].payload["talk_s"] == 0
    assert live_sip.call(lambda: live_sip.endpoint.outbound.calls) == []
