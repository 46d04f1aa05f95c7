"""The center YAML document, as pydantic models (also the API's bodies for the same objects).

Keys match the simulator's scenario YAML where both speak of the same thing
(``service_level_s``, ``short_abandon_s``, ``service_level_definition``).
"""

import ipaddress
import re
from enum import StrEnum
from typing import Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from callfloor.core.acd.pause_reasons import FLOOR_REASONS
from callfloor.core.config import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN, Locale, ServiceLevelDefinition, Strategy
from callfloor.core.kpi.thresholds import problem
from callfloor.core.roles import TENANT_ROLES, Role

Name = Annotated[str, StringConstraints(pattern=r"^\w[\w.-]{0,63}$")]
Level = Annotated[int, Field(ge=SKILL_LEVEL_MIN, le=SKILL_LEVEL_MAX)]
Extension = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,8}$")]
Email = Annotated[
    str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, to_lower=True)
]
Password = Annotated[SecretStr, Field(min_length=8, max_length=200)]
# Control characters (NUL above all, which PostgreSQL refuses) have no place in a name or label.
PersonName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True, pattern=r"^[^\x00-\x1f\x7f]*$"),
]
Description = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long for a file
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


TimeZone = Annotated[str, AfterValidator(_known_zone)]


class Spec(BaseModel):
    """Strict: an unknown key is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class TenantSpec(Spec):
    """The tenant's own settings."""

    name: PersonName
    timezone: TimeZone = "Europe/Paris"
    locale: Locale = Locale.FR
    country: Country = "FR"


class SkillSpec(Spec):
    """A skill."""

    name: Name
    description: Description = ""


class RecordingMode(StrEnum):
    """Whether a queue's calls are recorded: not at all, both legs mixed, or caller left and agent right."""

    OFF = "off"
    MONO = "mono"
    STEREO = "stereo"


class StepSpec(Spec):
    """Skills escalation: after ``after_s`` seconds of waiting, these minimum levels apply instead."""

    after_s: Annotated[int, Field(ge=1, le=86400)]
    skills: dict[Name, Level] = Field(default_factory=dict)


class QueueSpec(Spec):
    """A queue; ``skills`` maps each required skill to the lowest level accepted."""

    name: Name
    strategy: Strategy = Strategy.LONGEST_IDLE
    skills: dict[Name, Level] = Field(default_factory=dict)
    priority: Annotated[int, Field(ge=0, le=100)] = 0
    service_level_s: Annotated[int, Field(ge=1, le=3600)] = 20
    service_level_percent: Annotated[int, Field(ge=1, le=100)] = 80
    service_level_definition: ServiceLevelDefinition = ServiceLevelDefinition.OFFERED
    short_abandon_s: Annotated[int, Field(ge=0, le=600)] = 5
    max_wait_s: Annotated[int, Field(ge=1, le=86400)] | None = None
    wrap_up_s: Annotated[int, Field(ge=0, le=3600)] = 0
    overflow: Name | None = None
    ring_timeout_s: Annotated[int, Field(ge=5, le=300)] = 15
    pause_on_no_answer: bool = True
    steps: list[StepSpec] = Field(default_factory=list)
    recording: RecordingMode = RecordingMode.OFF
    # Days a recording is kept from the call's start, then purged (RGPD art. 5.1.e: no longer
    # than needed; the CNIL recommends 6 months at most for quality review).
    recording_retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    # The IVR flow the caller is sent to once the agent hangs up (post-call survey); none: no survey.
    survey: Name | None = None
    # Where the queue's voicemail messages are e-mailed (the team's shared mailbox).
    team_email: Email | None = None

    @field_validator("recording", mode="before")
    @classmethod
    def _unquoted_off(cls, value: object) -> object:
        # YAML 1.1, which PyYAML reads, takes a bare ``off`` for false: ``recording: off`` means "off".
        return RecordingMode.OFF if value is False else value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.overflow == self.name:
            raise ValueError("a queue cannot overflow to itself")
        times = [s.after_s for s in self.steps]
        if times != sorted(set(times)):
            raise ValueError("steps must have increasing after_s")
        return self


