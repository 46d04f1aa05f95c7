"""Post-call survey answers (enquête de satisfaction à chaud): stored per interaction, and the CSAT.

Theory of operation. When the agent hangs up, a queue with a ``survey`` flow sends the caller to
it; the IVR's survey node yields one answer per question (the survey's name, the question's id,
the digits keyed as an integer) and the live server hands them to :meth:`SurveyAnswers.record`
with the call's interaction id. Queue, agent and contact are taken from the interaction's
record when it is already written; a call still in the agent's wrap-up has none yet, so the
server also says which queue and agent the call was with, and the contact is then found through
the record on reading (the timeline and the RGPD holder look for unlinked answers by their
interaction), whichever of the two is written first.

The figures (:meth:`SurveyAnswers.csat`) read two questions by their id, a convention survey
flows follow:

- ``satisfaction``, on a 1–5 scale: the mean score, and the CSAT, the share of answers at 4 or 5
  (the usual "top two boxes" definition);
- ``resolved``, a yes/no question keyed 1 for yes and 2 for no: the resolution rate, the share
  of yes (first contact resolution as the caller sees it).

Answers outside these scales (a 0 or a 9 keyed) are stored as they are but left out of the
figures, which are over the answers keyed in ``[start, end)``, per queue, per agent and in total.
Survey answers register themselves in the contact's timeline, and with contact merges (their
RGPD holder is :mod:`callfloor.crm.gdpr_surveys`).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from callfloor.crm import RefusalError
from callfloor.crm.history import (
    TIMELINE_SOURCES,
    TimelineItem,
    TimelineKey,
    TimelineOwner,
    newest_first,
    older_than,
)
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.storage.interactions import Interaction
from callfloor.storage.scope import TenantScope
from callfloor.storage.surveys import SurveyAnswer

CONTACT_REFERENCES.register(SurveyAnswer, SurveyAnswer.contact_id)

#: The question whose 1–5 answers make the mean score and the CSAT.
SATISFACTION = "satisfaction"
SATISFACTION_SCALE = range(1, 6)
#: The answers that count as satisfied (the two top boxes of the scale).
SATISFIED = frozenset({4, 5})
#: The yes/no question of the resolution rate, and its keys.
RESOLVED = "resolved"
YES, NO = 1, 2
#: How every CSAT report says what it counted (KPI definitions are stated, not assumed).
DEFINITIONS = {
    "csat": f"share of '{SATISFACTION}' answers at 4 or 5 on the 1-5 scale",
    "mean_satisfaction": f"mean of the '{SATISFACTION}' answers on the 1-5 scale",
    "resolution": f"share of '{RESOLVED}' answers keyed {YES} (yes) among {YES} and {NO} (no)",
    "period": "answers keyed from 'from' included to 'to' excluded",
}
# A center YAML name: what flows and their questions are called.
_NAME = re.compile(r"^\w[\w.-]{0,63}$")
#: The highest value kept: a few digits keyed, not a phone number.
MAX_VALUE = 999_999


class SurveyError(RefusalError):
    """Survey answers that cannot be stored (no interaction id, a bad name, a negative value)."""

    error_id = "invalid_survey_answer"


@dataclass(frozen=True, slots=True)
class KeyedAnswer:
    """One answer as the IVR's survey node yields it."""

    survey: str
    question: str
    value: int


@dataclass(slots=True)
class _Tally:
    """The answers of one queue or agent, folded."""

    satisfaction: int = 0
    score: int = 0
    satisfied: int = 0
    resolved: int = 0
    yes: int = 0

    def add(self, question: str, value: int, answers: int) -> None:
        if question == SATISFACTION and value in SATISFACTION_SCALE:
            self.satisfaction += answers
            self.score += value * answers
            self.satisfied += answers if value in SATISFIED else 0
        elif question == RESOLVED and value in (YES, NO):
            self.resolved += answers
            self.yes += answers if value == YES else 0

    def merge(self, other: "_Tally") -> None:
        self.satisfaction += other.satisfaction
        self.score += other.score
        self.satisfied += other.satisfied
        self.resolved += other.resolved
        self.yes += other.yes


@dataclass(frozen=True, slots=True)
class CsatFigures:
    """The survey figures of one queue, one agent (``key``), or all of them (``key`` None)."""

    key: str | None
    satisfaction_answers: int
    mean_satisfaction: float | None  # None: no answer to count
    csat_percent: float | None
    resolved_answers: int
    resolution_percent: float | None

    @classmethod
    def of(cls, key: str | None, tally: _Tally) -> "CsatFigures":
        """The figures of a tally: means to two decimals, percentages to one."""
        n, r = tally.satisfaction, tally.resolved
        return cls(
            key=key,
            satisfaction_answers=n,
            mean_satisfaction=round(tally.score / n, 2) if n else None,
            csat_percent=round(100 * tally.satisfied / n, 1) if n else None,
            resolved_answers=r,
            resolution_percent=round(100 * tally.yes / r, 1) if r else None,
        )


@dataclass(frozen=True, slots=True)
class CsatReport:
    """The figures over ``[start, end)``: in total, per queue and per agent, with their definitions."""

    start: datetime
    end: datetime
    total: CsatFigures
    by_queue: list[CsatFigures] = field(default_factory=list)
    by_agent: list[CsatFigures] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))


