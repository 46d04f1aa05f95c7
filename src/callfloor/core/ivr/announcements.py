"""What a waiting caller is told, as prompt ids: the position, the estimated wait, a number read back.

The catalogue (``callfloor/prompts/catalog.yaml``) records numbers from 1 to 30 only
(``number_<n>``), so every sentence here is made of those pieces, and what cannot be said
truthfully with them is not said:

- a position beyond 30 is not announced (saying "thirty" would promise a place the caller
  does not have); position 1 is ``queue_position_next``;
- a wait is rounded *up* to the next whole minute, since callers forgive an agent who comes
  early and not one who comes late; under a minute is "less than a minute", a wait of more
  than 30 minutes (after rounding) or an unknown one is not announced;
- a number is read digit by digit: a French one (+33) in its national form, 0X XX XX XX XX,
  as the caller writes it; any other with the international prefix 00 (+44 … is 0 0 4 4 …).
"""

import math

from callfloor.core.numbers import InvalidNumberError

#: The largest number the catalogue has a ``number_<n>`` prompt for.
LARGEST_SPOKEN = 30
FRANCE = "+33"
FRENCH_NATIONAL_DIGITS = 9  # after the 0 (or +33): 0X XX XX XX XX
WAIT_INTRO = "wait_estimate_intro"


def position_prompts(position: int | None) -> tuple[str, ...]:
    """The caller's place in the queue, said; nothing if unknown, below 1 or beyond 30."""
    if position is None or not 1 <= position <= LARGEST_SPOKEN:
        return ()
    if position == 1:
        return ("queue_position_next",)
    return ("queue_position_intro", f"number_{position}", "queue_position_outro")


def wait_prompts(seconds: float | None) -> tuple[str, ...]:
    """The estimated wait, rounded up to the minute; "more than 30 minutes" beyond; nothing if unknown."""
    if seconds is None or not math.isfinite(seconds):
        return ()
    if seconds < 60:  # a negative estimate is a late agent: still under a minute
        return (WAIT_INTRO, "wait_less_than_a_minute")
    minutes = math.ceil(seconds / 60)
    if minutes == 1:  # French says "une minute"; number_1 is the masculine "un"
        return (WAIT_INTRO, "wait_one_minute")
    if minutes > LARGEST_SPOKEN:  # a caller still deserves to hear that the wait is long
        return (WAIT_INTRO, "wait_more_than", f"number_{LARGEST_SPOKEN}", "wait_minutes")
    return (WAIT_INTRO, f"number_{minutes}", "wait_minutes")


def digit_prompt(digit: str) -> str:
    """The prompt of one digit: ``digit_0``, then ``number_1`` to ``number_9``."""
    return "digit_0" if digit == "0" else f"number_{digit}"


def number_prompts(e164: str) -> tuple[str, ...]:
    """A phone number read back digit by digit, as the caller would dial it from France.

    ``e164`` is ``+`` and its digits; bare digits are read as they are (a number the caller
    typed). Anything else raises :class:`~callfloor.core.numbers.InvalidNumberError`.
    """
    digits = e164.removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidNumberError(f"not a number to read back: {e164!r}")
    if e164.startswith("+"):
        national = e164.removeprefix(FRANCE)
        if e164.startswith(FRANCE) and len(national) == FRENCH_NATIONAL_DIGITS:
            digits = "0" + national
        else:
            digits = "00" + digits
    return tuple(digit_prompt(d) for d in digits)
