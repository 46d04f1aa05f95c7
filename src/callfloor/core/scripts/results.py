"""A survey's results: per question, counts and percentages, mean and median, the NPS.

Definitions (every report states them, see :data:`DEFINITIONS`):

- a question's percentages are over the respondents who answered it (not those who skipped it
  or were not asked it); for a multiple-choice question each option's percentage is the share
  of those respondents who chose it, so they may add up to more than 100;
- scales and NPS: the count of each value from the lowest to the highest, the mean (two
  decimals) and the median of the answers;
- NPS (Net Promoter Score): the percentage of promoters (9 or 10) minus the percentage of
  detractors (0 to 6), from -100 to 100, computed from the counts and rounded once;
- yes/no: the count and percentage of yes, then of no.

Percentages are rounded to one decimal. Answers are expected valid (a reader drops those a
survey changed since no longer accepts, and says how many).
"""

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from callfloor.core.scripts.answers import NO, YES, Answer
from callfloor.core.scripts.survey import CHOICE_TYPES, NUMERIC_TYPES, Question, QuestionType, Survey

PROMOTERS = range(9, 11)
DETRACTORS = range(7)
DEFINITIONS = {
    "percent": "share of the respondents who answered the question, one decimal",
    "multiple": "share of those respondents who chose the option (may add up to more than 100)",
    "nps": "percentage of promoters (9-10) minus percentage of detractors (0-6)",
    "mean": "arithmetic mean of the answers, two decimals",
}


@dataclass(frozen=True, slots=True)
class Count:
    """How many respondents gave one option, value, yes or no, and their share."""

    value: str
    count: int
    percent: float | None  # None: nobody answered the question


@dataclass(frozen=True, slots=True)
class Nps:
    """Promoters, passives and detractors, and the score."""

    promoters: int
    passives: int
    detractors: int
    score: float | None


@dataclass(frozen=True, slots=True)
class QuestionResults:
    """One question's figures."""

    question: str
    type: QuestionType
    answered: int
    counts: tuple[Count, ...]
    mean: float | None = None
    median: float | None = None
    nps: Nps | None = None


@dataclass(frozen=True, slots=True)
class SurveyResults:
    """A survey's figures over a set of respondents."""

    survey: str
    respondents: int
    questions: tuple[QuestionResults, ...]


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def tally(survey: Survey, respondents: Iterable[Mapping[str, Answer]]) -> SurveyResults:
    """The figures of ``respondents`` (each one's answers by question id)."""
    everyone = list(respondents)
    figures = tuple(_question(q, [r[q.id] for r in everyone if q.id in r]) for q in survey.questions)
    return SurveyResults(survey.name, len(everyone), figures)


def _question(question: Question, answers: list[Answer]) -> QuestionResults:
    n = len(answers)
    if question.type in CHOICE_TYPES:
        chosen = [a if isinstance(a, tuple) else (a,) for a in answers]
        counts = [(o, sum(o in c for c in chosen)) for o in question.option_ids()]
        return QuestionResults(question.id, question.type, n, _counts(counts, n))
    if question.type is QuestionType.YES_NO:
        yes = sum(a is True for a in answers)
        return QuestionResults(question.id, question.type, n, _counts([(YES, yes), (NO, n - yes)], n))
    if question.type in NUMERIC_TYPES:
        return _numeric(question, [a for a in answers if isinstance(a, int) and not isinstance(a, bool)])
    return QuestionResults(question.id, question.type, n, ())


def _counts(counts: list[tuple[str, int]], answered: int) -> tuple[Count, ...]:
    return tuple(Count(value, count, percent(count, answered)) for value, count in counts)


def _numeric(question: Question, values: list[int]) -> QuestionResults:
    n = len(values)
    low, high = question.bounds
    counts = _counts([(str(v), values.count(v)) for v in range(low, high + 1)], n)
    mean = round(statistics.fmean(values), 2) if values else None
    median = float(statistics.median(values)) if values else None
    nps = nps_of(values) if question.type is QuestionType.NPS else None
    return QuestionResults(question.id, question.type, n, counts, mean, median, nps)


def nps_of(values: list[int]) -> Nps:
    """The NPS of 0–10 answers: % promoters (9–10) − % detractors (0–6)."""
    promoters = sum(v in PROMOTERS for v in values)
    detractors = sum(v in DETRACTORS for v in values)
    passives = len(values) - promoters - detractors
    score = round(100 * (promoters - detractors) / len(values), 1) if values else None
    return Nps(promoters, passives, detractors, score)
