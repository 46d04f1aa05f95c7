"""A supervisor listens to a live call, whispers to the agent, barges in: with real peers on loopback.

The caller, the agent's phone and the supervisor's phone are SIP user agents on UDP sockets
(:class:`TonePeer`): the phones register with their digest credentials, every peer answers or
places its call, then sends its own tone over RTP (caller 400 Hz, agent 1000 Hz, supervisor
1750 Hz, a whole number of periods in each 20 ms packet) and keeps what it hears. Who hears
whom is read off the received audio, tone by tone, with the Goertzel algorithm, and so is
who is in a call's recording, off the WAV file. Peers made with ``dtmf`` offer telephone-event
(RFC 4733) and press keys in their stream, as desk phones do. The supervisor commands go through
the API, as the wallboard sends them.
"""

import math
import re
import secrets
import socket
import struct
import threading
import time
import wave
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.acd.model import AgentState
from callfloor.core.media.dtmf import DtmfReceiver, digit_packets
from callfloor.core.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from callfloor.core.media.rtp import RtpPacket, build_rtp, parse_rtp
from callfloor.core.sip.auth import authorization
from callfloor.core.sip.message import Request, Response
from callfloor.core.sip.parser import parse_datagram
from callfloor.core.sip.responses import make_response
from callfloor.server.recordings import RecordingStore
from callfloor.server.sip.calls import Call, CallControlError
from callfloor.server.sip.monitoring import MONITORING
from callfloor.storage.models import Agent, AuditLog, Queue, Recording
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from tests.backends import ON_SQLITE
from tests.server.conftest import LiveSip
from tests.server.sip.test_calls import wait_for
from tests.tenants import Platform2, bearer

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends

HOST = "127.0.0.1"
CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ = 400, 1000, 1750
AMPLITUDE = 6000
HEARD, UNHEARD = 2500, 600  # Goertzel amplitudes: a tone there, a tone not there
SUPERVISOR_EXTENSION, SUPERVISOR_SIP_PASSWORD = "1900", "supervisor-phone-secret"
ADMIN_EXTENSION, ADMIN_SIP_PASSWORD, ADMIN_HZ = "1901", "admin-phone-secret", 2400
TELEPHONE_EVENT = 101  # the payload type every peer here offers and answers for RFC 4733


def tone_frame(frequency: int) -> bytes:
    """20 ms of a tone as 16-bit PCM: a whole number of periods, so frames follow on seamlessly."""
    return struct.pack(
        "<160h", *(round(AMPLITUDE * math.sin(2 * math.pi * frequency * n / 8000)) for n in range(160))
    )


def goertzel(pcm: bytes, frequency: int) -> float:
    """The amplitude of ``frequency`` in one 16-bit PCM frame."""
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    coefficient = 2 * math.cos(2 * math.pi * frequency / 8000)
    before = earlier = 0.0
    for sample in samples:
        before, earlier = sample + coefficient * before - earlier, before
    power = before * before + earlier * earlier - coefficient * before * earlier
    return 2 * math.sqrt(max(power, 0.0)) / len(samples)


@dataclass
class Press:
    """A key press a peer sends: its telephone-event packets, all stamped with when it started."""

    packets: list[tuple[bytes, bool]]  # payload, marker
    start: int | None = None


