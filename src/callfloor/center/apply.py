"""Specs to rows and rows to specs: the one place that knows how a center object is stored.

Both the YAML import and the API write through these functions, and the export reads through
them, which is what keeps the round trip lossless.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import object_session

from callfloor.center.flows import IvrFlowSpec, definition, flow_spec, queue_names
from callfloor.center.schema import (
    AgentSpec,
    DispositionSpec,
    Labels,
    NumberSpec,
    PauseReasonSpec,
    QueueSpec,
    RecordingMode,
    SkillSpec,
    StepSpec,
    TrunkSpec,
    TrunkTransport,
    UserSpec,
    WallboardThresholdsSpec,
)
from callfloor.core.acd.pause_reasons import PAUSE_REASONS, PauseReason
from callfloor.core.config import ServiceLevelDefinition, Strategy
from callfloor.core.kpi.thresholds import overrides
from callfloor.core.numbers import InvalidNumberError, normalize
from callfloor.core.roles import Role
from callfloor.storage import ConflictError, StorageError, UnknownReferenceError
from callfloor.storage.models import Agent, Disposition, IvrFlow, Number, Queue, Skill, Tenant, Trunk, User
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A password callfloor generated and must show once, since it keeps only hashes."""

    who: str
    kind: str  # "login" or "sip"
    secret: str


# No 0/O, 1/l/I and no punctuation: generated passwords are read out and typed on phones.
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_password(length: int = 14) -> str:
    """A random password that is easy to read out and type (about 82 bits at 14 characters)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def skill_ids(scope: TenantScope, levels: dict[str, int]) -> dict[int, int]:
    """``{skill name: level}`` to ``{skill id: level}``; an unknown name is an error."""
    found = scope.skills.by_names(list(levels))
    for name in levels:
        if name not in found:
            raise UnknownReferenceError("skill", name)
    return {found[name].id: level for name, level in levels.items()}


def apply_skill(scope: TenantScope, spec: SkillSpec, skill: Skill | None = None) -> Skill:
    """Create or update a skill."""
    if skill is None:
        skill = scope.skills.add(Skill(name=spec.name, description=spec.description))
    skill.name, skill.description = spec.name, spec.description
    scope.session.flush()
    return skill


def apply_queue(scope: TenantScope, spec: QueueSpec, queue: Queue | None = None) -> Queue:
    """Create or update a queue; its skills, overflow queue and survey flow must exist in the tenant."""
    levels = skill_ids(scope, spec.skills)
    overflow = None
    if spec.overflow is not None:
        overflow = scope.queues.by_name(spec.overflow)
        if overflow is None:
            raise UnknownReferenceError("queue", spec.overflow)
    if spec.survey is not None and scope.ivr_flows.by_name(spec.survey) is None:
        raise UnknownReferenceError("flow", spec.survey)
    if queue is None:
        queue = scope.queues.add(Queue(name=spec.name))
    queue.steps = [
        {"after_s": step.after_s, "skills": {str(i): lvl for i, lvl in skill_ids(scope, step.skills).items()}}
        for step in spec.steps
    ]
    for key in (
        "ring_timeout_s",
        "pause_on_no_answer",
        "name",
        "strategy",
        "priority",
        "service_level_s",
        "service_level_percent",
        "service_level_definition",
        "short_abandon_s",
        "max_wait_s",
        "wrap_up_s",
        "recording",
        "recording_retention_days",
        "survey",
        "team_email",
    ):
        setattr(queue, key, getattr(spec, key))
    queue.overflow_queue_id = overflow.id if overflow else None
    scope.queues.set_required_skills(queue, levels)
    return queue


def apply_disposition(
    scope: TenantScope, spec: DispositionSpec, disposition: Disposition | None = None
) -> Disposition:
    """Create or update a disposition."""
    if disposition is None:
        disposition = scope.dispositions.add(Disposition(code=spec.code, label_fr="", label_en=""))
    disposition.code = spec.code
    disposition.label_fr, disposition.label_en = spec.label.fr, spec.label.en
    disposition.success, disposition.final = spec.success, spec.final
    scope.session.flush()
    return disposition


def apply_pause_reasons(tenant: Tenant, specs: list[PauseReasonSpec] | None) -> None:
    """Give the tenant its own pause reasons, in this order; None: back to the default ones."""
    tenant.pause_reasons = (
        None if specs is None else [{"code": r.code, "fr": r.label.fr, "en": r.label.en} for r in specs]
    )


def pause_reasons(tenant: Tenant | None) -> tuple[PauseReason, ...]:
    """The pause reasons the tenant's agents choose from: its own, or the default ones."""
    stored = tenant.pause_reasons if tenant is not None else None
    if not stored:
        return PAUSE_REASONS
    return tuple(PauseReason(r["code"], r["fr"], r["en"]) for r in stored)


def apply_wallboard_thresholds(tenant: Tenant, spec: WallboardThresholdsSpec) -> None:
    """The tenant's wallboard thresholds: those given that differ from the defaults (the rest: defaults)."""
    tenant.wallboard_thresholds = overrides(spec.figures()) or None