class NumberSpec(Spec):
    """A number callers dial (numéro vert, short number) and where it leads: a queue or an IVR flow.

    Written as dialed; stored normalised (E.164, or the digits of a short number) in the
    tenant's country, so ``0800100100`` and ``+33 800 100 100`` are one number.
    """

    number: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 .-]{0,24}$")]
    queue: Name | None = None
    flow: Name | None = None
    description: Description = ""

    @model_validator(mode="after")
    def _one_destination(self) -> Self:
        if (self.queue is None) == (self.flow is None):
            raise ValueError("a number leads to one queue or one flow: give 'queue' or 'flow'")
        return self


# RFC 1123 §2.1 host names: dot-separated labels of letters, digits and inner dashes.
_HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _host(value: str) -> str:
    """A host name (lowercased) or an IP address (IPv6 with or without brackets, stored without)."""
    if not value:
        raise ValueError("host is empty: give the provider's host name or IP address")
    if any(c.isspace() for c in value):
        raise ValueError("host must be a host name or IP address, without spaces")
    if "://" in value or value.lower().startswith(("sip:", "sips:")):
        raise ValueError("host takes no scheme: write 'sip.example.net', not 'sip:sip.example.net'")
    try:
        return ipaddress.ip_address(value.removeprefix("[").removesuffix("]")).compressed
    except ValueError:
        pass
    if ":" in value:
        raise ValueError("host takes no port: put it in 'port'")
    host = value.lower()
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValueError(f"{value!r} is not a host name or IP address")
    if labels[-1].isdigit():
        raise ValueError(f"{value!r} is not a valid IP address")
    return host


def _caller_id(value: str) -> str:
    """Digits, optionally after ``+``; spaces, dots and dashes written for readability are dropped."""
    number = re.sub(r"[ .-]", "", value)
    if not re.fullmatch(r"\+?[0-9]{2,19}", number):
        raise ValueError("caller_id must be 2 to 19 digits, optionally after a +: '+33180203040'")
    return number


def _digest_user(value: str) -> str:
    if not re.fullmatch(r"[^\s\x00-\x1f\x7f]{1,128}", value):
        raise ValueError("username must be 1 to 128 characters, without spaces or control characters")
    return value


def _prefix(value: str) -> str:
    if not re.fullmatch(r"[0-9]{0,10}", value):
        raise ValueError("prefix must be digits only, at most 10")
    return value


Host = Annotated[str, AfterValidator(_host)]
CallerId = Annotated[str, AfterValidator(_caller_id)]
DialPrefix = Annotated[str, AfterValidator(_prefix)]
# Digest user names are chosen by the provider: anything printable but spaces.
TrunkUser = Annotated[str, AfterValidator(_digest_user)]
# Providers choose trunk passwords too, short ones included.
TrunkPassword = Annotated[SecretStr, Field(min_length=1, max_length=200)]


class TrunkTransport(StrEnum):
    """How SIP reaches the provider (RFC 3261 §18)."""

    UDP = "udp"
    TCP = "tcp"


class TrunkSpec(Spec):
    """A SIP trunk to a provider, for outbound calls and, when it registers, inbound ones.

    ``password`` is write-only: sealed in storage, never exported nor shown. Left out of an
    import or an update, the stored password stays; it goes when ``username`` does.
    """

    name: Name
    host: Host
    port: Annotated[int, Field(ge=1, le=65535)] = 5060
    transport: TrunkTransport = TrunkTransport.UDP
    username: TrunkUser | None = None
    password: TrunkPassword | None = None
    # Register with the provider (RFC 3261 §10) to receive its calls, for ``expires`` seconds.
    # The attribute is ``register_``: pydantic models are ABCs, whose ``register`` it would hide.
    register_: bool = Field(default=False, alias="register")
    expires: Annotated[int, Field(ge=60, le=86400)] = 3600
    caller_id: CallerId | None = None  # the number presented on outbound calls
    prefix: DialPrefix = ""  # prepended to dialed numbers (a provider's routing code, say)
    active: bool = True

    @model_validator(mode="after")
    def _credentials(self) -> Self:
        if self.register_ and self.username is None:
            raise ValueError("register needs a username: it is the user part of the registered address")
        if self.password is not None and self.username is None:
            raise ValueError("a password needs a username: digest credentials are both")
        return self