@dataclass(eq=False)
class TonePeer:
    """A SIP user agent on loopback that sends a tone once in a call and keeps what it hears."""

    server_port: int
    frequency: int
    user: str
    sip: socket.socket = field(init=False)
    rtp: socket.socket = field(init=False)
    heard: list[tuple[float, bytes]] = field(default_factory=list)  # (arrival, 16-bit PCM)
    invites: list[Request] = field(default_factory=list)
    byes: int = 0
    remote_rtp: tuple[str, int] | None = None
    payload_type: int = 0  # PCMU for the phones; the caller offers PCMA (8)
    talking: bool = False
    dialog: dict[str, str] = field(default_factory=dict)  # Call-ID, From and To as we send them, target
    cseq: int = 1
    closed: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    dtmf: bool = False  # offer telephone-event (RFC 4733) and keep the events heard
    events: list[RtpPacket] = field(default_factory=list)  # telephone-event packets heard
    keys: deque["Press"] = field(default_factory=deque)  # presses to send, the first one under way

    def __post_init__(self) -> None:
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind((HOST, 0))
        self.rtp.bind((HOST, 0))
        self.sip.settimeout(5)
        self.rtp.settimeout(0.1)

    @property
    def port(self) -> int:
        return int(self.sip.getsockname()[1])

    @property
    def contact(self) -> str:
        return f"<sip:{self.user}@{HOST}:{self.port}>"

    def _request(self, method: str, uri: str, *, call_id: str, from_: str, to: str) -> Request:
        self.cseq += 1
        request = Request(method=method, uri=uri)
        request.headers.add(
            "Via", f"SIP/2.0/UDP {HOST}:{self.port};branch=z9hG4bK{secrets.token_hex(6)};rport"
        )
        request.headers.add("Max-Forwards", "70")
        request.headers.add("From", from_)
        request.headers.add("To", to)
        request.headers.add("Call-ID", call_id)
        number = self.dialog.get("invite_cseq", "1") if method == "ACK" else self.cseq  # RFC 3261 §13.2.2.4
        request.headers.add("CSeq", f"{number} {method}")
        request.headers.add("Contact", self.contact)
        return request

    def _in_dialog(self, method: str) -> Request:
        dialog = self.dialog
        return self._request(
            method, dialog["target"], call_id=dialog["call_id"], from_=dialog["from"], to=dialog["to"]
        )

    def _send(self, message: Request | Response) -> None:
        self.sip.sendto(message.to_bytes(), (HOST, self.server_port))

    def _final(self) -> Response:
        """The next final response (provisional ones skipped)."""
        while True:
            message = parse_datagram(self.sip.recv(65535))
            if isinstance(message, Response) and message.status >= 200:
                return message

    def register(self, password: str) -> None:
        """REGISTER, answering the digest challenge (RFC 3261 §22), then serve calls."""
        uri, aor = f"sip:{HOST}:{self.server_port}", f"<sip:{self.user}@{HOST}:{self.server_port}>"
        call_id, tag, authorization_value = f"reg-{secrets.token_hex(6)}", secrets.token_hex(4), None
        for _ in range(2):
            request = self._request("REGISTER", uri, call_id=call_id, from_=f"{aor};tag={tag}", to=aor)
            request.headers.add("Expires", "60")
            if authorization_value is not None:
                request.headers.add("Authorization", authorization_value)
            self._send(request)
            answer = self._final()
            if answer.status == 401:
                authorization_value = authorization(
                    answer.headers.values("WWW-Authenticate"), "REGISTER", uri, self.user, password,
                    cnonce=secrets.token_hex(4),
                )  # fmt: skip
        assert answer.status == 200, answer.status
        self._serve()

    def dial(self, number: str) -> None:
        """Call ``number`` (PCMA offered), ACK the answer, then talk."""
        uri, call_id = f"sip:{number}@{HOST}:{self.server_port}", f"caller-{secrets.token_hex(6)}"
        from_ = f"<sip:{self.user}@{HOST}>;tag={secrets.token_hex(4)}"
        invite = self._request("INVITE", uri, call_id=call_id, from_=from_, to=f"<{uri}>")
        invite.headers.add("Content-Type", "application/sdp")
        self.payload_type, invite.body = 8, self._sdp(8)
        self._send(invite)
        ok = self._final()
        assert ok.status == 200, ok.status
        contact = (ok.contacts() or [])[0].uri
        self.dialog = {
            "call_id": call_id, "from": from_, "to": ok.headers.get("To") or "", "target": str(contact),
            "invite_cseq": str(invite.cseq().number),
        }  # fmt: skip
        self._send(self._in_dialog("ACK"))
        self._media(ok.body)
        self._serve()

    def hang_up(self) -> None:
        """BYE in the current call, whichever side placed it."""
        self.talking = False
        self._send(self._in_dialog("BYE"))

    def _answer(self, invite: Request) -> None:
        """200 OK with PCMU at once, as a phone set to answer automatically."""
        self.invites.append(invite)
        ok = make_response(invite, 200, to_tag="phone")
        ok.headers.add("Contact", self.contact)
        ok.headers.add("Content-Type", "application/sdp")
        ok.body = self._sdp(0)
        contact = (invite.contacts() or [])[0].uri
        self.dialog = {
            "call_id": invite.call_id, "from": ok.headers.get("To") or "",
            "to": invite.headers.get("From") or "", "target": str(contact),
        }  # fmt: skip
        self._send(ok)
        self._media(invite.body)

    def _sdp(self, payload_type: int) -> bytes:
        port = self.rtp.getsockname()[1]
        formats, events = f"{payload_type}", ""
        if self.dtmf:
            formats += f" {TELEPHONE_EVENT}"
            events = f"a=rtpmap:{TELEPHONE_EVENT} telephone-event/8000\r\na=fmtp:{TELEPHONE_EVENT} 0-16\r\n"
        return (
            f"v=0\r\no=- 1 1 IN IP4 {HOST}\r\ns=-\r\nc=IN IP4 {HOST}\r\nt=0 0\r\n"
            f"m=audio {port} RTP/AVP {formats}\r\n{events}"
        ).encode()

    def _media(self, sdp: bytes) -> None:
        port = re.search(rb"m=audio (\d+)", sdp)
        assert port is not None, sdp
        self.remote_rtp, self.talking = (HOST, int(port.group(1))), True

    def _serve(self) -> None:
        self.threads = [
            threading.Thread(target=loop, daemon=True)
            for loop in (self._signalling, self._listen, self._speak)
        ]
        for thread in self.threads:
            thread.start()

    def _signalling(self) -> None:
        """Answer INVITEs, BYEs and the rest with 200; ACK a retransmitted 2xx of our own INVITE."""
        self.sip.settimeout(0.1)
        while not self.closed.is_set():
            try:
                message = parse_datagram(self.sip.recv(65535))
            except (TimeoutError, OSError):
                continue
            if isinstance(message, Response):
                if message.status == 200 and message.cseq().method == "INVITE":
                    self._send(self._in_dialog("ACK"))
            elif message.method == "INVITE":
                self._answer(message)
            elif message.method == "BYE":
                self.byes += 1
                self.talking = False
                self._send(make_response(message, 200))
            elif message.method != "ACK":
                self._send(make_response(message, 200))

    def _listen(self) -> None:
        while not self.closed.is_set():
            try:
                data = self.rtp.recv(2048)
            except (TimeoutError, OSError):
                continue
            packet = parse_rtp(data)
            decode = {0: ulaw_decode, 8: alaw_decode}.get(packet.payload_type)
            if decode is not None:
                self.heard.append((time.monotonic(), decode(packet.payload)))
            elif packet.payload_type == TELEPHONE_EVENT:
                self.events.append(packet)

    def _speak(self) -> None:
        """One packet every 20 ms on an absolute schedule, as a sound card would, while in a call;
        a key being pressed adds one telephone-event packet a tick, in the same stream."""
        encode = alaw_encode if self.payload_type == 8 else ulaw_encode
        payload, start, n, sequence = encode(tone_frame(self.frequency)), time.monotonic(), 0, 0
        while not self.closed.is_set():
            if self.talking and self.remote_rtp is not None:
                packets = [(self.payload_type, payload, False, 160 * n)]
                if self.keys:
                    press = self.keys[0]
                    press.start = 160 * n if press.start is None else press.start  # the key goes down
                    event, marker = press.packets.pop(0)
                    packets.append((TELEPHONE_EVENT, event, marker, press.start))
                    if not press.packets:
                        self.keys.popleft()
                for payload_type, data, marker, stamp in packets:
                    packet = RtpPacket(
                        payload_type, sequence & 0xFFFF, stamp, id(self) & 0xFFFFFFFF, data, marker
                    )
                    self.rtp.sendto(build_rtp(packet), self.remote_rtp)
                    sequence += 1
            n += 1
            time.sleep(max(0.0, start + n * 0.02 - time.monotonic()))

    def press(self, digit: str, duration: int = 800) -> None:
        """Press ``digit`` (RFC 4733) in the call, ``duration`` in timestamp units."""
        self.keys.append(Press([(p.payload, p.marker) for p in digit_packets(digit, duration)]))

    def pressed(self) -> list[tuple[str, int]]:
        """The key presses heard, with their durations, each once."""
        receiver = DtmfReceiver()
        return [
            (press.digit, press.duration)
            for packet in list(self.events)
            for press in receiver.on_packet(packet.timestamp, packet.payload)
        ]

    def info(self, digit: str) -> None:
        """Send ``digit`` as SIP INFO ``application/dtmf-relay`` in the current call."""
        request = self._in_dialog("INFO")
        request.headers.add("Content-Type", "application/dtmf-relay")
        request.body = f"Signal={digit}\r\nDuration=160\r\n".encode()
        self._send(request)

    def tones(self, since: float, until: float) -> dict[int, float]:
        """The mean amplitude of each peer's tone in what was heard between ``since`` and ``until``."""
        frames = [pcm for at, pcm in self.heard if since <= at < until and len(pcm) == 320]
        assert len(frames) >= 10, f"{self.user} heard {len(frames)} packets"
        return levels(frames)

    def close(self) -> None:
        """Stop the loops, then close their sockets (a loop never sends on a closed socket)."""
        self.closed.set()
        for thread in self.threads:
            thread.join(timeout=2)
        self.sip.close()
        self.rtp.close()


