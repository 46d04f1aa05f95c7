"""Sending e-mail through the center's SMTP server (a confirmation with its .ics, say).

The standard library is enough, so no dependency is added: :mod:`smtplib` speaks SMTP with
STARTTLS (RFC 3207) and AUTH (RFC 4954), and :mod:`email` builds the MIME message
(``multipart/mixed``: the text, then each attachment, text or binary). Sending is blocking:
the API's routes and the voicemail box run in worker threads, and a timeout bounds every
exchange with the server.

The server is set by ``CALLFLOOR_SMTP_HOST`` and its neighbours (:meth:`SmtpConfig.from_settings`);
with no host, :meth:`SmtpConfig.from_settings` gives None and callers send nothing and say so.
A calendar invitation travels as ``text/calendar; method=REQUEST`` (RFC 6047 §2.4: the part's
``method`` parameter repeats the iCalendar METHOD), base64-encoded so that its CRLF line ends
and folded lines (RFC 5545 §3.1) arrive byte for byte.
"""

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from callfloor.channels import ChannelError
from callfloor.settings import Settings

TIMEOUT_S = 15.0


class MailError(ChannelError):
    """The SMTP server could not be reached, or refused our login or the message."""


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to send: the server, its login, STARTTLS, the From address."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout_s: float = TIMEOUT_S

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpConfig | None":
        """The settings' SMTP server; None when no host is set (nothing is sent then)."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            user=settings.smtp_user,
            password=password,
            starttls=settings.smtp_starttls,
        )


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment: its file name, MIME subtype, content and type parameters.

    Text (``str``) travels as ``text/<subtype>`` in UTF-8; bytes (a voicemail's WAV) travel as
    ``<maintype>/<subtype>`` exactly as given.
    """

    filename: str
    subtype: str
    content: str | bytes
    params: dict[str, str] = field(default_factory=dict)
    maintype: str = "text"


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One message to one recipient; ``reply_to`` is who answers reach (the rep, say)."""

    to: str
    subject: str
    text: str
    attachments: Sequence[Attachment] = ()
    reply_to: str | None = None


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The MIME message: the text part, then each attachment base64-encoded."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message.set_content(mail.text)
    for part in mail.attachments:
        if isinstance(part.content, bytes):
            message.add_attachment(part.content, maintype=part.maintype, subtype=part.subtype,
                                   filename=part.filename, params=part.params)  # fmt: skip
            continue
        # Given as bytes: a text part would have its CRLF line ends rewritten to LF.
        message.add_attachment(
            part.content.encode(), maintype="text", subtype=part.subtype, filename=part.filename,
            params={"charset": "utf-8", **part.params},
        )  # fmt: skip
    return message


def send(config: SmtpConfig, mail: OutgoingMail) -> str:
    """Send ``mail``; its Message-ID once the server accepted it, :class:`MailError` otherwise."""
    message = build_message(mail, config.sender)
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout_s) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"SMTP {config.host}:{config.port}: {exc}") from exc
    return str(message["Message-ID"])
