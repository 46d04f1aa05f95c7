"""Variables put into a script's text: values in the locale, placeholders, nothing else interpreted."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callfloor.core.config import Locale
from callfloor.core.scripts.template import Rendered, render, variables_in
from callfloor.core.scripts.values import Money, Value

NBSP, NNBSP = "\u00a0", "\u202f"
CONTACT: dict[str, Value] = {
    "first_name": "Zoé",
    "quote_number": "D-2026-042",
    "amount_due": Money(Decimal("1234.5")),
    "due_date": date(2026, 4, 1),
}


def test_variables_are_put_in_with_french_amounts_and_dates() -> None:
    text = "Bonjour {first_name}, le devis {quote_number} de {amount_due} expire le {due_date}."
    assert render(text, CONTACT) == Rendered(
        f"Bonjour Zoé, le devis D-2026-042 de 1{NNBSP}234,50{NBSP}€ expire le 1er avril 2026."
    )
    assert render("{amount_due} by {due_date}", CONTACT, Locale.EN).text == "€1,234.50 by April 1, 2026"


def test_a_missing_variable_shows_a_placeholder_and_is_listed_once() -> None:
    rendered = render("{civility} {last_name}, {first_name}… {last_name}", {**CONTACT, "civility": ""})
    assert rendered.text == "[civility ?] [last_name ?], Zoé… [last_name ?]"
    assert rendered.missing == ("civility", "last_name")


@pytest.mark.parametrize(
    "hostile",
    [
        "{first_name.__class__}",
        "{first_name.__class__.__mro__[1].__subclasses__()}",
        "{0}",
        "{}",
        "{first_name!r}",
        "{first_name:>99999999}",
        "{FIRST_NAME}",
        "{ first_name }",
        "{first_name",
        "first_name}",
        "{__import__('os').system('true')}",
    ],
)
def test_anything_but_a_plain_name_is_left_as_written(hostile: str) -> None:
    assert render(hostile, CONTACT) == Rendered(hostile)


def test_doubled_braces_are_braces_and_values_are_not_expanded_again() -> None:
    assert render("{{first_name}} = {first_name}", CONTACT).text == "{first_name} = Zoé"
    assert render("{note}", {"note": "{first_name}", **CONTACT}).text == "{first_name}"
    assert render("{{{first_name}}}", CONTACT).text == "{Zoé}"


def test_datetimes_are_shown_in_the_zone_given() -> None:
    text = render(
        "{callback_at}",
        {"callback_at": datetime(2026, 1, 5, 13, 0, tzinfo=UTC)},
        zone=ZoneInfo("Europe/Paris"),
    )
    assert text.text == "5 janvier 2026 à 14:00"


def test_variables_in_lists_each_variable_once_in_order() -> None:
    assert variables_in("{b} {a} {b} {{c}} {x.y} {d}") == ("b", "a", "d")


VALUES = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(Money, st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=4)),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC, ZoneInfo("Pacific/Kiritimati")])),
)
NAMES = st.sampled_from(["first_name", "amount_due", "x", "_", "a1"])
TEMPLATES = st.lists(
    st.one_of(
        st.text(),
        NAMES.map(lambda n: "{" + n + "}"),
        st.sampled_from(["{", "}", "{{", "}}", "{x.__class__}"]),
    )
).map("".join)


@given(TEMPLATES, st.dictionaries(st.one_of(NAMES, st.text()), VALUES), st.sampled_from(Locale))
def test_rendering_never_raises_and_every_name_is_put_in_or_listed_missing(
    template: str, variables: dict[str, Value], locale: Locale
) -> None:
    rendered = render(template, variables, locale, ZoneInfo("Pacific/Kiritimati"))
    assert isinstance(rendered.text, str)
    assert set(rendered.missing) <= set(variables_in(template))
    assert all(variables.get(name) in (None, "") for name in rendered.missing)


@given(st.text().filter(lambda t: "{" not in t and "}" not in t), st.dictionaries(NAMES, VALUES))
def test_text_without_braces_is_left_alone(text: str, variables: dict[str, Value]) -> None:
    assert render(text, variables) == Rendered(text)