def levels(frames: list[bytes]) -> dict[int, float]:
    """The mean amplitude of each peer's tone in ``frames`` (20 ms of 16-bit PCM each)."""
    return {
        hz: fmean(goertzel(pcm, hz) for pcm in frames)
        for hz in (CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ, ADMIN_HZ)
    }


def listened(peers: dict[str, TonePeer], seconds: float = 0.8) -> dict[str, dict[int, float]]:
    """What each peer hears over the next ``seconds`` (after a moment for the mix to settle)."""
    time.sleep(0.3)
    since = time.monotonic()
    time.sleep(seconds)
    until = time.monotonic()
    return {who: peer.tones(since, until) for who, peer in peers.items()}


def hears(levels: dict[int, float], *, present: tuple[int, ...], absent: tuple[int, ...]) -> bool:
    return all(levels[hz] >= HEARD for hz in present) and all(levels[hz] <= UNHEARD for hz in absent)


@pytest.fixture
def peers(live_sip: LiveSip) -> Iterator[dict[str, TonePeer]]:
    made = {
        "caller": TonePeer(live_sip.port, CALLER_HZ, "0612345678"),
        "agent": TonePeer(live_sip.port, AGENT_HZ, "1001"),
        "supervisor": TonePeer(live_sip.port, SUPERVISOR_HZ, SUPERVISOR_EXTENSION),
    }
    yield made
    for peer in made.values():
        peer.close()


