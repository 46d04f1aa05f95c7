"""Voicemail: the message becomes a ticket with its WAV, the team gets it by e-mail, SMTP down loses nothing."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.channels.mail import SmtpConfig
from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.history import History
from callfloor.crm.ticket_errors import AttachmentSizeError
from callfloor.crm.ticket_files import MAX_SIZE, AttachmentStore
from callfloor.crm.ticket_setup import TicketSetup
from callfloor.crm.voicemail import Deposited, Voicemail, VoicemailBox, duration_text
from callfloor.storage.platform import Platform
from callfloor.storage.tickets import Ticket, TicketCategory, TicketComment
from tests.channels.smtp import Inbox, free_port, smtp_server
from tests.tenants import write_wav

# Thursday 7 May 2026, 16:05 in Paris (CEST).
AT = datetime(2026, 5, 7, 14, 5, tzinfo=UTC)


@dataclass
class Center:
    """Tenant ``acme`` (French) with Marie on +33 6 12 34 56 78 and the level-1 team « sav »."""

    sessions: sessionmaker[Session]
    tenant_id: int
    marie_id: int
    team_id: int
    store: AttachmentStore
    tmp: Path


@pytest.fixture
def center(sessions: sessionmaker[Session], tmp_path: Path) -> Center:
    """The tenant, committed: the voicemail box works in transactions of its own."""
    with sessions.begin() as session:
        tenant = Platform(session).create_tenant("acme", "Acme")
        marie = CustomerFile(session, tenant.id).create_contact(
            {"first_name": "Marie", "last_name": "Dupont"}, phones=[PhoneInput("06 12 34 56 78")]
        )
        team = TicketSetup(session, tenant.id).save_team(None, "sav", 1, [])
        ids = (tenant.id, marie.id, team.id)
    return Center(sessions, *ids, AttachmentStore(tmp_path / "data"), tmp_path)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1."""
    with smtp_server() as received:
        yield received


def box(center: Center, port: int | None) -> VoicemailBox:
    """The box, sending through 127.0.0.1:``port`` (None: no SMTP server configured)."""
    smtp = (
        None
        if port is None
        else SmtpConfig("127.0.0.1", port, "standard@acme.example", starttls=False, timeout_s=5)
    )
    return VoicemailBox(center.sessions, center.store, smtp)


def message(
    center: Center, seconds: float, *, caller: str | None = "+33612345678", queue: str | None = "sav",
    to: str | None = "sav@acme.example", language: str = "fr",
) -> tuple[Voicemail, bytes]:  # fmt: skip
    """A message of ``seconds`` recorded into a real WAV, as the server hands it over; the WAV's bytes."""
    path = center.tmp / f"vm-{seconds}-{caller}.wav"
    data = write_wav(path, seconds)
    return Voicemail(center.tenant_id, "call-42", queue, caller, language, path, seconds, AT, to), data


def ticket_of(center: Center, session: Session, filed: Deposited) -> Ticket:
    """The ticket a deposit filed, checked to be the center's tenant's."""
    ticket = session.get(Ticket, filed.ticket_id)
    assert ticket is not None and ticket.tenant_id == center.tenant_id
    return ticket