class Labels(Spec):
    """A label in both languages of the floor."""

    fr: PersonName
    en: PersonName


class DispositionSpec(Spec):
    """A disposition; ``success`` counts for conversion, ``final`` ends the contact's attempts."""

    code: Name
    label: Labels
    success: bool = False
    final: bool = True


PauseCode = Annotated[str, StringConstraints(pattern=r"^\w[\w.-]{0,39}$")]


class PauseReasonSpec(Spec):
    """A pause reason agents may choose (code de pause), logged with the pause as ``code``."""

    code: PauseCode
    label: Labels

    @field_validator("code")
    @classmethod
    def _not_the_floors(cls, value: str) -> str:
        if value in FLOOR_REASONS:
            raise ValueError(f"{value!r} is a reason the floor sets itself: choose another code")
        return value


def _unique_codes(reasons: list[PauseReasonSpec]) -> list[PauseReasonSpec]:
    codes = [reason.code for reason in reasons]
    if doubles := sorted({code for code in codes if codes.count(code) > 1}):
        raise ValueError(f"duplicate pause reason code: {', '.join(doubles)}")
    return reasons


#: A tenant's pause reasons, in the order the desk offers them: they replace the default ones.
PauseReasons = Annotated[
    list[PauseReasonSpec], Field(min_length=1, max_length=50), AfterValidator(_unique_codes)
]


class UserSpec(Spec):
    """A user who is not an agent (admins, supervisors, client viewers)."""

    email: Email
    name: PersonName
    role: Role = Role.SUPERVISOR
    password: Password | None = None  # import only: the initial login password, never exported

    @field_validator("role")
    @classmethod
    def _tenant_role(cls, value: Role) -> Role:
        if value not in TENANT_ROLES:
            raise ValueError(f"role must be one of {', '.join(sorted(TENANT_ROLES))}")
        return value


class AgentSpec(UserSpec):
    """An agent and the user it logs in as."""

    role: Role = Role.AGENT
    extension: Extension
    skills: dict[Name, Level] = Field(default_factory=dict)
    max_chats: Annotated[int, Field(ge=0, le=20)] = 3
    max_emails: Annotated[int, Field(ge=0, le=50)] = 5
    # The phone answers the calls it is offered by itself (a headset's auto-answer); absent:
    # left as it is (a new agent: off).
    auto_answer: bool | None = None
    sip_password: Password | None = None  # import only, stored as HA1


#: What a refused threshold says (:func:`callfloor.core.kpi.thresholds.problem`).
THRESHOLD_PROBLEMS = {
    "unknown": "the wallboard has no such figure",
    "number": "amber and red are numbers, 0 or more",
    "rate": "a rate is at most 1 (100 %)",
    "order": "amber comes before red (after it for the service level, bad when low)",
    "legal": "the drop rate's red may not pass the legal 3 % (16 CFR 310.4(b)(4)(i))",
}
Edge = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class EdgesSpec(Spec):
    """Where a wallboard figure turns amber, and red."""

    amber: Edge
    red: Edge


class WallboardThresholdsSpec(Spec):
    """The tenant's wallboard thresholds (``/admin/thresholds``); a figure left out has its default."""

    waiting: EdgesSpec | None = None
    longest_wait_s: EdgesSpec | None = None
    service_level: EdgesSpec | None = None
    abandon_rate: EdgesSpec | None = None
    drop_rate: EdgesSpec | None = None
    late_tickets: EdgesSpec | None = None

    @field_validator("*")
    @classmethod
    def _edges(cls, value: EdgesSpec | None, info: ValidationInfo) -> EdgesSpec | None:
        found = problem(info.field_name or "", value.model_dump()) if value is not None else None
        if found is not None:
            raise ValueError(THRESHOLD_PROBLEMS[found])
        return value

    def figures(self) -> dict[str, dict[str, float]]:
        """The figures given, as the tenant keeps them."""
        return {
            figure: edges.model_dump()
            for figure in type(self).model_fields
            if (edges := getattr(self, figure))
        }
