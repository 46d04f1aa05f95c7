"""Hypothesis strategies: surveys that hold together, and valid answers to their questions."""

from hypothesis import strategies as st

from callfloor.core.scripts.answers import Answer
from callfloor.core.scripts.survey import (
    CHOICE_TYPES,
    NUMERIC_TYPES,
    Condition,
    ConditionTest,
    ConditionValue,
    Option,
    Question,
    QuestionType,
    Survey,
)
from callfloor.core.scripts.wording import Wording

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=30
)


def answers_to(question: Question) -> st.SearchStrategy[Answer]:
    """Valid answers to ``question``."""
    if question.type is QuestionType.SINGLE:
        return st.sampled_from(question.option_ids())
    if question.type is QuestionType.MULTIPLE:
        chosen = st.lists(
            st.sampled_from(question.option_ids()), unique=True, min_size=int(question.required)
        )
        ids = question.option_ids()
        return chosen.map(lambda c: tuple(o for o in ids if o in c))
    if question.type in NUMERIC_TYPES:
        return st.integers(*question.bounds)
    if question.type is QuestionType.YES_NO:
        return st.booleans()
    return TEXT.map(str.strip).filter(bool).filter(lambda t: len(t) <= question.max_length)


@st.composite
def conditions_on(draw: st.DrawFn, earlier: list[Question]) -> Condition:
    """A condition that holds together, on one of the ``earlier`` questions (none of them free text)."""
    read = draw(st.sampled_from(earlier))
    tests = [ConditionTest.EQUALS, ConditionTest.NOT_EQUALS, ConditionTest.IN]
    if read.type in NUMERIC_TYPES:
        tests += [ConditionTest.GREATER_THAN, ConditionTest.LESS_THAN]
    test = draw(st.sampled_from(tests))
    one: st.SearchStrategy[ConditionValue]
    if read.type in CHOICE_TYPES:
        one = st.sampled_from(read.option_ids())
    elif read.type is QuestionType.YES_NO:
        one = st.booleans()
    else:
        one = st.integers(*read.bounds)
    if test is ConditionTest.IN:
        return Condition(read.id, test, tuple(draw(st.lists(one, min_size=1, max_size=3))))
    return Condition(read.id, test, draw(one))


@st.composite
def questions(draw: st.DrawFn, index: int, earlier: list[Question]) -> Question:
    """Question ``index``, with conditions on the ``earlier`` ones."""
    kind = draw(st.sampled_from(QuestionType))
    options: tuple[Option, ...] = ()
    if kind in CHOICE_TYPES:
        options = tuple(Option(f"o{i}", Wording(f"Option {i}")) for i in range(draw(st.integers(2, 4))))
    low = draw(st.integers(-3, 3))
    readable = [q for q in earlier if q.type is not QuestionType.TEXT]
    conditions = tuple(draw(st.lists(conditions_on(readable), max_size=2))) if readable else ()
    return Question(
        f"q{index}", Wording(f"Question {index}"), kind, options, draw(st.booleans()),
        low, low + draw(st.integers(1, 10)), draw(st.integers(1, 40)), conditions,
    )  # fmt: skip


@st.composite
def surveys(draw: st.DrawFn) -> Survey:
    """A survey of 1 to 8 questions that holds together."""
    made: list[Question] = []
    for index in range(draw(st.integers(1, 8))):
        made.append(draw(questions(index, made)))
    return Survey("generated", tuple(made))