def wallboard_thresholds_spec(tenant: Tenant) -> WallboardThresholdsSpec | None:
    """The tenant's own wallboard thresholds (None: the defaults, not written)."""
    own = tenant.wallboard_thresholds
    return WallboardThresholdsSpec.model_validate(own) if own else None


def pause_reason_specs(tenant: Tenant) -> list[PauseReasonSpec] | None:
    """The tenant's own pause reasons as specs; None when it uses the default ones."""
    if not tenant.pause_reasons:
        return None
    return [PauseReasonSpec(code=r.code, label=Labels(fr=r.fr, en=r.en)) for r in pause_reasons(tenant)]


def tenant_number(scope: TenantScope, number: str) -> str:
    """``number`` normalised in the tenant's country; :class:`UnknownReferenceError` if invalid."""
    tenant = scope.session.get(Tenant, scope.tenant_id)
    try:
        return normalize(number, tenant.country if tenant else "FR")
    except InvalidNumberError as exc:
        raise UnknownReferenceError("number", number) from exc


def apply_number(scope: TenantScope, spec: NumberSpec, entry: Number | None = None) -> Number:
    """Create or update a dialed number; its queue or flow must exist and the number be free."""
    normalised = tenant_number(scope, spec.number)
    queue = flow = None
    if spec.queue is not None and (queue := scope.queues.by_name(spec.queue)) is None:
        raise UnknownReferenceError("queue", spec.queue)
    if spec.flow is not None and (flow := scope.ivr_flows.by_name(spec.flow)) is None:
        raise UnknownReferenceError("flow", spec.flow)
    owner = Platform(scope.session).number(normalised)
    if owner is not None and owner is not entry:
        raise ConflictError(f"number {normalised} is already routed")
    if entry is None:
        entry = scope.numbers.add(Number(number=normalised))
    entry.number, entry.description = normalised, spec.description
    entry.queue_id, entry.flow_id = (queue.id if queue else None), (flow.id if flow else None)
    scope.session.flush()
    return entry


def number_spec(entry: Number) -> NumberSpec:
    """The spec a number row stands for (written normalised).

    A number whose queue or flow was deleted leads nowhere; it shows the empty queue name.
    """
    if entry.flow is not None:
        return NumberSpec(number=entry.number, flow=entry.flow.name, description=entry.description)
    return NumberSpec.model_construct(
        number=entry.number, queue=entry.queue.name if entry.queue else "", flow=None,
        description=entry.description,
    )  # fmt: skip


def apply_flow(scope: TenantScope, spec: IvrFlowSpec, flow: IvrFlow | None = None) -> IvrFlow:
    """Create a flow, or give it a new version when its definition changed (the old one is kept).

    Its queues must exist; that it holds together, its spec has checked.
    """
    for name in sorted(queue_names(spec)):
        if scope.queues.by_name(name) is None:
            raise UnknownReferenceError("queue", name)
    if flow is None:
        flow = scope.ivr_flows.add(IvrFlow(name=spec.name))
    flow.name = spec.name
    stored = definition(spec)
    if not flow.versions or flow.active.definition != stored:
        scope.ivr_flows.add_version(flow, stored)
    scope.session.flush()
    return flow


def ivr_flow_spec(flow: IvrFlow) -> IvrFlowSpec:
    """The spec of a flow's active version."""
    return flow_spec(flow.name, flow.active.definition)


def apply_trunk(
    scope: TenantScope, spec: TrunkSpec, box: SecretBox | None, trunk: Trunk | None = None
) -> Trunk:
    """Create or update a trunk; a password is sealed with ``box``, none given keeps the stored one.

    Without a username there are no digest credentials, so the stored password goes too.
    """
    if spec.password is not None and box is None:
        raise StorageError("a trunk password can only be stored with the secret key's box")
    if trunk is None:
        trunk = scope.trunks.add(Trunk(name=spec.name, host=spec.host))
    for key in ("name", "host", "port", "username", "expires", "caller_id", "prefix", "active"):
        setattr(trunk, key, getattr(spec, key))
    trunk.transport, trunk.register = spec.transport.value, spec.register_
    if spec.username is None:
        trunk.password_sealed = None
    elif spec.password is not None and box is not None:
        scope.trunks.set_password(trunk, spec.password.get_secret_value(), box)
    scope.session.flush()
    return trunk


def apply_user(
    scope: TenantScope, spec: UserSpec, passwords: Passwords, user: User | None = None
) -> tuple[User, IssuedSecret | None]:
    """Create or update a user; a new user given no password gets a generated one."""
    if Platform(scope.session).email_taken(spec.email, except_user_id=user.id if user else None):
        raise ConflictError(f"e-mail {spec.email} is already used")
    issued = None
    existed = user is not None
    if user is None:
        user = scope.users.add(User(email=spec.email, name=spec.name, role=spec.role.value))
        if spec.password is None:
            issued = IssuedSecret(spec.email, "login", new_password())
            user.password_hash = passwords.hash(issued.secret)
    user.email, user.name, user.role = spec.email, spec.name, spec.role.value
    if spec.password is not None:
        user.password_hash = passwords.hash(spec.password.get_secret_value())
        user.token_version += int(existed)  # a new password logs the user out everywhere
    scope.session.flush()
    return user, issued