def test_a_known_callers_message_is_a_ticket_with_the_wav_and_an_e_mail_to_the_team(
    center: Center, inbox: Inbox
) -> None:
    given, wav = message(center, 2.4)
    filed = box(center, inbox.port).deposit(given)
    assert filed is not None and (filed.mail, filed.mail_error) == ("sent", None)
    assert (filed.ticket_number, filed.contact_id, filed.team_id) == (
        "T-2026-000001",
        center.marie_id,
        center.team_id,
    )
    given.wav.unlink()  # the server's file may go: the ticket keeps its own copy
    with center.sessions() as session:
        ticket = ticket_of(center, session, filed)
        assert ticket.subject == "Message vocal de +33 6 12 34 56 78 (file sav, 0:02)"
        assert ticket.description.splitlines() == [
            "Appelant : +33 6 12 34 56 78 (Marie Dupont)",
            "File : sav",
            "Durée : 0:02",
            "Laissé le jeudi 7 mai 2026 à 16:05 (Europe/Paris)",
            "Langue de l'appelant : français",
            "L'enregistrement est joint (message-vocal-20260507-160500.wav).",
        ]
        assert (ticket.channel, ticket.interaction_id, ticket.created_at, ticket.status) == (
            "phone",
            "call-42",
            AT,
            "new",
        )
        assert ticket.category is not None and ticket.category.name == "Message vocal"
        [attachment] = ticket.attachments
        assert (attachment.id, attachment.content_type, attachment.size) == (
            filed.attachment_id,
            "audio/wav",
            len(wav),
        )
        assert center.store.file(attachment).read_bytes() == wav
        # The contact's timeline shows the ticket, and through it the recording.
        [item] = History(session, center.tenant_id).contact(center.marie_id).items
        assert (item.kind, item.id, item.data["number"]) == ("ticket", ticket.id, "T-2026-000001")
        shown = session.get(Ticket, item.id)
        assert shown is not None and [a.id for a in shown.attachments] == [filed.attachment_id]
    assert inbox.arrived.wait(timeout=10)
    [mail] = inbox.messages
    assert inbox.recipients == [["sav@acme.example"]] and mail["From"] == "standard@acme.example"
    assert mail["Subject"] == "Message vocal / Voicemail T-2026-000001 – +33 6 12 34 56 78 (sav, 0:02)"
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for said in ("Nouveau message vocal : ticket T-2026-000001.", "New voicemail: ticket T-2026-000001.",
                 "Appelant : +33 6 12 34 56 78 (Marie Dupont)", "Caller: +33 6 12 34 56 78 (Marie Dupont)",
                 "Queue: sav", "Duration: 0:02", "Left on Thursday 7 May 2026 at 16:05 (Europe/Paris)"):  # fmt: skip
        assert said in text
    assert "http" not in text
    [part] = list(mail.iter_attachments())
    assert (
        part.get_content_type() == "audio/wav" and part.get_filename() == "message-vocal-20260507-160500.wav"
    )
    assert part.get_payload(decode=True) == wav


def test_a_withheld_number_without_a_queue_links_nobody_and_reuses_the_category(
    center: Center, inbox: Inbox
) -> None:
    voicemail = box(center, inbox.port)
    first = voicemail.deposit(message(center, 1.5)[0])
    given, wav = message(center, 7.2, caller=None, queue=None, language="en")
    filed = voicemail.deposit(given)
    assert first is not None and filed is not None
    assert (filed.ticket_number, filed.contact_id, filed.account_id, filed.team_id) == (
        "T-2026-000002",
        None,
        None,
        None,
    )
    with center.sessions() as session:
        ticket = ticket_of(center, session, filed)
        assert ticket.subject == "Message vocal d'un numéro masqué (0:07)"
        assert "Appelant : numéro masqué" in ticket.description and "File : aucune" in ticket.description
        assert "Langue de l'appelant : anglais" in ticket.description
        assert center.store.file(ticket.attachments[0]).read_bytes() == wav
        assert session.scalar(select(func.count()).select_from(TicketCategory)) == 1
    assert inbox.arrived.wait(timeout=10)
    assert [m["Subject"] for m in inbox.messages][-1] == (
        "Message vocal / Voicemail T-2026-000002 – numéro masqué / withheld number (0:07)"
    )


def test_an_english_speaking_tenant_gets_its_ticket_in_english_for_an_unknown_number(center: Center) -> None:
    with center.sessions.begin() as session:
        globex = Platform(session).create_tenant("globex", "Globex", timezone="Europe/London", locale="en")
        tenant_id = globex.id
    given = replace(message(center, 42.4, caller="+33699999999", to=None)[0], tenant_id=tenant_id)
    filed = box(center, None).deposit(given)
    assert filed is not None and (filed.mail, filed.contact_id, filed.team_id) == ("no_address", None, None)
    with center.sessions() as session:
        ticket = session.get(Ticket, filed.ticket_id)
        assert ticket is not None and ticket.tenant_id == tenant_id
        assert ticket.subject == "Voicemail from +33 6 99 99 99 99 (queue sav, 0:42)"
        assert "Left on Thursday 7 May 2026 at 15:05 (Europe/London)" in ticket.description
        assert ticket.category is not None and ticket.category.name == "Voicemail"


