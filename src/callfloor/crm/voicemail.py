"""Voicemail (messagerie vocale): a caller's recorded message becomes a ticket, e-mailed to the team.

The live server records the message into a WAV (:mod:`callfloor.server.media.recorder`), after
« press 2 to leave a message » in a queue or at a flow's ``voicemail`` node (the center is
closed), and hands it to :meth:`VoicemailBox.deposit` in a worker thread. The ticket comes
first, in a transaction of its own: it carries the recording (the attachment store keeps its
own copy, so the server may delete its file once ``deposit`` returns), the contact or account
the caller's number names, and shows in their timeline as every ticket does. Then the queue's
team address gets an e-mail in French and English with the WAV attached. A failing SMTP server
loses nothing: the ticket is committed, the outcome says ``failed``, the failure is logged and
noted on the ticket (an internal comment), since no mail outbox exists to retry from.

Where the ticket goes. Tickets belong to teams; a queue names an e-mail address but no team,
so a level-1 team called like the queue takes the ticket, else the voicemail category's default
team. The category (« Message vocal », or « Voicemail » for an English-speaking tenant) is
created on first use, with an SLA an admin may change. Tickets have no ``voicemail`` channel:
the channel is ``phone``, and the subject says it was a message.
"""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.channels.mail import Attachment, MailError, OutgoingMail, SmtpConfig, send
from callfloor.crm import CrmError
from callfloor.crm.appointment_mail import spoken_time
from callfloor.crm.search import ContactSearch
from callfloor.crm.ticket_errors import TicketError
from callfloor.crm.ticket_files import AttachmentStore
from callfloor.crm.ticket_setup import TicketSetup
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.settings import Settings
from callfloor.storage.models import Tenant
from callfloor.storage.tickets import Ticket

log = logging.getLogger(__name__)

#: Shorter messages are the caller hanging up at the beep: no ticket, no e-mail.
MIN_SECONDS = 1.0
#: The category's name, by the tenant's language; either one found is used.
CATEGORY = {"fr": "Message vocal", "en": "Voicemail"}
#: The category's SLA when first created, in business seconds: an answer within 4 h, solved in 2 days.
FIRST_RESPONSE_S, RESOLUTION_S = 4 * 3600, 16 * 3600

MailStatus = Literal["sent", "not_configured", "no_address", "failed"]

FROM = {"fr": "de {number}", "en": "from {number}"}
WITHHELD = {"fr": "d'un numéro masqué", "en": "from a withheld number"}
SUBJECT = {"fr": "Message vocal {caller} ({where})", "en": "Voicemail {caller} ({where})"}
WHERE = {"fr": "file {queue}, {duration}", "en": "queue {queue}, {duration}"}
LINES = {
    "fr": ("Appelant : {caller}", "File : {queue}", "Durée : {duration}", "Laissé le {when}",
           "Langue de l'appelant : {language}", "L'enregistrement est joint ({file})."),
    "en": ("Caller: {caller}", "Queue: {queue}", "Duration: {duration}", "Left on {when}",
           "Caller's language: {language}", "The recording is attached ({file})."),
}  # fmt: skip
NOBODY = {"fr": ("numéro masqué", "aucune"), "en": ("withheld number", "none")}
LANGUAGES = {"fr": {"fr": "français", "en": "anglais"}, "en": {"fr": "French", "en": "English"}}
HEADS = {"fr": "Nouveau message vocal : ticket {ticket}.", "en": "New voicemail: ticket {ticket}."}
MAIL_FAILED = {
    "fr": "L'e-mail à {to} n'a pas pu être envoyé : {error}",
    "en": "The e-mail to {to} could not be sent: {error}",
}


class VoicemailError(CrmError):
    """A message that names no tenant we know, or an instant without a time zone."""


@dataclass(frozen=True, slots=True)
class Voicemail:
    """A recorded message as the server hands it over; ``to`` is the queue's ``team_email``."""

    tenant_id: int
    interaction_id: str
    queue: str | None
    caller: str | None  # E.164, None when withheld
    language: str  # the caller's choice in the IVR: fr or en
    wav: Path
    duration_s: float
    recorded_at: datetime
    to: str | None


@dataclass(frozen=True, slots=True)
class Deposited:
    """What became of a message: its ticket, whom it is linked to, and the e-mail's fate."""

    ticket_id: int
    ticket_number: str
    attachment_id: int
    contact_id: int | None
    account_id: int | None
    team_id: int | None
    mail: MailStatus
    mail_error: str | None = None


