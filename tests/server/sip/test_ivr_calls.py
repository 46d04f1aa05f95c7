"""The demo's numéro vert end to end: sipp callers pressing keys (RFC 4733), baresip agents.

Each menu branch reaches its queue; on 25 December, 14 July and at night the closed path runs
(the journeys' clock set to that day) and a message left becomes a ticket with its WAV, e-mailed
to the queue's team (a real SMTP server, aiosmtpd); a caller who accepts the callback offer
leaves the queue keeping their place and is called back through the trunk once an agent is
free; after the agent hangs up, a ventes caller answers the post-call survey.
"""

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.center.transfer import ImportReport
from callfloor.channels.mail import SmtpConfig
from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.ticket_files import AttachmentStore
from callfloor.crm.voicemail import VoicemailBox
from callfloor.settings import Settings
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import InteractionEvent
from callfloor.storage.scope import TenantScope
from callfloor.storage.surveys import SurveyAnswer
from callfloor.storage.tickets import Ticket, TicketAttachment
from tests.backends import ON_SQLITE
from tests.channels.smtp import Inbox, smtp_server
from tests.server.conftest import LiveSip
from tests.server.sip.keyed_caller import KeyedCaller
from tests.server.sip.phones import Floor
from tests.server.sip.test_callbacks import _customer
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_outbound import _errors
from tests.tenants import bearer

pytestmark = ON_SQLITE  # signalling and media: SQLite only, see tests.backends


def demo_password(demo: ImportReport, email: str) -> str:
    """The login secret the demo import gave ``email``."""
    return next(s.secret for s in demo.secrets if s.kind == "login" and s.who == email)


