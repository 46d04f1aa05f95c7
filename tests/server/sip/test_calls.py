"""The whole path of an inbound call, with real peers: sipp dials the demo's 0800100100, the
caller hears the IVR's welcome, presses 1 for French and 1 for sales (RFC 4733), the call queues
in ventes, baresip (agent 1001) rings and answers, audio flows both ways through callfloor, the
caller hangs up, and the log holds the call's life."""

import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import import_center
from callfloor.storage.models import InteractionEvent
from callfloor.storage.passwords import Passwords
from callfloor.yamlfile import parse_yaml
from tests.server.conftest import LiveSip

DATA = Path(__file__).parents[2] / "data"
PROMPTS = Path(__file__).parents[3] / "src" / "callfloor" / "prompts"


def start_agent(live: LiveSip, extension: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    """baresip registered as ``extension``, answering at once, talking music into the call."""
    config = tmp_path / f"baresip-{extension}"
    config.mkdir()
    account = (
        f"<sip:{extension}@127.0.0.1:{live.port};transport=udp>;auth_pass={live.passwords[extension]}"
        ";regint=60;answermode=auto"
    )
    (config / "accounts").write_text(account + "\n")
    (config / "config").write_text(
        "sip_listen 127.0.0.1:0\nmodule_path /usr/lib/baresip/modules\n"
        "module g711.so\nmodule aufile.so\nmodule account.so\n"
        f"audio_source aufile,{PROMPTS / 'common' / 'music_on_hold.wav'}\naudio_alert aufile,/dev/null\n"
    )
    command = ["baresip", "-f", str(config), "-t", "40"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("live_sip", ["one process", "media process"], indirect=True)
def test_inbound_call_reaches_an_agent_and_is_logged(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    agent = start_agent(live_sip, "1001", tmp_path)
    try:
        registered = lambda: live_sip.call(lambda: bool(live_sip.endpoint.bindings(1, "1001")))  # noqa: E731
        assert wait_for(registered, 15), "baresip did not register"
        command = [
            "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
            "-m", "1", "-s", "0800100100", "-d", "8000", "-sf", str(DATA / "sipp" / "call_menu.xml"),
            "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_err",
        ]  # fmt: skip
        caller = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen: dict[str, object] = {"caller_rtp": 0, "agent_rtp": 0, "bridged": False}

        def sample() -> None:
            for call in live_sip.endpoint.calls.calls.values():
                if call.ivr is not None:
                    seen["trail"], seen["choices"] = list(call.ivr.trail), list(call.ivr.choices)
                # What callfloor sent the caller before the agent's audio (the IVR's prompts, then
                # music on hold while the agent rang), read once the stream is back from the media
                # process if it was lent: its count is only told at a prompt's end and on return.
                if call.bridge is not None and not call.caller.rtp.lent and "heard" not in seen:
                    seen["heard"] = call.caller.rtp.sent
                seen["caller_rtp"] = max(seen["caller_rtp"], call.caller.rtp.stats.received)
                if call.agent_leg is not None:
                    seen["agent_rtp"] = max(seen["agent_rtp"], call.agent_leg.rtp.stats.received)
                seen["bridged"] = seen["bridged"] or call.bridge is not None

        while caller.poll() is None:
            live_sip.call(sample)
            time.sleep(0.2)
        errors = "".join(p.read_text(errors="replace") for p in tmp_path.glob("*errors.log"))
        assert caller.returncode == 0, errors
    finally:
        agent.terminate()
        agent.wait(timeout=15)
    assert seen["bridged"], repr(seen)
    assert seen["trail"] == ["bienvenue", "horaires", "langue", "francais", "menu", "ventes"], seen
    assert seen["choices"] == ["1", "1"], seen
    assert seen.get("heard", 0) > 4 * 50, seen  # the welcome and the prompts, 50 packets a second
    assert seen["caller_rtp"] > 50, seen  # the caller's audio reached callfloor
    assert seen["agent_rtp"] > 50, seen  # and so did the agent's
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        entries = session.scalars(
            select(InteractionEvent)
            .where(InteractionEvent.interaction_id.is_not(None))
            .order_by(InteractionEvent.id)
        ).all()
    assert [e.type for e in entries] == ["enqueued", "offered", "answered", "completed"]
    assert entries[-1].payload["talk_s"] > 2
    assert {e.payload.get("queue") for e in entries} == {"ventes"}


def test_a_busy_agent_passes_the_call_to_the_next(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        phone_port = probe.getsockname()[1]
    # The demo's accueil queue is round robin in agent order: 1001 is offered first, and is busy.
    busy = subprocess.Popen(  # the phone of agent 1001
        [
            "sipp",
            "-i",
            "127.0.0.1",
            "-p",
            str(phone_port),
            "-m",
            "1",
            "-sf",
            str(DATA / "sipp" / "busy_agent.xml"),
            "-timeout",
            "40s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    register = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-m", "1", "-s", "1001",
        "-au", "1001", "-ap", live_sip.passwords["1001"], "-set", "contact_port", str(phone_port),
        "-sf", str(DATA / "sipp" / "register_contact.xml"), "-timeout", "15s", "-timeout_error", "-nostdin",
    ]  # fmt: skip
    assert (
        subprocess.run(register, cwd=tmp_path, capture_output=True, timeout=30, check=False).returncode == 0
    )
    registered = lambda ext: live_sip.call(lambda: bool(live_sip.endpoint.bindings(1, ext)))  # noqa: E731
    agent = None
    try:
        agent = start_agent(live_sip, "1002", tmp_path)
        assert wait_for(lambda: registered("1002"), 15), "baresip did not register"
        command = [
            "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
            "-m", "1", "-s", "3900", "-d", "6000", "-sf", str(DATA / "sipp" / "call.xml"),
            "-timeout", "40s", "-timeout_error", "-nostdin",
        ]  # fmt: skip
        caller = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=60, check=False)
        assert caller.returncode == 0
        if busy.poll() is None:
            time.sleep(3)

        assert busy.poll() == 0, "".join(
            p.read_text(errors="replace") for p in tmp_path.glob("busy*errors.log")
        )
    finally:
        for process in (busy, agent):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        entries = session.scalars(
            select(InteractionEvent)
            .where(InteractionEvent.interaction_id.is_not(None))
            .order_by(InteractionEvent.id)
        ).all()
    steps = [(e.type, e.payload.get("agent")) for e in entries]
    assert steps == [
        ("enqueued", None), ("offered", "1001"), ("no_answer", "1001"), ("offered", "1002"),
        ("answered", "1002"), ("completed", "1002"),
    ]  # fmt: skip


def test_caller_digits_arrive_by_sip_info_and_rfc4733(live_sip: LiveSip, tmp_path: Path) -> None:
    command = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-s", "0800100100", "-d", "3000", "-sf", str(DATA / "sipp" / "call_digits.xml"),
        "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    caller = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keyed: list[str] = []

    def sample() -> None:
        for call in live_sip.endpoint.calls.calls.values():
            keyed[:] = call.digits

    while caller.poll() is None:
        live_sip.call(sample)
        time.sleep(0.1)
    assert caller.returncode == 0, "".join(
        p.read_text(errors="replace") for p in tmp_path.glob("*errors.log")
    )
    assert keyed == ["5", "1"]


def test_a_caller_who_hangs_up_in_the_ivr_leaves_a_record(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    command = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-s", "0800100100", "-d", "2000", "-sf", str(DATA / "sipp" / "call.xml"),
        "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    caller = subprocess.run(
        command, check=False, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=40
    )
    assert caller.returncode == 0
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        entries = session.scalars(
            select(InteractionEvent).where(InteractionEvent.interaction_id.is_not(None))
        ).all()
    assert [(e.type, e.payload["reason"]) for e in entries] == [("ivr_ended", "caller_hung_up")]
    assert 1.5 < entries[0].payload["wait_s"] < 10  # the caller heard the welcome for about 2 s


def test_a_phone_outside_the_trusted_networks_calls_with_its_digest(
    live_sip: LiveSip, tmp_path: Path
) -> None:
    """127.0.0.2 is not trusted (only 127.0.0.1 is): its INVITE is challenged, and answered once signed."""
    password = live_sip.passwords["1001"]
    common = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.2", "-p", "0", "-mi", "127.0.0.2", "-mp", "0",
        "-m", "1", "-s", "3900", "-d", "1000", "-sf", str(DATA / "sipp" / "agent_dials.xml"),
        "-auth_uri", f"3900@127.0.0.1:{live_sip.port}", "-au", "1001",
        "-timeout", "8s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    signed = subprocess.run(
        [*common, "-ap", password], check=False, cwd=tmp_path, capture_output=True, timeout=30
    )
    assert signed.returncode == 0, "".join(
        p.read_text(errors="replace") for p in tmp_path.glob("*errors.log")
    )
    for log in tmp_path.glob("*errors.log"):
        log.unlink()
    wrong = subprocess.run(
        [*common, "-ap", "not-the-password"], check=False, cwd=tmp_path, capture_output=True, timeout=30
    )
    assert wrong.returncode != 0
    assert live_sip.call(lambda: live_sip.endpoint.calls.calls) == {}


def test_a_flow_to_a_queue_the_live_floor_lacks_says_goodbye_on_the_record(
    live_sip: LiveSip, sessions: sessionmaker[Session], passwords: Passwords, tmp_path: Path
) -> None:
    live_sip.call(lambda: live_sip.endpoint.floor(1))  # the live floor is loaded: the new queue comes after
    center = (
        "queues: [{name: nouvelle}]\n"
        "ivr_flows:\n  - {name: direct, start: q, nodes: {q: {type: queue, queue: nouvelle}}}\n"
        "numbers: [{number: '3901', flow: direct}]\n"
    )
    with sessions.begin() as session:
        import_center(session, "demo", parse_yaml(center, "center.yaml"), passwords)
    command = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-s", "3901", "-sf", str(DATA / "sipp" / "call_hung_up.xml"),
        "-timeout", "20s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    caller = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, timeout=30)
    assert caller.returncode == 0, "".join(
        p.read_text(errors="replace") for p in tmp_path.glob("*errors.log")
    )
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        entries = session.scalars(
            select(InteractionEvent).where(InteractionEvent.interaction_id.is_not(None))
        ).all()
    assert [(e.type, e.payload["reason"], e.payload["queue"]) for e in entries] == [
        ("ivr_ended", "unknown_queue", "nouvelle")
    ]