@dataclass(frozen=True, slots=True)
class _Words:
    """The values the ticket's text and the e-mail are written with."""

    number: str | None  # « +33 6 12 34 56 78 »; None when withheld
    names: str  # whom the number names in the customer file, « Marie Dupont »
    queue: str | None
    duration: str
    recorded_at: datetime
    zone: str
    language: str
    file: str

    def lines(self, language: str) -> list[str]:
        """The message described in ``language`` (fr or en), a line per fact."""
        withheld, no_queue = NOBODY[language]
        spoken = LANGUAGES[language].get(self.language, self.language)
        when = spoken_time(self.recorded_at, self.zone, language)
        caller = f"{self.number} ({self.names})" if self.number and self.names else self.number
        return [line.format(caller=caller or withheld, queue=self.queue or no_queue, when=when,
                            duration=self.duration, language=spoken, file=self.file)
                for line in LINES[language]]  # fmt: skip

    def subject(self, language: str) -> str:
        """The ticket's: « Message vocal de +33 6 12 34 56 78 (file sav, 0:42) »."""
        caller = FROM[language].format(number=self.number) if self.number else WITHHELD[language]
        where = (
            WHERE[language].format(queue=self.queue, duration=self.duration) if self.queue else self.duration
        )
        return SUBJECT[language].format(caller=caller, where=where)

    def mail_subject(self, ticket: str) -> str:
        """The e-mail's, bilingual: « Message vocal / Voicemail T-2026-000001 – +33 6… (sav, 0:42) »."""
        caller = self.number or f"{NOBODY['fr'][0]} / {NOBODY['en'][0]}"
        where = f"{self.queue}, {self.duration}" if self.queue else self.duration
        return f"Message vocal / Voicemail {ticket} – {caller} ({where})"


def duration_text(seconds: float) -> str:
    """``0:42``, ``12:05``, ``1:02:03``: minutes and seconds, hours when there are some."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def shown_number(number: str) -> str:
    """An E.164 number as people read it (``+33 6 12 34 56 78``); as given when it is no number."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _language(locale: str) -> str:
    return "en" if locale.lower().startswith("en") else "fr"


