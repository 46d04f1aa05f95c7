"""What a collect node accepts: length, digits, pattern, the Luhn check."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.ivr.entry import accepts, luhn
from callfloor.core.ivr.flow import Collect


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("79927398713", True),  # the classic example
        ("79927398710", False),
        ("4539578763621486", True),  # a test card number
        ("73282932000074", True),  # a SIRET
        ("0", True),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn(digits) is valid


@given(st.text("0123456789", min_size=1, max_size=20))
def test_exactly_one_check_digit_completes_any_number(body: str) -> None:
    assert sum(luhn(body + str(d)) for d in range(10)) == 1


NODE = Collect((), "n", "next", min_length=3, max_length=6, pattern="[1-9][0-9]*")


@given(st.text("0123456789*#A٣", max_size=9))
def test_an_accepted_entry_has_the_length_the_digits_and_the_pattern(entry: str) -> None:
    expected = 3 <= len(entry) <= 6 and re.fullmatch("[1-9][0-9]*", entry) is not None
    assert accepts(NODE, entry) is expected  # "٣" is a digit to Python, not a key


def test_a_check_applies_on_top_of_the_length() -> None:
    card = Collect((), "n", "next", min_length=11, max_length=19, check="luhn")
    assert accepts(card, "79927398713") and not accepts(card, "79927398710")
    assert not accepts(card, "0")  # valid Luhn, too short
