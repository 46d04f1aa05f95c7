"""What a campaign learns of its calls: answer rate, ring times, handle times."""

import pytest

from callfloor.core.dialer.estimates import MIN_SAMPLES, Estimates, SortedWindow
from callfloor.core.dialer.settings import DialerSettings

SETTINGS = DialerSettings(expected_answer_rate=0.25, prior_weight=20.0, ring_timeout_s=30.0)


def test_a_sorted_window_forgets_the_oldest_and_answers_survival() -> None:
    window = SortedWindow(3)
    for value in (5.0, 1.0, 9.0, 3.0):
        window.add(value)
    assert len(window) == 3  # 5.0 forgotten
    assert window.survival(2.0) == pytest.approx(2 / 3)
    assert window.survival(9.0) == 0.0
    assert window.mean() == pytest.approx(13 / 3)


def test_attempts_count_once_every_earlier_attempt_has_resolved() -> None:
    estimates = Estimates(SETTINGS)
    estimates.resolved_after(0.0, 7.0, human=True)  # quick outcomes come first...
    estimates.resolved_after(1.0, 3.0, human=False)
    estimates.settle(29.0)
    assert estimates.resolved == 0  # ...so they wait for the ring-outs dialed with them
    estimates.settle(31.0)
    assert (estimates.resolved, estimates.human) == (2, 1)


def test_the_answer_rate_starts_at_the_guess_and_moves_to_what_is_seen() -> None:
    estimates = Estimates(SETTINGS)
    assert estimates.answer_rate() == 0.25
    for i in range(80):
        estimates.resolved_after(float(i), i + 5.0, human=i % 2 == 0)
    estimates.settle(200.0)
    assert estimates.answer_rate() == pytest.approx((40 + 5) / 100)
    assert estimates.answer_rate_var() < 0.25 * 0.75 / 21


def test_a_call_that_rang_long_is_less_likely_to_be_answered() -> None:
    estimates = Estimates(SETTINGS)
    assert estimates.answers_later(20.0, 0.3) == 0.3  # nothing known: counted fully
    for i in range(MIN_SAMPLES * 2):
        estimates.resolved_after(float(i), i + 4.0 + i % 5, human=True)  # answered after 4 to 8 s
        estimates.resolved_after(float(i), i + 28.0, human=False)  # rang out
    estimates.settle(100.0)
    early, late = estimates.answers_later(1.0, 0.3), estimates.answers_later(10.0, 0.3)
    assert early == pytest.approx(0.3)
    assert late == 0.0


def test_handle_times_are_guessed_then_learned() -> None:
    estimates = Estimates(DialerSettings(expected_talk_s=120.0, expected_wrap_up_s=10.0))
    assert (estimates.talk_s(), estimates.wrap_s()) == (120.0, 10.0)
    estimates.talked(200.0)
    estimates.talked(100.0)
    estimates.wrapped(20.0)
    assert (estimates.talk_s(), estimates.wrap_s()) == (150.0, 20.0)
