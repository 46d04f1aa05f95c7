"""The customer's e-mail about their appointment, in French or English, with its .ics.

Written in the contact's language (English when it is ``en`` or ``en-*``, French otherwise, the
tenant's locale deciding for a contact without one), times on the contact's clock when their
zone is known, else on the rep's. The text is plain: what, when, where, with whom; the
attached calendar (``METHOD:REQUEST`` or ``METHOD:CANCEL``) is what calendar clients act on.
Month and day names are spelt here rather than by the process locale, which a server rarely
has in French. The message is plain data; :mod:`callfloor.channels.mail` sends it.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from callfloor.storage.appointments import Appointment
from callfloor.storage.contacts import Contact

DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip
SUBJECTS = {
    ("fr", "REQUEST"): "Confirmation de votre rendez-vous : {subject}",
    ("en", "REQUEST"): "Your appointment is confirmed: {subject}",
    ("fr", "CANCEL"): "Annulation de votre rendez-vous : {subject}",
    ("en", "CANCEL"): "Your appointment is cancelled: {subject}",
}
OPENINGS = {
    (
        "fr",
        "REQUEST",
    ): "Bonjour {name},\n\nVotre rendez-vous « {subject} » est confirmé le {when} avec {rep}.",
    ("en", "REQUEST"): "Hello {name},\n\nYour appointment “{subject}” is confirmed on {when} with {rep}.",
    ("fr", "CANCEL"): "Bonjour {name},\n\nVotre rendez-vous « {subject} » du {when} avec {rep} est annulé.",
    ("en", "CANCEL"): "Hello {name},\n\nYour appointment “{subject}” on {when} with {rep} is cancelled.",
}
PLACE = {"fr": "Lieu : {location}", "en": "Place: {location}"}
CLOSING = {
    "fr": "Le fichier joint ajoute ce rendez-vous à votre agenda.\n\nCordialement,\n{rep}",
    "en": "The attached file puts this appointment in your calendar.\n\nKind regards,\n{rep}",
}


@dataclass(frozen=True, slots=True)
class Confirmation:
    """An e-mail to send: recipient, subject, text, and the calendar with its METHOD."""

    to: str
    subject: str
    text: str
    ics: str
    method: str
    reply_to: str
    language: str


def language_of(contact: Contact, tenant_locale: str) -> str:
    """``en`` or ``fr``: the contact's language, else the tenant's locale."""
    chosen = (contact.language or tenant_locale or "fr").lower()
    return "en" if chosen.startswith("en") else "fr"


def spoken_time(moment: datetime, zone: str, language: str) -> str:
    """« mardi 3 mars 2026 à 10:00 (Europe/Paris) » or “Tuesday 3 March 2026 at 10:00 (Europe/Paris)”."""
    local = moment.astimezone(ZoneInfo(zone))
    day, month = DAYS[language][local.weekday()], MONTHS[language][local.month - 1]
    at = "à" if language == "fr" else "at"
    return f"{day} {local.day} {month} {local.year} {at} {local:%H:%M} ({zone})"


def confirmation(
    row: Appointment, contact: Contact, *, ics_text: str, method: str, tenant_locale: str
) -> Confirmation | None:
    """The e-mail for ``contact`` about ``row``; None when the contact has no e-mail address."""
    if not contact.emails:
        return None
    language = language_of(contact, tenant_locale)
    rep, zone = row.calendar.name, contact.timezone or row.calendar.timezone
    words = {"name": contact.display_name or contact.emails[0].address, "subject": row.subject, "rep": rep}
    lines = [OPENINGS[(language, method)].format(when=spoken_time(row.start_at, zone, language), **words)]
    if row.location:
        lines.append(PLACE[language].format(location=row.location))
    lines.append(CLOSING[language].format(rep=rep))
    return Confirmation(
        to=contact.emails[0].address, subject=SUBJECTS[(language, method)].format(subject=row.subject),
        text="\n\n".join(lines) + "\n", ics=ics_text, method=method, reply_to=row.calendar.user.email,
        language=language,
    )  # fmt: skip