def apply_agent(
    scope: TenantScope, spec: AgentSpec, passwords: Passwords, agent: Agent | None = None
) -> tuple[Agent, list[IssuedSecret]]:
    """Create or update an agent and its user; generated passwords are returned once."""
    levels = skill_ids(scope, spec.skills)
    user = agent.user if agent is not None else scope.users.by_email(spec.email)
    if agent is None and user is not None and user.agent is not None:
        raise ConflictError(f"{spec.email} is already agent {user.agent.extension}")
    user, issued_login = apply_user(scope, spec, passwords, user)
    issued = [issued_login] if issued_login else []
    if agent is None:
        agent = scope.agents.add(Agent(user_id=user.id, extension=spec.extension))
        if spec.sip_password is None:
            issued.append(IssuedSecret(spec.extension, "sip", new_password()))
            scope.agents.set_sip_password(agent, issued[-1].secret)
    agent.extension, agent.max_chats, agent.max_emails = spec.extension, spec.max_chats, spec.max_emails
    if spec.auto_answer is not None:
        agent.auto_answer = spec.auto_answer
    if spec.sip_password is not None:
        scope.agents.set_sip_password(agent, spec.sip_password.get_secret_value())
    scope.agents.set_skills(agent, levels)
    return agent, issued


def skill_spec(skill: Skill) -> SkillSpec:
    """The spec a skill row stands for."""
    return SkillSpec(name=skill.name, description=skill.description)


def queue_spec(queue: Queue) -> QueueSpec:
    """The spec a queue row stands for."""
    return QueueSpec(
        name=queue.name,
        strategy=Strategy(queue.strategy),
        skills=dict(sorted((qs.skill.name, qs.min_level) for qs in queue.required_skills)),
        priority=queue.priority,
        service_level_s=queue.service_level_s,
        service_level_percent=queue.service_level_percent,
        service_level_definition=ServiceLevelDefinition(queue.service_level_definition),
        short_abandon_s=queue.short_abandon_s,
        max_wait_s=queue.max_wait_s,
        wrap_up_s=queue.wrap_up_s,
        overflow=queue.overflow_queue.name if queue.overflow_queue else None,
        ring_timeout_s=queue.ring_timeout_s,
        pause_on_no_answer=queue.pause_on_no_answer,
        steps=[StepSpec(after_s=s["after_s"], skills=skill_names(queue, s["skills"])) for s in queue.steps],
        recording=RecordingMode(queue.recording),
        recording_retention_days=queue.recording_retention_days,
        survey=queue.survey,
        team_email=queue.team_email,
    )


def skill_names(queue: Queue, levels: dict[str, int]) -> dict[str, int]:
    """Stored ``{skill id: level}`` back to names (a deleted skill drops out)."""
    names = {s.id: s.name for s in _tenant_skills(queue)}
    return dict(sorted((names[int(i)], lvl) for i, lvl in levels.items() if int(i) in names))


def _tenant_skills(queue: Queue) -> list[Skill]:
    session = object_session(queue)
    if session is None:
        return []
    return list(TenantScope(session, queue.tenant_id).skills.list())


def disposition_spec(disposition: Disposition) -> DispositionSpec:
    """The spec a disposition row stands for."""
    return DispositionSpec(
        code=disposition.code,
        label=Labels(fr=disposition.label_fr, en=disposition.label_en),
        success=disposition.success,
        final=disposition.final,
    )


def user_spec(user: User) -> UserSpec:
    """The spec a user row stands for (no password: only its hash is kept)."""
    return UserSpec(email=user.email, name=user.name, role=Role(user.role))


def agent_spec(agent: Agent) -> AgentSpec:
    """The spec an agent row stands for (no passwords)."""
    return AgentSpec(
        email=agent.user.email,
        name=agent.user.name,
        role=Role(agent.user.role),
        extension=agent.extension,
        skills=dict(sorted((s.skill.name, s.level) for s in agent.skills)),
        max_chats=agent.max_chats,
        max_emails=agent.max_emails,
        auto_answer=agent.auto_answer,
    )


def trunk_spec(trunk: Trunk) -> TrunkSpec:
    """The spec a trunk row stands for (no password: it is write-only)."""
    return TrunkSpec(
        name=trunk.name,
        host=trunk.host,
        port=trunk.port,
        transport=TrunkTransport(trunk.transport),
        username=trunk.username,
        register=trunk.register,
        expires=trunk.expires,
        caller_id=trunk.caller_id,
        prefix=trunk.prefix,
        active=trunk.active,
    )
