"""The holders of a person's data, for the right of access and the right to erasure (RGPD art. 15, 17).

Theory of operation. Every module that keeps data on a contact registers a
:class:`PersonalDataHolder` in :data:`PERSONAL_DATA`, the way
:data:`callfloor.crm.merge.CONTACT_REFERENCES` gathers contact references and
:data:`callfloor.crm.history.TIMELINE_SOURCES` gathers timeline sources: a module registers its
holder at import, and the export and the erasure (:mod:`callfloor.crm.gdpr_rights`) need no
change when it arrives. The built-in holders are the contact itself (phones, e-mails, addresses,
consents, custom fields), interactions, recordings (:mod:`callfloor.crm.gdpr_holders`), tickets
(:mod:`callfloor.crm.gdpr_tickets`), quotes and orders (:mod:`callfloor.crm.gdpr_sales`),
appointments (:mod:`callfloor.crm.gdpr_appointments`), survey answers keyed after a call
(:mod:`callfloor.crm.gdpr_surveys`) and answers taken down by agents
(:mod:`callfloor.crm.gdpr_survey_responses`).

A holder's interface: a ``kind`` (a short word, unique: the export's key), a ``title`` in French
and English (the heading of its part of the HTML page), and two methods, both given the session
and the :class:`DataSubject` (the contact's tenant, id, account, numbers and addresses, taken
before anything changes):

- ``export(session, subject)``: what the holder keeps on the person, as JSON-able values
  (datetimes, dates and decimals are turned into text by the caller), usually a list of dicts;
- ``plan(session, subject)``: an :class:`Erasure` saying what erasing would do (``counts``, by a
  verb-like name) without doing it, and ``apply``, which does it, in the caller's transaction.
  Every holder plans before any applies, so a plan sees the customer file as it was, whatever
  order the holders run in (the contact row is deleted by one of them). Files to delete go in
  ``files`` (absolute paths, checked to lie in their folder): they are removed once the
  transaction has committed, never before, so a rolled-back erasure leaves every file in place.

For example, survey answers register (in short; :mod:`callfloor.crm.gdpr_surveys` in full)::

    class SurveyAnswerHolder:
        kind = "survey_answers"
        title = {"fr": "Réponses aux enquêtes de satisfaction", "en": "Satisfaction survey answers"}

        def export(self, session, subject):
            rows = session.scalars(select(SurveyAnswer).where(
                SurveyAnswer.tenant_id == subject.tenant_id, SurveyAnswer.contact_id == subject.contact_id))
            return [{"survey": a.survey, "question": a.question, "value": a.value, "at": a.answered_at}
                    for a in rows]

        def plan(self, session, subject):
            rows = session.scalars(...).all()   # the same rows

            def apply():
                for row in rows:                # scores kept for the statistics, the link gone
                    row.contact_id = None

            return Erasure({"survey_answers_unlinked": len(rows)}, apply)

    PERSONAL_DATA.register(SurveyAnswerHolder())

A module's holder is registered when the module is imported: the application imports it through
its API routes; :mod:`callfloor.crm.gdpr_rights` imports the built-in ones.
"""

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: What replaces a text written by or about an erased person, in rows kept for the statistics.
MARKER = "[anonymisé RGPD / GDPR anonymised]"


@dataclass(frozen=True, slots=True)
class DataSubject:
    """The person whose data is exported or erased, as found before any change."""

    tenant_id: int
    contact_id: int
    account_id: int | None
    numbers: tuple[str, ...]  # E.164, as stored on the contact's phones
    emails: tuple[str, ...]
    data_dir: Path


def _nothing() -> None:
    """An erasure with nothing to do."""


@dataclass(frozen=True, slots=True)
class Erasure:
    """What one holder would erase (``counts``), the change itself (``apply``) and the files to delete."""

    counts: Mapping[str, int]
    apply: Callable[[], None] = _nothing
    files: Sequence[Path] = field(default_factory=tuple)


class PersonalDataHolder(Protocol):
    """A module's data on contacts (see the module docstring)."""

    @property
    def kind(self) -> str:
        """The holder's key in the export, unique among holders."""

    @property
    def title(self) -> Mapping[str, str]:
        """Its heading, by language (``fr``, ``en``)."""

    def export(self, session: Session, subject: DataSubject) -> Any:
        """What the holder keeps on the person, JSON-able but for datetimes, dates and decimals."""

    def plan(self, session: Session, subject: DataSubject) -> Erasure:
        """What erasing the person would do here, and the change, not yet applied."""


class PersonalDataHolders:
    """The registered holders, in the order they registered (the export's order)."""

    def __init__(self) -> None:
        self._holders: dict[str, PersonalDataHolder] = {}

    def register(self, holder: PersonalDataHolder) -> None:
        """Add ``holder`` to every export and erasure (registering its kind again replaces it)."""
        self._holders[holder.kind] = holder

    def unregister(self, kind: str) -> None:
        """Stop exporting and erasing ``kind``."""
        self._holders.pop(kind, None)

    def __iter__(self) -> Iterator[PersonalDataHolder]:
        return iter(list(self._holders.values()))


#: The registry modules add their holders to: ``PERSONAL_DATA.register(SurveyAnswers())``.
PERSONAL_DATA = PersonalDataHolders()


def plain(value: Any) -> Any:
    """``value`` with datetimes and dates in ISO 8601 and decimals as strings (money stays exact)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def inside(data_dir: Path, folder: str, stored: str) -> Path | None:
    """The absolute file of a path stored relative to the data dir, if it lies in ``folder`` there.

    ``folder`` is where the file must be (a tenant's recordings or attachments): a tampered row
    never makes an erasure delete anything elsewhere.
    """
    root = data_dir.resolve()
    path = (root / stored).resolve()  # follows symbolic links, so a link out is caught too
    return path if path.is_relative_to(root / folder) else None


def delete_after_commit(session: Session, files: Sequence[Path]) -> None:
    """Delete ``files`` once the session's transaction commits; keep them if it rolls back."""
    state = {"rolled_back": False}

    def committed(_session: Session) -> None:
        if not state["rolled_back"]:
            for path in files:
                _unlink(path)

    def rolled_back(_session: Session) -> None:
        state["rolled_back"] = True

    if files:
        event.listen(session, "after_commit", committed, once=True)
        event.listen(session, "after_rollback", rolled_back, once=True)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.exception("erasure: could not delete %s", path)
