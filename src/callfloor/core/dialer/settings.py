"""A campaign's dialing settings: the mode and the limits the pacing must keep.

The defaults are the safe-harbor values of the US Telemarketing Sales Rule, which French and
British practice share: at most 3 % of the calls a person answers may be dropped, a person is
connected to an agent within 2 seconds of answering or hears a recorded message, and an
unanswered call rings at least 15 seconds (16 CFR 310.4(b)(4)(i)–(iii)).
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from callfloor.core.dialer import DialerError

#: 16 CFR 310.4(b)(4)(i): abandoned calls at most 3 % of the calls answered by a person.
DEFAULT_TARGET_DROP_RATE: Final = 0.03
#: 16 CFR 310.4(b)(1)(iv): a call not connected to an agent within 2 s of the greeting is abandoned.
MAX_CONNECT_WAIT_S: Final = 2.0
#: 16 CFR 310.4(b)(4)(ii): an unanswered call rings at least 15 seconds (or four rings).
MIN_RING_TIMEOUT_S: Final = 15.0


class DialingMode(StrEnum):
    """How the dialer decides to place calls."""

    PREVIEW = "preview"  # the agent sees the contact, then dials or skips
    PROGRESSIVE = "progressive"  # one call per ready agent, the agent held for it
    POWER = "power"  # a fixed number of calls per ready agent, pooled
    PREDICTIVE = "predictive"  # as many calls as the drop rate allows, pooled


class MachineHandling(StrEnum):
    """What becomes of a call the answering-machine detector reports as a machine."""

    HANGUP = "hangup"
    MESSAGE = "message"  # a recorded message is left


class SettingsError(DialerError):
    """A campaign's dialing settings break a rule (the message names it)."""


@dataclass(frozen=True, slots=True)
class DialerSettings:
    """One campaign's dialing settings.

    ``power_ratio`` is the calls in flight per ready agent in power mode;
    ``max_lines_per_agent`` caps pooled calls in flight per staffed agent in every mode, a
    backstop for a wrong answer-rate estimate. The ``expected_*`` values seed the predictive
    estimates until the campaign has its own; ``prior_weight`` is how many attempts the
    expected answer rate is worth. ``repace_s`` is how often the
    pacing looks again without news (agents come close to the end of their calls meanwhile).
    """

    mode: DialingMode = DialingMode.PROGRESSIVE
    caller_id: str = ""
    target_drop_rate: float = DEFAULT_TARGET_DROP_RATE
    connect_within_s: float = MAX_CONNECT_WAIT_S
    drop_window_s: float = 1800.0
    ring_timeout_s: float = 28.0
    power_ratio: float = 2.0
    max_lines_per_agent: float = 5.0
    machine: MachineHandling = MachineHandling.HANGUP
    success_dispositions: frozenset[str] = field(default_factory=lambda: frozenset({"sale"}))
    expected_answer_rate: float = 0.25
    expected_talk_s: float = 180.0
    expected_wrap_up_s: float = 15.0
    prior_weight: float = 20.0
    repace_s: float = 1.0

    def __post_init__(self) -> None:
        if problems := self.problems():
            raise SettingsError("; ".join(problems))

    def problems(self) -> list[str]:
        """Every rule these settings break, in French and English; empty when none."""
        problems = []
        if not 0 < self.target_drop_rate <= DEFAULT_TARGET_DROP_RATE:
            problems.append(
                "target_drop_rate: between 0 and 3 % (16 CFR 310.4(b)(4)(i)) / "
                "entre 0 et 3 % des appels décrochés"
            )
        if not 0 < self.connect_within_s <= MAX_CONNECT_WAIT_S:
            problems.append(
                "connect_within_s: at most 2 s (16 CFR 310.4(b)(1)(iv)) / au plus 2 s après le décroché"
            )
        if self.ring_timeout_s < MIN_RING_TIMEOUT_S:
            problems.append(
                "ring_timeout_s: at least 15 s (16 CFR 310.4(b)(4)(ii)) / au moins 15 s de sonnerie"
            )
        if self.power_ratio < 1 or self.max_lines_per_agent < 1:
            problems.append("power_ratio, max_lines_per_agent: at least 1 / au moins 1 appel par conseiller")
        if not 0 < self.expected_answer_rate <= 1 or self.prior_weight <= 0:
            problems.append(
                "expected_answer_rate in (0, 1], prior_weight > 0 / taux de décroché entre 0 et 1"
            )
        if min(self.drop_window_s, self.repace_s) <= 0:
            problems.append("drop_window_s, repace_s: > 0 / durées positives")
        if min(self.expected_talk_s, self.expected_wrap_up_s) < 0:
            problems.append("expected_talk_s, expected_wrap_up_s: >= 0 / durées positives ou nulles")
        return problems