def _refuse_bad(
    interaction_id: str, answers: Sequence[KeyedAnswer], at: datetime, *where: str | None
) -> None:
    if not interaction_id or len(interaction_id) > 36:
        raise SurveyError.of_field("interaction_id", "1 to 36 characters", "de 1 à 36 caractères")
    for name, value, longest in (("queue", where[0], 64), ("agent", where[1], 16)):
        if value is not None and len(value) > longest:
            raise SurveyError.of_field(name, f"{longest} characters at most", f"{longest} caractères au plus")
    if at.tzinfo is None or at.utcoffset() is None:
        raise SurveyError.of_field("at", "a time zone is required", "un fuseau horaire est requis")
    for answer in answers:
        for name, value in (("survey", answer.survey), ("question", answer.question)):
            if not _NAME.match(value):
                raise SurveyError.of_field(name, f"{value!r} is not a name", f"{value!r} n'est pas un nom")
        if isinstance(answer.value, bool) or not 0 <= answer.value <= MAX_VALUE:
            en, fr = (
                f"{answer.value!r} is not 0 to {MAX_VALUE}",
                f"{answer.value!r} n'est pas de 0 à {MAX_VALUE}",
            )
            raise SurveyError.of_field("value", en, fr)


class SurveyAnswers:
    """One tenant's survey answers: recorded by the live server, read by the API and the KPIs."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)

    def record(
        self,
        interaction_id: str,
        answers: Iterable[KeyedAnswer],
        *,
        at: datetime,
        queue: str | None = None,
        agent: str | None = None,
    ) -> list[SurveyAnswer]:
        """Store the answers that followed an interaction, in the caller's transaction.

        ``queue`` and ``agent`` (the agent's extension) are the server's word for what the call
        was with; the interaction's record, if written, fills what is missing and links the
        contact. An answer to a question already answered replaces it: the last word counts.
        """
        given = list(answers)
        _refuse_bad(interaction_id, given, at, queue, agent)
        record = self.scope.interactions.by_interaction_id(interaction_id)
        stored = {(a.survey, a.question): a for a in self.scope.survey_answers.of_interaction(interaction_id)}
        written: dict[tuple[str, str], SurveyAnswer] = {}
        for answer in given:
            key = (answer.survey, answer.question)
            row = stored.get(key) or SurveyAnswer(
                interaction_id=interaction_id, survey=answer.survey, question=answer.question
            )
            row.value, row.answered_at = answer.value, at
            row.queue = queue or (record.queue if record else None) or row.queue
            row.agent = agent or (record.agent if record else None) or row.agent
            row.contact_id = record.contact_id if record else row.contact_id
            stored[key] = written[key] = row if row.id else self.scope.survey_answers.add(row)
        self.session.flush()
        return list(written.values())

    def of_interaction(self, interaction_id: str) -> Sequence[SurveyAnswer]:
        """The answers that followed the interaction, in the order they were keyed."""
        return self.scope.survey_answers.of_interaction(interaction_id)

    def csat(
        self, start: datetime, end: datetime, *, queue: str | None = None, agent: str | None = None
    ) -> CsatReport:
        """The figures of the answers keyed in ``[start, end)``, narrowed to a queue or an agent if given."""
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise SurveyError.of_field(
                "to", "must be after 'from', both with a time zone", "doit suivre « from », avec fuseau"
            )
        questions = (SATISFACTION, RESOLVED)
        tallies: dict[str, dict[str | None, _Tally]] = {"queue": {}, "agent": {}}
        for group, by_key in tallies.items():
            rows = self.scope.survey_answers.histogram(start, end, group, questions, queue=queue, agent=agent)
            for key, question, value, count in rows:
                by_key.setdefault(key, _Tally()).add(question, value, count)
        total = _Tally()
        for tally in tallies["queue"].values():  # every answer has one queue, None included
            total.merge(tally)
        return CsatReport(
            start=start,
            end=end,
            total=CsatFigures.of(None, total),
            by_queue=_sorted(tallies["queue"]),
            by_agent=_sorted(tallies["agent"]),
        )


def _sorted(tallies: dict[str | None, _Tally]) -> list[CsatFigures]:
    """Figures by name, those with no queue or agent (an IVR-only call) last."""
    keys = sorted(tallies, key=lambda k: (k is None, k or ""))
    return [CsatFigures.of(k, tallies[k]) for k in keys]


def answers_of(
    owner_condition: ColumnElement[bool], interactions: ColumnElement[bool]
) -> ColumnElement[bool]:
    """Answers linked to a person, or unlinked ones that followed one of the person's interactions."""
    theirs = select(Interaction.interaction_id).where(interactions)
    return or_(
        owner_condition, and_(SurveyAnswer.contact_id.is_(None), SurveyAnswer.interaction_id.in_(theirs))
    )


#: The fields of an answer that timelines and exports show.
FIELDS = ("interaction_id", "survey", "question", "value", "queue", "agent")


class SurveyAnswerSource:
    """Survey answers in contacts' and accounts' timelines, placed when they were keyed."""

    kind = "survey_answer"

    def items(
        self, session: Session, owner: TimelineOwner, before: TimelineKey | None, limit: int
    ) -> Sequence[TimelineItem]:
        """The owner's answers older than ``before``, newest first, at most ``limit``."""
        interactions = and_(
            Interaction.tenant_id == owner.tenant_id, owner.of(Interaction.contact_id, Interaction.account_id)
        )
        query = select(SurveyAnswer).where(
            SurveyAnswer.tenant_id == owner.tenant_id,
            answers_of(owner.of(SurveyAnswer.contact_id), interactions),
            older_than(before, self.kind, SurveyAnswer.answered_at, SurveyAnswer.id),
        )
        rows = session.scalars(
            query.order_by(*newest_first(SurveyAnswer.answered_at, SurveyAnswer.id)).limit(limit)
        )
        return [TimelineItem(a.answered_at, self.kind, a.id, a.contact_id, _fields(a)) for a in rows]


def _fields(answer: SurveyAnswer) -> dict[str, Any]:
    return {name: getattr(answer, name) for name in FIELDS}


TIMELINE_SOURCES.register(SurveyAnswerSource())
