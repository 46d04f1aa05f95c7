"""Numbers normalise so that every spelling of a DID finds the same entry."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.numbers import InvalidNumberError, lookup_keys, normalize


@pytest.mark.parametrize(
    ("dialed", "expected"),
    [
        ("0800100100", "+33800100100"),
        ("+33 8 00 10 01 00", "+33800100100"),
        ("08.00.10.01.00", "+33800100100"),
        ("3900", "3900"),
        ("1001", "1001"),
        ("0612345678", "+33612345678"),
    ],
)
def test_normalize(dialed: str, expected: str) -> None:
    assert normalize(dialed) == expected


def test_trunk_spellings_find_the_same_number() -> None:
    assert "+33800100100" in lookup_keys("33800100100")
    assert lookup_keys("0800100100") == ["+33800100100"]
    assert lookup_keys("garbage") == []


@pytest.mark.parametrize("bad", ["", "abc", "+", "08001001001234567890", "12a4"])
def test_not_numbers(bad: str) -> None:
    with pytest.raises(InvalidNumberError):
        normalize(bad)


@given(st.text(max_size=30))
def test_normalize_never_raises_anything_else(text: str) -> None:
    try:
        result = normalize(text)
    except InvalidNumberError:
        return
    assert result.startswith("+") or result.isdigit()