class VoicemailBox:
    """Turns recorded messages into tickets and e-mails, for every tenant of one database."""

    def __init__(
        self, sessions: sessionmaker[Session], attachments: AttachmentStore, smtp: SmtpConfig | None
    ) -> None:
        self.sessions = sessions
        self.attachments = attachments
        self.smtp = smtp

    @classmethod
    def from_settings(cls, settings: Settings, sessions: sessionmaker[Session]) -> "VoicemailBox":
        """The box of a process: attachments under its data dir, e-mail through its SMTP server."""
        return cls(sessions, AttachmentStore(settings.data_dir), SmtpConfig.from_settings(settings))

    def deposit(self, message: Voicemail) -> Deposited | None:
        """File the message as a ticket (committed), then e-mail the team; blocking, for a worker thread.

        None when the message is empty or shorter than :data:`MIN_SECONDS` (the caller hung up
        at the beep): no ticket, no e-mail. Raises :class:`~callfloor.crm.ticket_errors.TicketError`
        when the ticket desk refuses it (the voicemail category made inactive, a WAV over the
        attachments' size limit) and :class:`VoicemailError` for an unknown tenant; the server
        keeps its file then. Otherwise the server may delete its file: the ticket has a copy.
        """
        if message.recorded_at.tzinfo is None:
            raise VoicemailError("recorded_at must be an aware datetime")
        if message.duration_s < MIN_SECONDS:
            return None
        data = message.wav.read_bytes()
        if not data:
            return None
        category_id = self._category_id(message.tenant_id)
        with self.sessions.begin() as session:
            filed, words = self._file(session, message, category_id, data)
        return self._mail(message, filed, words, data)

    # -- the ticket -------------------------------------------------------------------------

    def _file(
        self, session: Session, message: Voicemail, category_id: int, data: bytes
    ) -> tuple[Deposited, _Words]:
        tenant = session.get(Tenant, message.tenant_id)
        if tenant is None:
            raise VoicemailError(f"no tenant {message.tenant_id}")
        contact_id, account_id, names = self._caller(session, message)
        shown = shown_number(message.caller) if message.caller else None
        language = _language(tenant.locale)
        local = message.recorded_at.astimezone(ZoneInfo(tenant.timezone))
        name = f"{CATEGORY[language].lower().replace(' ', '-')}-{local:%Y%m%d-%H%M%S}.wav"
        words = _Words(shown, ", ".join(names), message.queue, duration_text(message.duration_s),
                       message.recorded_at, tenant.timezone, message.language, name)  # fmt: skip
        desk = TicketDesk(session, message.tenant_id)
        given = TicketInput(
            subject=words.subject(language)[:200], category_id=category_id,
            description="\n".join(words.lines(language)), contact_id=contact_id, account_id=account_id,
            channel="phone", interaction_id=message.interaction_id,
            team_id=self._team_id(desk, message.queue),
        )  # fmt: skip
        ticket = desk.create(given, actor=None, now=message.recorded_at)
        attachment = self.attachments.save(session, ticket, file_name=name, content_type="audio/wav",
                                           data=data, actor=None, now=message.recorded_at)  # fmt: skip
        filed = Deposited(ticket.id, ticket.number, attachment.id, contact_id, account_id, ticket.team_id,
                          "not_configured")  # fmt: skip
        return filed, words

    @staticmethod
    def _caller(session: Session, message: Voicemail) -> tuple[int | None, int | None, list[str]]:
        """The contact (or, for a switchboard, the account) the number names, and the names to show.

        Several contacts on one number (a family's landline) link none: the team picks one.
        """
        if message.caller is None:
            return None, None, []
        found = ContactSearch(session, message.tenant_id).find_by_number(message.caller)
        names = [c.display_name for c in found.contacts if c.display_name]
        if len(found.contacts) == 1:
            return found.contacts[0].id, None, names
        if not found.contacts and len(found.accounts) == 1:
            return None, found.accounts[0].id, [found.accounts[0].name]
        return None, None, names

    @staticmethod
    def _team_id(desk: TicketDesk, queue: str | None) -> int | None:
        """The level-1 team called like the queue, if any (queues name no team yet)."""
        team = desk.scope.teams.by_name(queue) if queue else None
        return team.id if team is not None and team.level == 1 else None

    def _category_id(self, tenant_id: int) -> int:
        """The voicemail category, created in its own transaction on first use (a racing twin wins)."""
        for attempt in (1, 2):
            try:
                with self.sessions.begin() as session:
                    return self._category(session, tenant_id)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _category(session: Session, tenant_id: int) -> int:
        setup = TicketSetup(session, tenant_id)
        for name in CATEGORY.values():
            found = setup.scope.ticket_categories.by_name(name)
            if found is not None:
                return found.id
        tenant = session.get(Tenant, tenant_id)
        if tenant is None:
            raise VoicemailError(f"no tenant {tenant_id}")
        values = {"name": CATEGORY[_language(tenant.locale)], "kind": "information",
                  "first_response_s": FIRST_RESPONSE_S, "resolution_s": RESOLUTION_S}  # fmt: skip
        return setup.create_category(values).id

    # -- the e-mail -------------------------------------------------------------------------

    def _mail(self, message: Voicemail, filed: Deposited, words: _Words, data: bytes) -> Deposited:
        """Send the team its e-mail, after the commit; a failure is logged and noted on the ticket."""
        if not message.to:
            return _with(filed, "no_address")
        if self.smtp is None:
            return _with(filed, "not_configured")
        subject = words.mail_subject(filed.ticket_number)
        body = [HEADS["fr"].format(ticket=filed.ticket_number), *words.lines("fr"), "", "---", "",
                HEADS["en"].format(ticket=filed.ticket_number), *words.lines("en")]  # fmt: skip
        wav = Attachment(words.file, "wav", data, maintype="audio")
        try:
            send(self.smtp, OutgoingMail(message.to, subject[:250], "\n".join(body) + "\n", [wav]))
        except MailError as exc:
            log.warning("voicemail ticket %s: e-mail to %s failed: %s", filed.ticket_number, message.to, exc)
            self._note_failure(message, filed, str(exc))
            return _with(filed, "failed", str(exc))
        return _with(filed, "sent")

    def _note_failure(self, message: Voicemail, filed: Deposited, error: str) -> None:
        """An internal comment on the ticket, so the team learns why no e-mail came."""
        try:
            with self.sessions.begin() as session:
                tenant, ticket = session.get(Tenant, message.tenant_id), session.get(Ticket, filed.ticket_id)
                if tenant is None or ticket is None:
                    return
                said = MAIL_FAILED[_language(tenant.locale)].format(to=message.to, error=error)
                desk = TicketDesk(session, message.tenant_id)
                desk.comment(ticket, said[:2000], internal=True, actor=None, now=message.recorded_at)
        except (TicketError, SQLAlchemyError) as exc:  # the ticket stands; the log keeps the failure
            log.warning("voicemail ticket %s: the failure note was not written: %s", filed.ticket_number, exc)


def _with(filed: Deposited, status: MailStatus, error: str | None = None) -> Deposited:
    return dataclasses.replace(filed, mail=status, mail_error=error)


__all__ = [
    "MIN_SECONDS",
    "Deposited",
    "MailStatus",
    "Voicemail",
    "VoicemailBox",
    "VoicemailError",
    "duration_text",
    "shown_number",
]