def give_extension(
    sessions: sessionmaker[Session],
    email: str,
    extension: str = SUPERVISOR_EXTENSION,
    password: str = SUPERVISOR_SIP_PASSWORD,
) -> None:
    """The demo user ``email`` gets an agent extension, 1900 by default (no skills: never offered a call)."""
    with sessions.begin() as session:
        tenant = Platform(session).tenant_by_slug("demo")
        assert tenant is not None
        scope = TenantScope(session, tenant.id)
        user = scope.users.by_email(email)
        assert user is not None
        agent = scope.agents.add(Agent(user_id=user.id, extension=extension))
        scope.agents.set_sip_password(agent, password)


def talking_call(live: LiveSip, timeout: float = 15) -> str:
    """The id of the one call, once it is in conversation."""

    def found() -> str | None:
        calls = [c for c in live.endpoint.calls.calls.values() if c.state == "talking"]
        return calls[0].id if len(calls) == 1 else None

    assert wait_for(lambda: live.call(found), timeout), "the call never reached the agent"
    call_id = live.call(found)
    assert isinstance(call_id, str)
    return call_id


def floor_state(live: LiveSip, extension: str) -> tuple[AgentState, str | None]:
    record = live.call(lambda: live.endpoint.floor(1).floor.acd.agents[extension])
    return record.state, record.reason  # type: ignore[attr-defined]


@dataclass
class Desk:
    """The API as the demo's people use it, on one call."""

    api: TestClient
    logins: dict[str, dict[str, str]]
    call_id: str = ""

    def monitor(self, who: str, path: str = "", mode: str | None = "listen") -> tuple[int, str]:
        """POST …/monitor{path}: the status and the error id (or the monitor's state)."""
        body = {"mode": mode} if mode else None
        response = self.api.post(
            f"/api/calls/{self.call_id}/monitor{path}", json=body, headers=self.logins[who]
        )
        if response.status_code == 200:
            return 200, response.json()["state"]
        if response.status_code == 409:
            assert set(response.json()["message"]) == {"fr", "en"}
        return response.status_code, response.json().get("error_id", "")

    def command(self, who: str, command: str, body: dict[str, str] | None = None) -> None:
        """One of the agent's commands on the call (hold, transfer…)."""
        self.api.post(
            f"/api/calls/{self.call_id}/{command}", json=body, headers=self.logins[who]
        ).raise_for_status()


@pytest.fixture
def desk(api: TestClient, platform: Platform2, sessions: sessionmaker[Session]) -> Desk:
    """The demo's supervisor (given extension 1900), admin and agent 1001, and acme's supervisor."""
    give_extension(sessions, "superviseur@demo.example")
    people = [
        ("supervisor", "superviseur@demo.example"), ("admin", "admin@demo.example"),
        ("agent", "agent1001@demo.example"), ("acme", "sup@acme.example"),
    ]  # fmt: skip
    return Desk(api, {who: bearer(api, email, platform.secrets[email]) for who, email in people})


