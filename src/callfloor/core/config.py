"""The vocabulary a tenant configures its floor with.

Values are a stable interface (stored in the database, written in center YAML, printed with
every KPI): add members, never rename them.
"""

from enum import StrEnum


class Strategy(StrEnum):
    """How a queue chooses among the ready agents that may take an interaction."""

    LONGEST_IDLE = "longest_idle"
    ROUND_ROBIN = "round_robin"
    LEAST_CALLS_TODAY = "least_calls_today"
    RING_ALL = "ring_all"
    RANDOM = "random"
    SKILL_LEVEL = "skill_level"
    LINEAR = "linear"


class ServiceLevelDefinition(StrEnum):
    """Which interactions count in the service-level ratio; vendors disagree, so it is a setting.

    T is the queue's threshold (``service_level_s``).
    """

    OFFERED = "offered"  # answered within T / offered
    ANSWERED = "answered"  # answered within T / answered
    EXCLUDE_SHORT = "exclude_short"  # answered within T / (offered - short abandons)
    EXCLUDE_ABANDONED_T = "exclude_abandoned_t"  # answered within T / (offered - abandoned within T)
    ABANDON_POSITIVE = "abandon_positive"  # (answered within T + abandoned within T) / offered


class Channel(StrEnum):
    """How a contact reaches the floor; the same routing engine serves them all."""

    CALL = "call"
    CHAT = "chat"
    EMAIL = "email"
    LETTER = "letter"


class Locale(StrEnum):
    """Languages of the UI and of the voice prompts."""

    FR = "fr"
    EN = "en"


#: Skill levels run from 1 (beginner) to 10 (expert).
SKILL_LEVEL_MIN = 1
SKILL_LEVEL_MAX = 10
