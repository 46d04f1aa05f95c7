"""Agents of the caller's tenant: supervisors read, admins manage.

The SIP password is write-only: it is stored as HA1 for the tenant's realm, and the API only
says whether one is set. HA1 covers the extension (the SIP user name), so changing the
extension without a new SIP password clears the credentials rather than keeping stale ones.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import directory_changes
from callfloor.api.errors import conflict, not_found
from callfloor.api.resources import Configurer, Observer, unknown_reference
from callfloor.center.apply import skill_ids
from callfloor.center.schema import Extension, Level, Name, Password
from callfloor.storage import UnknownReferenceError
from callfloor.storage.models import Agent
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

# an agent's extension and HA1 are what SIP authenticates against
router = APIRouter(prefix="/api/agents", tags=["agents"], dependencies=[Depends(directory_changes)])

Chats = Annotated[int, Field(ge=0, le=20)]
Emails = Annotated[int, Field(ge=0, le=50)]


class AgentPatch(BaseModel):
    """Changes to an agent; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    extension: Extension | None = None
    skills: dict[Name, Level] | None = None
    max_chats: Chats | None = None
    max_emails: Emails | None = None
    sip_password: Password | None = None
    auto_answer: bool | None = Field(
        default=None, description="Ask the agent's phone to answer calls at once (a headset's auto-answer)."
    )


class AgentCreate(AgentPatch):
    """A new agent: an existing user of the tenant at an extension."""

    user_id: int
    extension: Extension
    skills: dict[Name, Level] = Field(default_factory=dict)
    max_chats: Chats = 3
    max_emails: Emails = 5


class AgentOut(BaseModel):
    """An agent as the API shows it (never its credentials)."""

    id: int
    user_id: int
    email: str
    name: str
    extension: str
    skills: dict[str, int]
    max_chats: int
    max_emails: int
    has_sip_password: bool
    auto_answer: bool


def _out(agent: Agent) -> AgentOut:
    return AgentOut(
        id=agent.id,
        user_id=agent.user_id,
        email=agent.user.email,
        name=agent.user.name,
        extension=agent.extension,
        skills=dict(sorted((s.skill.name, s.level) for s in agent.skills)),
        max_chats=agent.max_chats,
        max_emails=agent.max_emails,
        has_sip_password=agent.sip_ha1_md5 is not None,
        auto_answer=agent.auto_answer,
    )


def _agent(caller: Observer, agent_id: int) -> Agent:
    agent = TenantScope(caller.session, caller.tenant_id).agents.get(agent_id)
    if agent is None:
        raise not_found()
    return agent


def _apply(scope: TenantScope, agent: Agent, body: AgentPatch) -> None:
    if body.extension is not None and body.extension != agent.extension:
        if scope.agents.by_extension(body.extension) is not None:
            raise conflict(
                f"Le poste {body.extension} existe déjà.", f"Extension {body.extension} exists.", "duplicate"
            )
        agent.extension = body.extension
        agent.sip_ha1_md5 = agent.sip_ha1_sha256 = None
    if body.skills is not None:
        try:
            scope.agents.set_skills(agent, skill_ids(scope, body.skills))
        except UnknownReferenceError as exc:
            raise unknown_reference(exc) from exc
    if body.max_chats is not None:
        agent.max_chats = body.max_chats
    if body.max_emails is not None:
        agent.max_emails = body.max_emails
    if body.sip_password is not None:
        scope.agents.set_sip_password(agent, body.sip_password.get_secret_value())
    if body.auto_answer is not None:
        agent.auto_answer = body.auto_answer


@router.get("")
def list_agents(caller: Observer) -> list[AgentOut]:
    """The tenant's agents."""
    return [_out(a) for a in TenantScope(caller.session, caller.tenant_id).agents.list()]


@router.post("", status_code=201)
def create_agent(body: AgentCreate, caller: Configurer) -> AgentOut:
    """Make an existing user of the tenant an agent."""
    scope = TenantScope(caller.session, caller.tenant_id)
    user = scope.users.get(body.user_id)
    if user is None:
        raise unknown_reference(UnknownReferenceError("user", str(body.user_id)))
    if user.agent is not None:
        raise conflict("Cet utilisateur est déjà agent.", "This user is already an agent.", "duplicate")
    if scope.agents.by_extension(body.extension) is not None:
        raise conflict(
            f"Le poste {body.extension} existe déjà.", f"Extension {body.extension} exists.", "duplicate"
        )
    agent = scope.agents.add(Agent(user_id=user.id, extension=body.extension))
    _apply(scope, agent, body)
    caller.session.flush()
    audit(
        caller.session, "agent.create", tenant_id=caller.tenant_id, actor=caller.user, target=agent.extension
    )
    return _out(agent)


@router.get("/{agent_id}")
def get_agent(agent_id: int, caller: Observer) -> AgentOut:
    """One agent of the tenant."""
    return _out(_agent(caller, agent_id))


@router.patch("/{agent_id}")
def update_agent(agent_id: int, body: AgentPatch, caller: Configurer) -> AgentOut:
    """Change an agent's extension, skills, capacities, SIP password or auto-answer."""
    agent = _agent(caller, agent_id)
    _apply(TenantScope(caller.session, caller.tenant_id), agent, body)
    audit(
        caller.session,
        "agent.update",
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=agent.extension,
        details={"changed": sorted(body.model_fields_set)},
    )
    return _out(agent)


@router.delete("/{agent_id}", status_code=204)
def delete_agent(agent_id: int, caller: Configurer) -> Response:
    """Remove the agent (the user stays)."""
    agent = _agent(caller, agent_id)
    audit(
        caller.session, "agent.delete", tenant_id=caller.tenant_id, actor=caller.user, target=agent.extension
    )
    TenantScope(caller.session, caller.tenant_id).agents.delete(agent)
    return Response(status_code=204)