def test_the_supervisor_listens_whispers_and_barges_in(
    desk: Desk, live_sip: LiveSip, sessions: sessionmaker[Session], peers: dict[str, TonePeer]
) -> None:
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    agent.register(live_sip.passwords["1001"])
    phone.register(SUPERVISOR_SIP_PASSWORD)  # logs 1900 in, ready (with no skill: no call for it)
    caller.dial("3900")  # the welcome, then the queue accueil: agent 1001
    desk.call_id = talking_call(live_sip)

    assert desk.monitor("supervisor", mode="listen")[0] == 200
    assert wait_for(lambda: phone.talking, 5), "the supervisor's phone was not called"
    assert phone.invites[0].headers.get("Answer-Mode") == "Auto"
    assert floor_state(live_sip, SUPERVISOR_EXTENSION) == (AgentState.PAUSED, MONITORING)
    heard = listened(peers)
    assert hears(heard["supervisor"], present=(CALLER_HZ, AGENT_HZ), absent=(SUPERVISOR_HZ,)), heard
    assert hears(heard["caller"], present=(AGENT_HZ,), absent=(SUPERVISOR_HZ, CALLER_HZ)), heard
    assert hears(heard["agent"], present=(CALLER_HZ,), absent=(SUPERVISOR_HZ, AGENT_HZ)), heard

    assert desk.monitor("supervisor", "/mode", "whisper") == (200, "connected")
    heard = listened(peers)
    assert hears(heard["agent"], present=(CALLER_HZ, SUPERVISOR_HZ), absent=()), heard
    assert hears(heard["caller"], present=(AGENT_HZ,), absent=(SUPERVISOR_HZ,)), heard

    assert desk.monitor("supervisor", "/mode", "barge") == (200, "connected")
    heard = listened(peers)
    assert hears(heard["caller"], present=(AGENT_HZ, SUPERVISOR_HZ), absent=()), heard
    assert hears(heard["agent"], present=(CALLER_HZ, SUPERVISOR_HZ), absent=()), heard

    assert desk.monitor("supervisor", "/stop", None) == (200, "ended")
    assert wait_for(lambda: phone.byes == 1, 5), "no BYE to the supervisor"
    assert floor_state(live_sip, SUPERVISOR_EXTENSION) == (AgentState.READY, None)
    heard = listened({"caller": caller, "agent": agent}, 0.5)  # the caller and the agent bridged again
    assert hears(heard["caller"], present=(AGENT_HZ,), absent=(SUPERVISOR_HZ,)), heard
    assert hears(heard["agent"], present=(CALLER_HZ,), absent=(SUPERVISOR_HZ,)), heard

    assert desk.monitor("supervisor")[0] == 200  # again
    assert wait_for(lambda: phone.talking, 5)
    caller.hang_up()  # the call ends: so does the monitor
    assert wait_for(lambda: phone.byes == 2 and agent.byes == 1, 5), (phone.byes, agent.byes)
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.monitors.by_call), 5)
    with sessions() as session:
        audited = session.scalars(
            select(AuditLog).where(AuditLog.action.like("call.monitor%")).order_by(AuditLog.id)
        ).all()
    assert [(a.action, a.actor_email, a.target, a.details["mode"]) for a in audited] == [
        ("call.monitor", "superviseur@demo.example", desk.call_id, "listen"),
        ("call.monitor_mode", "superviseur@demo.example", desk.call_id, "whisper"),
        ("call.monitor_mode", "superviseur@demo.example", desk.call_id, "barge"),
        ("call.monitor_stop", "superviseur@demo.example", desk.call_id, "barge"),
        ("call.monitor", "superviseur@demo.example", desk.call_id, "listen"),
    ]


def test_who_may_monitor_which_call(desk: Desk, live_sip: LiveSip, peers: dict[str, TonePeer]) -> None:
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    caller.dial("3900")  # no agent logged in: the call waits in the queue

    def waiting() -> str | None:
        calls = list(live_sip.endpoint.calls.calls.values())
        return calls[0].id if len(calls) == 1 and calls[0].state == "queued" else None

    assert wait_for(lambda: live_sip.call(waiting), 10)
    desk.call_id = str(live_sip.call(waiting))
    assert desk.monitor("supervisor") == (409, "not_talking")
    agent.register(live_sip.passwords["1001"])
    assert talking_call(live_sip) == desk.call_id

    assert desk.monitor("acme") == (404, "not_found")  # another tenant's call
    assert desk.monitor("agent") == (403, "forbidden")
    assert desk.monitor("admin") == (409, "no_extension")
    assert desk.monitor("supervisor") == (409, "no_phone")
    assert desk.monitor("supervisor", "/mode") == (409, "not_monitored")
    assert desk.monitor("supervisor", "/stop", None) == (409, "not_monitored")
    assert desk.monitor("supervisor", mode="eavesdrop")[0] == 422

    phone.register(SUPERVISOR_SIP_PASSWORD)
    assert desk.monitor("supervisor")[0] == 200
    assert wait_for(lambda: phone.talking, 5)
    assert desk.monitor("supervisor") == (409, "already_monitored")
    assert desk.monitor("admin", "/mode", "barge") == (409, "not_your_monitor")
    listing = desk.api.get("/api/calls/monitoring", headers=desk.logins["supervisor"]).json()
    assert listing == [
        {
            "call_id": desk.call_id,
            "agent": "1001",
            "monitor": {
                "call_id": desk.call_id, "agent": "1001", "supervisor": SUPERVISOR_EXTENSION,
                "mode": "listen", "state": "connected", "mine": True,
            },
            "monitors": [
                {
                    "call_id": desk.call_id, "agent": "1001", "supervisor": SUPERVISOR_EXTENSION,
                    "mode": "listen", "state": "connected", "mine": True,
                }
            ],
        }
    ]  # fmt: skip
    assert desk.api.get("/api/calls/monitoring", headers=desk.logins["acme"]).json() == []
    assert desk.api.get("/api/calls/monitoring", headers=desk.logins["agent"]).status_code == 403
    assert desk.monitor("admin", "/stop", None) == (200, "ended")  # an admin may end anyone's
    assert wait_for(lambda: phone.byes == 1, 5)
    caller.hang_up()


