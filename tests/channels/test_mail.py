"""Sending e-mail over SMTP to a real local server: the text and the calendar attachment arrive."""

import pytest

from callfloor.channels.mail import Attachment, MailError, OutgoingMail, SmtpConfig, send
from callfloor.settings import Settings
from tests.channels.smtp import free_port, smtp_server

ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@callfloor\r\nSUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def test_a_message_and_its_calendar_arrive_byte_for_byte() -> None:
    with smtp_server() as inbox:
        config = SmtpConfig("127.0.0.1", inbox.port, "rdv@acme.example", starttls=False)
        invite = Attachment("invitation.ics", "calendar", ICS, {"method": "REQUEST"})
        mail = OutgoingMail(
            "marie@example.org", "Votre rendez-vous", "Bonjour Marie,\n", [invite], "rep@acme.example"
        )
        message_id = send(config, mail)
        assert inbox.arrived.wait(timeout=10)
    [received] = inbox.messages
    assert inbox.recipients == [["marie@example.org"]]
    assert (received["From"], received["To"], received["Reply-To"]) == (
        "rdv@acme.example",
        "marie@example.org",
        "rep@acme.example",
    )
    assert received["Subject"] == "Votre rendez-vous" and received["Message-ID"] == message_id
    body = received.get_body(("plain",))
    assert body is not None and body.get_content().replace("\r\n", "\n") == "Bonjour Marie,\n"
    [calendar] = list(received.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST" and calendar.get_filename() == "invitation.ics"
    assert calendar.get_payload(decode=True) == ICS.encode()


def test_an_unreachable_server_is_a_mail_error() -> None:
    config = SmtpConfig("127.0.0.1", free_port(), "rdv@acme.example", starttls=False, timeout_s=5)
    with pytest.raises(MailError, match=r"127\.0\.0\.1"):
        send(config, OutgoingMail("marie@example.org", "S", "T"))


def test_no_smtp_host_means_no_sender(tmp_path: object) -> None:
    assert SmtpConfig.from_settings(Settings(smtp_host=None)) is None
    config = SmtpConfig.from_settings(
        Settings(smtp_host="smtp.example.org", smtp_user="u", smtp_password="p", smtp_from="rdv@acme.example")  # type: ignore[arg-type]
    )
    assert config is not None
    assert (config.host, config.port, config.user, config.password, config.starttls) == (
        "smtp.example.org",
        587,
        "u",
        "p",
        True,
    )


def test_a_binary_attachment_arrives_with_its_type_and_bytes() -> None:
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x00\xff\r\n\x00"  # bytes no text part could carry
    with smtp_server() as inbox:
        config = SmtpConfig("127.0.0.1", inbox.port, "standard@acme.example", starttls=False)
        send(config, OutgoingMail("sav@acme.example", "Message vocal", "Ci-joint.\n",
                                  [Attachment("message.wav", "wav", wav, maintype="audio")]))  # fmt: skip
        assert inbox.arrived.wait(timeout=10)
    [part] = list(inbox.messages[0].iter_attachments())
    assert (part.get_content_type(), part.get_filename()) == ("audio/wav", "message.wav")
    assert part.get_param("charset") is None and part.get_payload(decode=True) == wav
