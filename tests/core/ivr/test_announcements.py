"""A position, a wait and a phone number turned into the catalogue's prompt ids."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.ivr.announcements import number_prompts, position_prompts, wait_prompts
from callfloor.core.numbers import InvalidNumberError
from callfloor.prompts import catalog

CATALOG = frozenset(catalog())


@pytest.mark.parametrize(
    ("position", "said"),
    [
        (1, ("queue_position_next",)),
        (2, ("queue_position_intro", "number_2", "queue_position_outro")),
        (30, ("queue_position_intro", "number_30", "queue_position_outro")),
        (31, ()),  # "thirty" would be a lie; no prompt says "more than"
        (0, ()),
        (-4, ()),
        (None, ()),
    ],
)
def test_a_position_is_said_from_the_next_one_up_to_thirty(
    position: int | None, said: tuple[str, ...]
) -> None:
    assert position_prompts(position) == said


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.0, ("wait_estimate_intro", "wait_less_than_a_minute")),
        (59.9, ("wait_estimate_intro", "wait_less_than_a_minute")),
        (-12.0, ("wait_estimate_intro", "wait_less_than_a_minute")),
        (60.0, ("wait_estimate_intro", "wait_one_minute")),
        (60.5, ("wait_estimate_intro", "number_2", "wait_minutes")),  # rounded up, never down
        (120.0, ("wait_estimate_intro", "number_2", "wait_minutes")),
        (121.0, ("wait_estimate_intro", "number_3", "wait_minutes")),
        (1800.0, ("wait_estimate_intro", "number_30", "wait_minutes")),
        (1800.1, ("wait_estimate_intro", "wait_more_than", "number_30", "wait_minutes")),
        (86400.0, ("wait_estimate_intro", "wait_more_than", "number_30", "wait_minutes")),
        (None, ()),
        (float("nan"), ()),
        (float("inf"), ()),
    ],
)
def test_a_wait_is_rounded_up_to_the_minute_and_more_than_thirty_beyond(
    seconds: float | None, said: tuple[str, ...]
) -> None:
    assert wait_prompts(seconds) == said


FRENCH_MOBILE: tuple[str, ...] = ("digit_0", "number_6", "number_1", "number_2", "number_3")
FRENCH_MOBILE += ("number_4", "number_5", "number_6", "number_7", "digit_0")  # 06 12 34 56 70
DIGIT_SAID = {"0": "digit_0", **{str(d): f"number_{d}" for d in range(1, 10)}}


def spoken(digits: str) -> tuple[str, ...]:
    """The prompts of these digits, one each."""
    return tuple(DIGIT_SAID[d] for d in digits)


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("+33612345670", FRENCH_MOBILE),  # 06 12 34 56 70, as the caller writes it
        ("0612345670", FRENCH_MOBILE),  # typed digits are read as they are
        ("+441632960001", spoken("00441632960001")),
        ("+3312", spoken("003312")),  # not a national number: read as dialed from abroad
        ("+262262123456", spoken("00262262123456")),  # La Réunion has its own country code
    ],
)
def test_a_number_is_read_digit_by_digit_national_in_france_with_00_abroad(
    number: str, said: tuple[str, ...]
) -> None:
    assert number_prompts(number) == said


@pytest.mark.parametrize("number", ["", "+", "+33 6 12", "06-12", "anonymous", "++33612345670", "+٣٣"])
def test_what_is_not_a_number_is_refused_by_name(number: str) -> None:
    with pytest.raises(InvalidNumberError):
        number_prompts(number)


@given(st.integers() | st.none(), st.floats() | st.none())
def test_every_position_and_wait_is_said_with_catalogue_prompts(
    position: int | None, wait: float | None
) -> None:
    assert set(position_prompts(position)) | set(wait_prompts(wait)) <= CATALOG


@given(st.text())
def test_every_number_read_back_is_said_with_catalogue_prompts(number: str) -> None:
    try:
        said = number_prompts(number)
    except InvalidNumberError:
        return
    assert set(said) <= CATALOG
    assert len(said) >= len(number.removeprefix("+"))


@given(st.from_regex(r"\+[1-9][0-9]{0,14}", fullmatch=True))
def test_every_e164_number_is_read_with_one_prompt_per_digit_and_its_prefix(number: str) -> None:
    said = number_prompts(number)
    digits = number.removeprefix("+")
    french = number.startswith("+33") and len(digits) == 11
    assert len(said) == (10 if french else len(digits) + 2)
    assert said[0] == "digit_0"