def test_monitoring_ends_with_the_conversation(
    desk: Desk, live_sip: LiveSip, peers: dict[str, TonePeer]
) -> None:
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    agent.register(live_sip.passwords["1001"])
    phone.register(SUPERVISOR_SIP_PASSWORD)
    caller.dial("3900")
    desk.call_id = talking_call(live_sip)
    monitors = live_sip.endpoint.calls.monitors

    # The agent puts the caller on hold: the conversation monitored is over, and so is the monitor.
    assert desk.monitor("supervisor")[0] == 200
    assert wait_for(lambda: phone.talking, 5)
    desk.command("agent", "hold")
    assert wait_for(lambda: phone.byes == 1, 5), "no BYE to the supervisor on hold"
    assert desk.monitor("supervisor") == (409, "not_talking")
    desk.command("agent", "resume")

    # The supervisor hangs up: the caller and the agent are bridged again.
    assert desk.monitor("supervisor", mode="whisper")[0] == 200
    assert wait_for(lambda: phone.talking, 5)
    phone.hang_up()
    assert wait_for(lambda: live_sip.call(lambda: not monitors.by_call), 5)
    call = live_sip.endpoint.calls.calls[desk.call_id]
    assert live_sip.call(lambda: call.bridge is not None and call.bridge.running)
    heard = listened({"caller": caller}, 0.4)
    assert hears(heard["caller"], present=(AGENT_HZ,), absent=(SUPERVISOR_HZ,)), heard

    # A blind transfer hangs the agent up, and the supervisor with them.
    assert desk.monitor("supervisor", mode="barge")[0] == 200
    assert wait_for(lambda: phone.talking, 5)
    desk.command("agent", "transfer", {"queue": "accueil"})
    assert wait_for(lambda: phone.byes == 2, 5), "no BYE to the supervisor on transfer"
    assert live_sip.call(lambda: not monitors.by_call)
    caller.hang_up()


def record_calls(live: LiveSip, sessions: sessionmaker[Session], data_dir: Path, mode: str) -> None:
    """The demo's accueil queue records its calls (``mono`` or ``stereo``) under ``data_dir``."""
    with sessions.begin() as session:
        session.execute(update(Queue).where(Queue.name == "accueil").values(recording=mode))
    store = RecordingStore(sessions, data_dir)
    live.call(lambda: setattr(live.endpoint.calls, "recordings", store))


def frames_written(live: LiveSip, call: Call) -> int:
    """How many 20 ms frames the call's recording has written so far."""
    frames = live.call(lambda: call.recorder.frames if call.recorder is not None else -1)
    assert isinstance(frames, int) and frames >= 0, "the call is not being recorded"
    return frames


def spell(live: LiveSip, call: Call, seconds: float = 0.8) -> tuple[int, int]:
    """The frames the recording writes over the next ``seconds``, after a moment for the change to settle."""
    time.sleep(0.4)
    start = frames_written(live, call)
    time.sleep(seconds)
    return start, frames_written(live, call)


def recorded(
    live: LiveSip, sessions: sessionmaker[Session], data_dir: Path, call_id: str
) -> tuple[Recording, bytes]:
    """The call's one recording: its row and its samples, once the call has ended and its row is saved."""
    assert wait_for(lambda: live.call(lambda: not live.endpoint.calls.calls), 5)
    live.committed()
    with sessions() as session:
        row = session.scalars(select(Recording).where(Recording.interaction_id == call_id)).one()
        session.expunge(row)
    with wave.open(str(data_dir / row.path)) as wav:
        return row, wav.readframes(wav.getnframes())


def channel_frames(pcm: bytes, span: tuple[int, int], channels: int = 1, which: int = 0) -> list[bytes]:
    """One channel's 20 ms frames (16-bit PCM) in the frames ``span`` of a recording."""
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)[which::channels]
    return [struct.pack("<160h", *samples[160 * n : 160 * (n + 1)]) for n in range(*span)]