NUMERO_VERT = "0800100100"
PARIS = ZoneInfo("Europe/Paris")
#: The demo tenant's default hours: Monday to Friday 09:00-18:00, closed on French public holidays.
WORKING_WEEK: dict[str, object] = {
    "timezone": "Europe/Paris",
    "country": "FR",
    "holidays_close": True,
    "weekly": {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
}
LANGUAGE_THEN = ("wait:3.5", "1", "wait:2.5")  # French, pressed during the welcome (type-ahead)


@dataclass
class Box:
    """The voicemail box of the live server, and the SMTP server its mails go to."""

    inbox: Inbox
    data_dir: Path


@pytest.fixture
def box(live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Box]:
    with smtp_server() as inbox:
        journeys = live_sip.endpoint.calls.journeys
        smtp = SmtpConfig("127.0.0.1", inbox.port, "svi@demo.example", starttls=False)
        journeys.voicemail = VoicemailBox(sessions, AttachmentStore(tmp_path / "data"), smtp)
        journeys.messages_dir = tmp_path / "messages"
        yield Box(inbox, tmp_path / "data")


def _run(live: LiveSip, caller: KeyedCaller, tmp_path: Path, seconds: float = 90) -> list[list[str]]:
    """Run one keyed caller to its end; the trails its calls walked."""
    process = caller.start(live.port, NUMERO_VERT, tmp_path)
    trails: dict[str, list[str]] = {}

    def sample() -> None:
        for call in live.endpoint.calls.calls.values():
            if call.journey is not None and not call.journey.surveyed:
                trails[call.id] = list(call.ivr.trail)

    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        live.call(sample)
        time.sleep(0.2)
    assert process.wait(timeout=10) == 0, _errors(tmp_path)
    return list(trails.values())


@dataclass(frozen=True)
class Entry:
    """A log entry as the tests read it."""

    type: str
    interaction_id: str | None
    queue: str | None
    agent: str | None
    reason: str | None


def _entries(sessions: sessionmaker[Session]) -> list[Entry]:
    with sessions() as session:
        rows = session.scalars(
            select(InteractionEvent)
            .where(InteractionEvent.interaction_id.is_not(None))
            .order_by(InteractionEvent.id)
        ).all()
        return [
            Entry(
                e.type,
                e.interaction_id,
                e.payload.get("queue"),
                e.payload.get("agent"),
                e.payload.get("reason"),
            )
            for e in rows
        ]


def test_each_menu_branch_reaches_its_queue(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    keys = {"1": "ventes", "2": "sav", "3": "reclamations", "0": "accueil"}
    processes: list[subprocess.Popen[bytes]] = []
    for i, key in enumerate(keys):
        workdir = tmp_path / f"caller{i}"
        workdir.mkdir()
        caller = KeyedCaller((*LANGUAGE_THEN, key, "wait:5"), caller=f"061234567{i}")
        processes.append(caller.start(live_sip.port, NUMERO_VERT, workdir))
    for i, process in enumerate(processes):
        assert process.wait(timeout=60) == 0, _errors(tmp_path / f"caller{i}")
    live_sip.committed()
    enqueued = {e.queue for e in _entries(sessions) if e.type == "enqueued"}
    assert enqueued == set(keys.values())
    abandoned = [e for e in _entries(sessions) if e.type == "abandoned"]
    assert len(abandoned) == 4  # each hung up while waiting: nobody is staffed


@pytest.mark.parametrize(
    ("when", "path"),
    [
        (datetime(2026, 12, 25, 10, 0, tzinfo=PARIS), "ferie"),  # Noël
        (datetime(2026, 7, 14, 10, 0, tzinfo=PARIS), "ferie"),  # fête nationale
        (datetime(2026, 12, 8, 20, 0, tzinfo=PARIS), "ferme"),  # a Tuesday evening
    ],
)
def test_outside_opening_hours_the_closed_path_runs_and_takes_a_message(
    live_sip: LiveSip, box: Box, sessions: sessionmaker[Session], tmp_path: Path, when: datetime, path: str
) -> None:
    live_sip.opening_hours(WORKING_WEEK)
    live_sip.at(when)
    # The welcome, the closed message, the invitation and the beep: about 15 s; then 4 s of speech.
    caller = KeyedCaller(("wait:16", "speak", "wait:4"), caller="0612345678")
    trails = _run(live_sip, caller, tmp_path)
    assert trails == [["bienvenue", "horaires", path, "messagerie"]]
    live_sip.committed()
    ended = [e for e in _entries(sessions) if e.type == "ivr_ended"]
    assert [(e.reason, e.queue) for e in ended] == [("voicemail", None)]
    assert box.inbox.arrived.wait(15), "no e-mail to the team"
    mail = box.inbox.messages[0]
    assert box.inbox.recipients[0] == ["accueil@demo.example"]
    wav = [part for part in mail.iter_attachments() if part.get_content_type() == "audio/wav"]
    assert len(wav) == 1
    with sessions() as session:
        ticket = session.scalars(select(Ticket)).one()
        attachment = session.scalars(select(TicketAttachment)).one()
        assert ticket.interaction_id == ended[0].interaction_id
        assert attachment.size > 8000  # at least half a second of 16-bit 8 kHz audio
        assert wav[0].get_payload(decode=True)[:4] == b"RIFF"
        record = session.scalars(select(Interaction)).one()
        assert (record.outcome, record.outcome_reason) == ("ivr_ended", "voicemail")
        assert record.number == "+33612345678"
    assert not list((tmp_path / "messages").rglob("*.wav"))  # left as a ticket: the server's copy is gone


def _faster_offer(live: LiveSip) -> None:
    """The demo flow with the callback offered 2 s into the wait (60 s in the demo)."""
    sessions = live.endpoint.calls.journeys.sessions
    assert sessions is not None
    with sessions.begin() as session:
        scope = TenantScope(session, 1)
        flow = scope.ivr_flows.by_name("accueil")
        assert flow is not None
        definition = dict(flow.active.definition)
        nodes = {name: dict(node) for name, node in definition["nodes"].items()}
        nodes["sav"]["callback_after_s"] = 2
        scope.ivr_flows.add_version(flow, {**definition, "nodes": nodes})
    live.endpoint.directory.invalidate()


def test_a_caller_who_accepts_the_callback_offer_is_called_back_at_their_turn(
    live_sip: LiveSip, floor: Floor, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _faster_offer(live_sip)
    # sav, then: its queue entry and position (about 7 s), the offer (press 1 during it), the
    # number read back (press 1 to confirm), the confirmation; then our BYE.
    caller = KeyedCaller(
        (*LANGUAGE_THEN, "2", "wait:10", "1", "wait:9", "1"), ends="hung_up", caller="0612345678", wait_s=40
    )
    _run(live_sip, caller, tmp_path)
    live_sip.committed()
    assert [(e.type, e.queue) for e in _entries(sessions)] == [
        ("enqueued", "sav"),
        ("callback_requested", "sav"),
    ]
    customer = _customer(floor, "customer_uas.xml", seconds=3)
    floor.agent("1002")  # sav's: the callback is theirs
    assert customer.wait(timeout=60) == 0, _errors(tmp_path)
    live_sip.committed()
    assert wait_for(lambda: any(e.type == "completed" for e in _entries(sessions)), 10)
    log = [(e.type, e.agent, e.reason) for e in _entries(sessions)]
    assert log[:5] == [
        ("enqueued", None, None),
        ("callback_requested", None, None),
        ("dialed", "1002", None),
        ("answered", "1002", "callback"),
        ("completed", "1002", None),
    ], log
    sent = "".join(p.read_text(errors="replace") for p in tmp_path.glob("customer_*messages.log"))
    assert "INVITE sip:+33612345678@127.0.0.1" in sent  # the number the caller confirmed


def test_after_the_agent_hangs_up_the_caller_answers_the_survey(
    live_sip: LiveSip, floor: Floor, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    floor.agent("1001")  # ventes'
    caller = KeyedCaller((*LANGUAGE_THEN, "1", "wait:9", "4", "wait:2", "1"), ends="hung_up", wait_s=40)
    process = caller.start(live_sip.port, NUMERO_VERT, tmp_path)
    call = floor.until(lambda c: c.bridge is not None, 20)
    time.sleep(1)
    manager = live_sip.endpoint.calls

    def agent_hangs_up() -> None:
        leg = call.agent_leg
        assert leg is not None
        manager._bye(leg)
        manager._hung_up(call, "agent")

    live_sip.call(agent_hangs_up)
    assert process.wait(timeout=60) == 0, _errors(tmp_path)  # the survey said goodbye: our BYE
    live_sip.committed()
    assert wait_for(lambda: _answers(sessions), 10), "no survey answer stored"
    assert _answers(sessions) == [
        ("satisfaction", "satisfaction", 4, "ventes", "1001"),
        ("satisfaction", "resolved", 1, "ventes", "1001"),
    ]
    ended = [e for e in _entries(sessions) if e.type == "ivr_ended"]
    assert [e.reason for e in ended] == [
        "hangup"
    ]  # the survey flow's goodbye (its record ended at completed)


def _answers(sessions: sessionmaker[Session]) -> list[tuple[str, str, int, str | None, str | None]]:
    with sessions() as session:
        rows = session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id)).all()
        return [(a.survey, a.question, a.value, a.queue, a.agent) for a in rows]


@pytest.fixture
def api(settings: Settings, engine: Engine, live_sip: LiveSip) -> Iterator[TestClient]:
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def test_a_known_vip_is_looked_up_and_the_agent_sees_what_the_ivr_learned(
    live_sip: LiveSip, floor: Floor, api: TestClient, demo: ImportReport, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        marie = CustomerFile(session, 1).create_contact(
            {"first_name": "Marie", "last_name": "Curie", "tags": ["VIP"], "customer_number": "C-1867"},
            phones=[PhoneInput("06 12 34 56 78")],
        )
        marie_id = marie.id
        scope = TenantScope(session, 1)
        flow = scope.ivr_flows.by_name("accueil")
        assert flow is not None
        definition = dict(flow.active.definition)
        nodes = {name: dict(node) for name, node in definition["nodes"].items()}
        nodes["bienvenue"]["next"] = "qui"  # the caller looked up before the hours
        nodes["qui"] = {"type": "lookup", "next": "horaires", "vip_priority": 50}
        scope.ivr_flows.add_version(flow, {**definition, "nodes": nodes})
    live_sip.endpoint.directory.invalidate()
    floor.agent("1001")
    caller = KeyedCaller((*LANGUAGE_THEN, "1", "wait:8"), caller="0612345678")
    process = caller.start(live_sip.port, NUMERO_VERT, floor.tmp_path)
    call = floor.until(lambda c: c.state == "talking", 25)
    agent = bearer(api, "agent1001@demo.example", demo_password(demo, "agent1001@demo.example"))
    pop = api.get(f"/api/calls/{call.id}/screen-pop", headers=agent).json()
    assert pop["contact"]["id"] == marie_id
    learned = pop["ivr"]
    assert (learned["caller_known"], learned["vip"], learned["contact_id"]) == (True, True, marie_id)
    assert (learned["called"], learned["language"], learned["contact_customer_number"]) == (
        "0800100100",
        "fr",
        "C-1867",
    )
    assert call.priority == 50  # a VIP goes ahead of the queue
    assert process.wait(timeout=40) == 0, _errors(floor.tmp_path)


def test_a_waiting_caller_who_presses_2_leaves_a_message_for_the_queues_team(
    live_sip: LiveSip, box: Box, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _faster_offer(live_sip)
    # sav, its entry and position, then 2 during the offer: the invitation and the beep (5 s),
    # then 4 s of speech.
    caller = KeyedCaller(
        (*LANGUAGE_THEN, "2", "wait:10", "2", "wait:7", "speak", "wait:4"), caller="0612345678"
    )
    trails = _run(live_sip, caller, tmp_path)
    assert trails[0][-2:] == ["sav", "messagerie_sav"]  # resumed at the queue's voicemail node
    live_sip.committed()
    log = [(e.type, e.queue, e.reason) for e in _entries(sessions)]
    assert log == [
        ("enqueued", "sav", None),
        ("transferred", "sav", "voicemail"),
        ("ivr_ended", "sav", "voicemail"),
    ]
    assert box.inbox.arrived.wait(15), "no e-mail to the team"
    assert box.inbox.recipients[0] == ["sav@demo.example"]
    with sessions() as session:
        record = session.scalars(select(Interaction)).one()
        assert (record.outcome, record.outcome_reason, record.queue) == ("ivr_ended", "voicemail", "sav")
        assert session.scalars(select(Ticket)).one().interaction_id == record.interaction_id