@pytest.mark.parametrize(("seconds", "written"), [(0.6, True), (0.0, False), (2.0, False)])
def test_a_message_too_short_or_empty_makes_no_ticket(center: Center, seconds: float, written: bool) -> None:
    given, _ = message(center, seconds)
    if not written:
        given.wav.write_bytes(b"")  # the caller hung up at the beep: nothing was recorded
    assert box(center, free_port()).deposit(given) is None
    with center.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0
        assert session.scalar(select(func.count()).select_from(TicketCategory)) == 0


def test_an_smtp_server_down_keeps_the_ticket_and_reports_the_failure(
    center: Center, caplog: pytest.LogCaptureFixture
) -> None:
    given, wav = message(center, 3.0)
    with caplog.at_level(logging.WARNING, logger="callfloor.crm.voicemail"):
        filed = box(center, free_port()).deposit(given)
    assert filed is not None and filed.mail == "failed"
    assert filed.mail_error is not None and "127.0.0.1" in filed.mail_error
    assert "T-2026-000001" in caplog.text and "sav@acme.example" in caplog.text
    with center.sessions() as session:
        ticket = ticket_of(center, session, filed)
        assert center.store.file(ticket.attachments[0]).read_bytes() == wav
        [note] = session.scalars(select(TicketComment).where(TicketComment.ticket_id == ticket.id)).all()
        assert note.internal and note.body.startswith("L'e-mail à sav@acme.example n'a pas pu être envoyé : ")
        assert ticket.first_response_at is None  # a note by nobody is no answer to the customer


def test_no_smtp_server_configured_sends_nothing_and_says_so(center: Center) -> None:
    filed = box(center, None).deposit(message(center, 3.0)[0])
    assert filed is not None and (filed.mail, filed.mail_error) == ("not_configured", None)


def test_a_number_shared_by_two_contacts_links_neither_and_a_switchboard_links_its_account(
    center: Center,
) -> None:
    with center.sessions.begin() as session:
        people = CustomerFile(session, center.tenant_id)
        people.create_contact(
            {"first_name": "Paul", "last_name": "Dupont"}, phones=[PhoneInput("0612345678")]
        )
        account = people.create_account(
            {"name": "Garage Martin"}, phones=[PhoneInput("01 23 45 67 89", "work")]
        )
        account_id = account.id
    voicemail = box(center, None)
    shared = voicemail.deposit(message(center, 2.0)[0])
    switchboard = voicemail.deposit(message(center, 2.0, caller="+33123456789")[0])
    assert shared is not None and (shared.contact_id, shared.account_id) == (None, None)
    assert switchboard is not None and (switchboard.contact_id, switchboard.account_id) == (None, account_id)
    with center.sessions() as session:
        described = ticket_of(center, session, shared).description
        assert "Appelant : +33 6 12 34 56 78 (Marie Dupont, Paul Dupont)" in described
        assert "(Garage Martin)" in ticket_of(center, session, switchboard).description


def test_a_wav_over_the_attachment_limit_is_refused_and_leaves_no_ticket(center: Center) -> None:
    given, _ = message(center, 5.0)
    too_big = b"RIFF" + bytes(MAX_SIZE)
    given.wav.write_bytes(too_big)
    with pytest.raises(AttachmentSizeError):
        box(center, None).deposit(given)
    assert given.wav.read_bytes() == too_big  # the server still has the message
    with center.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_durations_read_as_minutes_and_seconds() -> None:
    assert [duration_text(s) for s in (0.4, 42.4, 59.6, 725, 3723)] == [
        "0:00",
        "0:42",
        "1:00",
        "12:05",
        "1:02:03",
    ]