def test_a_barging_supervisor_is_recorded_a_listening_or_whispering_one_is_not(
    desk: Desk, live_sip: LiveSip, sessions: sessionmaker[Session], peers: dict[str, TonePeer], tmp_path: Path
) -> None:
    record_calls(live_sip, sessions, tmp_path / "data", "mono")
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    agent.register(live_sip.passwords["1001"])
    phone.register(SUPERVISOR_SIP_PASSWORD)
    caller.dial("3900")  # the welcome, the recording notice, then agent 1001
    desk.call_id = talking_call(live_sip, 40)
    call = live_sip.endpoint.calls.calls[desk.call_id]

    spans: dict[str, tuple[int, int]] = {}
    assert desk.monitor("supervisor", mode="listen")[0] == 200
    assert wait_for(lambda: phone.talking, 5)
    spans["listen"] = spell(live_sip, call)
    assert desk.monitor("supervisor", "/mode", "whisper")[0] == 200
    spans["whisper"] = spell(live_sip, call)
    assert desk.monitor("supervisor", "/mode", "barge")[0] == 200
    spans["barge"] = spell(live_sip, call)
    desk.command("agent", "recording/pause")  # a card number: the supervisor is left out too
    spans["paused"] = spell(live_sip, call)
    desk.command("agent", "recording/resume")
    spans["resumed"] = spell(live_sip, call)
    assert desk.monitor("supervisor", "/stop", None) == (200, "ended")
    spans["stopped"] = spell(live_sip, call)
    caller.hang_up()

    row, pcm = recorded(live_sip, sessions, tmp_path / "data", desk.call_id)
    assert (row.interaction_id, row.stereo, len(row.pauses)) == (desk.call_id, False, 1)
    heard = {name: levels(channel_frames(pcm, span)) for name, span in spans.items()}
    both, supervisor = (CALLER_HZ, AGENT_HZ), (SUPERVISOR_HZ,)
    for name in ("listen", "whisper", "stopped"):
        assert hears(heard[name], present=both, absent=supervisor), (name, heard)
    for name in ("barge", "resumed"):
        assert hears(heard[name], present=(*both, *supervisor), absent=()), (name, heard)
    assert hears(heard["paused"], present=(), absent=(*both, *supervisor)), heard


def test_a_stereo_recording_keeps_a_whisper_on_the_agent_s_side(
    desk: Desk, live_sip: LiveSip, sessions: sessionmaker[Session], peers: dict[str, TonePeer], tmp_path: Path
) -> None:
    record_calls(live_sip, sessions, tmp_path / "data", "stereo")
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    agent.register(live_sip.passwords["1001"])
    phone.register(SUPERVISOR_SIP_PASSWORD)
    caller.dial("3900")
    desk.call_id = talking_call(live_sip, 40)
    call = live_sip.endpoint.calls.calls[desk.call_id]

    spans: dict[str, tuple[int, int]] = {}
    for mode in ("listen", "whisper", "barge"):
        path = "" if mode == "listen" else "/mode"
        assert desk.monitor("supervisor", path, mode)[0] == 200
        assert wait_for(lambda: phone.talking, 5)
        spans[mode] = spell(live_sip, call)
    caller.hang_up()

    row, pcm = recorded(live_sip, sessions, tmp_path / "data", desk.call_id)
    assert row.stereo
    for mode, span in spans.items():
        left, right = (levels(channel_frames(pcm, span, 2, which)) for which in (0, 1))
        assert hears(left, present=(CALLER_HZ,), absent=(AGENT_HZ, SUPERVISOR_HZ)), (mode, left)
        if mode == "listen":
            assert hears(right, present=(AGENT_HZ,), absent=(CALLER_HZ, SUPERVISOR_HZ)), (mode, right)
        else:  # whispered to the agent or barging in: on our side of the call
            assert hears(right, present=(AGENT_HZ, SUPERVISOR_HZ), absent=(CALLER_HZ,)), (mode, right)


def test_digits_go_between_the_caller_and_the_agent_while_monitored(
    desk: Desk, live_sip: LiveSip, peers: dict[str, TonePeer]
) -> None:
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    for peer in peers.values():
        peer.dtmf = True  # telephone-event offered and answered
    agent.register(live_sip.passwords["1001"])
    phone.register(SUPERVISOR_SIP_PASSWORD)
    caller.dial("3900")
    desk.call_id = talking_call(live_sip)
    call = live_sip.endpoint.calls.calls[desk.call_id]
    monitors = live_sip.endpoint.calls.monitors

    caller.press("1")  # bridged: the key press as it came
    assert wait_for(lambda: agent.pressed() == [("1", 800)], 5), agent.pressed()

    assert desk.monitor("supervisor", mode="barge")[0] == 200
    assert wait_for(lambda: live_sip.call(lambda: all(m.connected for m in monitors.of(call))), 5)
    caller.press("5", 1600)
    assert wait_for(lambda: agent.pressed() == [("1", 800), ("5", 1600)], 5), agent.pressed()
    agent.press("#")
    assert wait_for(lambda: caller.pressed() == [("#", 800)], 5), caller.pressed()
    phone.press("9")  # the supervisor's keys reach nobody
    caller.info("7")  # SIP INFO: the floor's, monitored or not
    time.sleep(0.6)
    assert phone.pressed() == []
    assert caller.pressed() == [("#", 800)]
    assert agent.pressed() == [("1", 800), ("5", 1600)]
    assert live_sip.call(lambda: list(call.digits)) == ["1", "5", "7"]  # the caller's keys, as ever

    assert desk.monitor("supervisor", "/stop", None) == (200, "ended")
    caller.press("2")  # bridged again
    assert wait_for(lambda: agent.pressed()[-1:] == [("2", 800)], 5), agent.pressed()
    caller.hang_up()


