"""One respondent's way through a survey: the next question, each answer checked, the end.

Theory of operation. The session keeps the answers given and the questions skipped. A question
is *asked* when all its conditions hold on the answers so far (:func:`~.answers.asked`); the
next question is the first asked one neither answered nor skipped, and the survey is complete
when there is none. Since conditions only read earlier questions, each answer can only change
which later questions are asked: when the agent goes back and changes an answer, the answers
and skips of questions no longer asked are dropped (one pass in order suffices), so
:attr:`SurveySession.answers` never holds an answer to a question that would not be asked.

Any asked question may be answered, not only the next one (the desktop shows the questions
asked so far as a form); a question not asked, or unknown, is an :class:`IllegalStep`; an
answer that does not answer is an :class:`AnswerError`, and changes nothing. Only an optional
question may be skipped. A session resumed from stored answers (a call cut off and called
back) takes them through the same checks.
"""

from collections.abc import Mapping

from callfloor.core.scripts import AnswerError, CheckError, IllegalStep, Severity
from callfloor.core.scripts.answers import Answer, asked, validate
from callfloor.core.scripts.survey import Question, Survey, check


class SurveySession:
    """One respondent's answers to ``survey`` (which must hold together)."""

    def __init__(self, survey: Survey, answers: Mapping[str, object] | None = None) -> None:
        errors = [p for p in check(survey) if p.severity is Severity.ERROR]
        if errors:
            raise CheckError(errors)
        self.survey = survey
        self._answers: dict[str, Answer] = {}
        self._skipped: set[str] = set()
        for question in survey.questions:  # in order, so each condition sees the answers before it
            if answers and question.id in answers and asked(question, self._answers):
                self._answers[question.id] = validate(question, answers[question.id])

    @property
    def answers(self) -> dict[str, Answer]:
        """The answers given, in the survey's order, to questions that are asked."""
        return {q.id: self._answers[q.id] for q in self.survey.questions if q.id in self._answers}

    @property
    def skipped(self) -> frozenset[str]:
        """The questions skipped."""
        return frozenset(self._skipped)

    def asked(self) -> list[Question]:
        """The questions asked, given the answers so far, in order."""
        return [q for q in self.survey.questions if asked(q, self._answers)]

    def next_question(self) -> Question | None:
        """The first question asked and neither answered nor skipped; None once complete."""
        return next(
            (q for q in self.asked() if q.id not in self._answers and q.id not in self._skipped), None
        )

    @property
    def complete(self) -> bool:
        """Whether every question asked is answered or skipped."""
        return self.next_question() is None

    def answer(self, question_id: str, value: object) -> Answer:
        """Check ``value`` and keep it as the question's answer; later answers no longer asked go."""
        question = self._asked(question_id, "answer")
        answer = validate(question, value)
        self._answers[question_id] = answer
        self._skipped.discard(question_id)
        self._prune()
        return answer

    def skip(self, question_id: str) -> None:
        """Pass an optional question (its answer, if any, goes)."""
        question = self._asked(question_id, "skip")
        if question.required:
            raise AnswerError(question_id, "a required question cannot be skipped", "question obligatoire")
        self._answers.pop(question_id, None)
        self._skipped.add(question_id)
        self._prune()

    def _asked(self, question_id: str, step: str) -> Question:
        question = self.survey.question(question_id)
        state = "complete" if self.complete else "asking"
        if question is None:
            raise IllegalStep(state, step, f"no question {question_id!r}", f"pas de question {question_id!r}")
        if not asked(question, self._answers):
            en, fr = f"{question_id!r} is not asked", f"la question {question_id!r} n'est pas posée"
            raise IllegalStep(state, step, en, fr)
        return question

    def _prune(self) -> None:
        """Drop the answers and skips of questions no longer asked (conditions look back: one pass)."""
        kept: dict[str, Answer] = {}
        for question in self.survey.questions:
            if not asked(question, kept):
                self._skipped.discard(question.id)
                continue
            if question.id in self._answers:
                kept[question.id] = self._answers[question.id]
        self._answers = kept
