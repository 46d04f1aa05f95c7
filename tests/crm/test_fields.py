"""Field values of the customer file: a time zone is one zoneinfo knows, whatever the text."""

import pytest

from callfloor.crm import RefusalError
from callfloor.crm.fields import timezone


@pytest.mark.parametrize(
    "text", ["Mars/Olympus", "x" * 300, "Europe", "../../etc/passwd", "Europe/Paris\x00"]
)
def test_a_name_that_is_no_zone_is_refused_with_its_field(text: str) -> None:
    with pytest.raises(RefusalError) as refused:
        timezone(text)
    assert refused.value.field == "timezone"


def test_a_zone_is_kept_trimmed_and_blank_is_none() -> None:
    assert timezone(" Europe/Paris ") == "Europe/Paris"
    assert timezone("  ") is None and timezone(None) is None