def test_two_supervisors_monitor_one_call_each_in_their_mode(
    desk: Desk, live_sip: LiveSip, sessions: sessionmaker[Session], peers: dict[str, TonePeer]
) -> None:
    give_extension(sessions, "admin@demo.example", ADMIN_EXTENSION, ADMIN_SIP_PASSWORD)
    caller, agent, phone = peers["caller"], peers["agent"], peers["supervisor"]
    second = peers["admin"] = TonePeer(live_sip.port, ADMIN_HZ, ADMIN_EXTENSION)  # closed by the fixture
    agent.register(live_sip.passwords["1001"])
    phone.register(SUPERVISOR_SIP_PASSWORD)
    second.register(ADMIN_SIP_PASSWORD)
    caller.dial("3900")
    desk.call_id = talking_call(live_sip)
    call = live_sip.endpoint.calls.calls[desk.call_id]
    monitors = live_sip.endpoint.calls.monitors

    assert desk.monitor("supervisor", mode="listen")[0] == 200
    assert desk.monitor("admin", mode="barge")[0] == 200  # a second monitor on the call
    assert wait_for(lambda: phone.talking and second.talking, 5)
    assert wait_for(lambda: live_sip.call(lambda: all(m.connected for m in monitors.of(call))), 5)
    heard = listened(peers)
    assert hears(heard["caller"], present=(AGENT_HZ, ADMIN_HZ), absent=(SUPERVISOR_HZ,)), heard
    assert hears(heard["agent"], present=(CALLER_HZ, ADMIN_HZ), absent=(SUPERVISOR_HZ,)), heard
    assert hears(heard["supervisor"], present=(CALLER_HZ, AGENT_HZ, ADMIN_HZ), absent=(SUPERVISOR_HZ,)), heard
    assert hears(heard["admin"], present=(CALLER_HZ, AGENT_HZ), absent=(SUPERVISOR_HZ, ADMIN_HZ)), heard

    assert desk.monitor("supervisor", "/mode", "whisper")[0] == 200  # the supervisor's own, not the admin's
    heard = listened(peers)
    assert hears(heard["caller"], present=(AGENT_HZ, ADMIN_HZ), absent=(SUPERVISOR_HZ,)), heard
    assert hears(heard["agent"], present=(CALLER_HZ, SUPERVISOR_HZ, ADMIN_HZ), absent=()), heard
    assert hears(heard["admin"], present=(CALLER_HZ, AGENT_HZ, SUPERVISOR_HZ), absent=()), (
        heard
    )  # as the agent

    listing = desk.api.get("/api/calls/monitoring", headers=desk.logins["admin"]).json()
    assert [(m["supervisor"], m["mode"], m["mine"]) for m in listing[0]["monitors"]] == [
        (SUPERVISOR_EXTENSION, "whisper", False), (ADMIN_EXTENSION, "barge", True),
    ]  # fmt: skip
    assert listing[0]["monitor"]["supervisor"] == ADMIN_EXTENSION  # one's own first
    with pytest.raises(CallControlError, match="Several"):
        live_sip.call(lambda: monitors.monitor(call))  # whose? it does not guess

    stop = f"/api/calls/{desk.call_id}/monitor/stop"
    answer = desk.api.post(stop, json={"supervisor": "1234"}, headers=desk.logins["admin"])
    assert (answer.status_code, answer.json()["error_id"]) == (409, "no_such_monitor")
    answer = desk.api.post(stop, headers=desk.logins["admin"])  # one's own, by default
    assert (answer.status_code, answer.json()["supervisor"], answer.json()["state"]) == (
        200,
        ADMIN_EXTENSION,
        "ended",
    )
    assert wait_for(lambda: second.byes == 1, 5)
    assert phone.byes == 0  # the supervisor goes on whispering
    heard = listened({"caller": caller, "agent": agent, "supervisor": phone})
    assert hears(heard["caller"], present=(AGENT_HZ,), absent=(SUPERVISOR_HZ, ADMIN_HZ)), heard
    assert hears(heard["agent"], present=(CALLER_HZ, SUPERVISOR_HZ), absent=(ADMIN_HZ,)), heard
    assert hears(heard["supervisor"], present=(CALLER_HZ, AGENT_HZ), absent=(ADMIN_HZ,)), heard

    answer = desk.api.post(stop, json={"supervisor": SUPERVISOR_EXTENSION}, headers=desk.logins["admin"])
    assert (answer.status_code, answer.json()["supervisor"]) == (200, SUPERVISOR_EXTENSION)
    assert wait_for(lambda: phone.byes == 1, 5)
    assert live_sip.call(lambda: not monitors.by_call and call.bridge is not None and call.bridge.running)
    heard = listened({"caller": caller, "agent": agent}, 0.5)
    assert hears(heard["caller"], present=(AGENT_HZ,), absent=(SUPERVISOR_HZ, ADMIN_HZ)), heard
    caller.hang_up()
