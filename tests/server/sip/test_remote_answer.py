"""Answering a ringing phone from the desk: baresip plays a phone that knows nothing of remote
control (the desk's answer through the API, with a phone that obeys, and auto-answer are in
``test_call_api``); the caller is sipp waiting for our BYE. Then the NOTIFY and the dialog's
sequence numbers, with plain messages."""

import asyncio
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.sip.dialog import uac_dialog
from callfloor.core.sip.message import Request, Response
from callfloor.server.sip.calls import Call, CallControlError, Leg
from callfloor.server.sip.directory import Directory
from callfloor.server.sip.endpoint import SipEndpoint
from callfloor.server.sip.remote_answer import after_early, early_dialog, talk_notify
from tests.backends import ON_SQLITE
from tests.core.sip.messages import invite, response
from tests.server.conftest import LiveSip
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import PROMPTS, wait_for

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends


def _caller(floor: Floor) -> subprocess.Popen[bytes]:
    process = KeyedCaller((), ends="hung_up", wait_s=30).start(floor.live.port, "3900", floor.tmp_path)
    floor.processes.append(process)
    return process


def _manual_baresip(live: LiveSip, extension: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    """baresip registered as ``extension``, ringing until someone picks it up (nobody does)."""
    config = tmp_path / f"baresip-manual-{extension}"
    config.mkdir()
    account = (
        f"<sip:{extension}@127.0.0.1:{live.port};transport=udp>;auth_pass={live.passwords[extension]}"
        ";regint=60;answermode=manual"
    )
    (config / "accounts").write_text(account + "\n")
    (config / "config").write_text(
        "sip_listen 127.0.0.1:0\nmodule_path /usr/lib/baresip/modules\n"
        "module g711.so\nmodule aufile.so\nmodule account.so\n"
        f"audio_source aufile,{PROMPTS / 'common' / 'music_on_hold.wav'}\naudio_alert aufile,/dev/null\n"
        "audio_player aufile,/dev/null\n"
    )
    return subprocess.Popen(
        ["baresip", "-f", str(config), "-t", "30"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _answer(live: LiveSip, call: Call, agent: str | None) -> None:
    manager = live.endpoint.calls
    asyncio.run_coroutine_threadsafe(manager.answer(call, agent), live.loop).result(timeout=10)


def test_a_phone_without_remote_control_refuses_and_rings_on(
    floor: Floor, live_sip: LiveSip, tmp_path: Path
) -> None:
    phone = _manual_baresip(live_sip, "1001", tmp_path)
    floor.processes.append(phone)
    assert wait_for(lambda: live_sip.call(lambda: bool(live_sip.endpoint.bindings(1, "1001"))), 15)
    _caller(floor)
    call = floor.until(
        lambda c: c.state == "ringing" and c.agent_leg is not None and c.agent_leg.early is not None
    )
    with pytest.raises(CallControlError) as refused:
        _answer(live_sip, call, "1001")
    assert (refused.value.status, refused.value.error_id) == (502, "phone_refused")
    assert "481" in refused.value.en  # baresip 1.0 has no such subscription: the agent picks up
    assert floor.call().state == "ringing"
    with pytest.raises(CallControlError, match="not ringing"):
        _answer(live_sip, call, "1002")  # not that agent's phone


def _ringing() -> tuple[Request, Response]:
    request = invite()
    ringing = response(180, request, to_tag="desk")
    ringing.headers.add("Contact", "<sip:1001@127.0.0.1:5070>")
    return request, ringing


def test_the_notify_goes_in_the_early_dialog_and_the_bye_after_it(sessions: sessionmaker[Session]) -> None:
    endpoint = SipEndpoint(Directory(sessions, "demo"), "secret")
    request, ringing = _ringing()
    leg = Leg(("udp", "127.0.0.1", 5070), None, invite=request, agent="1001")  # type: ignore[arg-type]
    assert early_dialog(request, response(100, request, to_tag=None)) is None
    leg.early = early_dialog(request, ringing)
    notify = talk_notify(endpoint, leg, "127.0.0.1")
    assert (notify.uri, notify.call_id, notify.to().tag) == ("sip:1001@127.0.0.1:5070", "c1", "desk")
    assert notify.cseq().number == 2 and notify.headers.get("Event") == "talk"
    confirmed = uac_dialog(request, response(200, request, to_tag="desk"))
    after_early(confirmed, leg.early)
    assert confirmed.request("BYE", via="SIP/2.0/UDP x;branch=z9hG4bK1").cseq().number == 3


def test_without_an_early_dialog_the_notify_goes_to_the_registered_contact(
    sessions: sessionmaker[Session],
) -> None:
    endpoint = SipEndpoint(Directory(sessions, "demo"), "secret")
    request = invite()
    leg = Leg(("udp", "127.0.0.1", 5070), None, invite=request, agent="1001")  # type: ignore[arg-type]
    notify = talk_notify(endpoint, leg, "127.0.0.1")
    assert notify.uri == request.uri and notify.call_id != request.call_id and notify.to().tag is None
    assert notify.to().uri.user == "1001" and notify.headers.get("Event") == "talk"
    confirmed = uac_dialog(request, response(200, request, to_tag="other"))
    after_early(confirmed, early_dialog(request, response(180, request, to_tag="forked")))
    assert confirmed.local_seq == 1  # another dialog's CSeq is not this one's
