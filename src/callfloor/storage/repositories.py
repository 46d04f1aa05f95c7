"""Tenant-scoped repositories: the only way the application reads and writes tenant rows.

Each repository is built with a session and a tenant id, and every query it runs filters on
that tenant, so an object of another tenant is simply not found (the API then answers 404,
which tells an attacker nothing).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session, selectinload

from callfloor.core.config import Channel
from callfloor.core.log import LOG_ENTRY_TYPES, LogEntry, entry_type
from callfloor.core.sip.digest import DigestAlgorithm, ha1
from callfloor.storage import NotFoundError, StorageError
from callfloor.storage.models import (
    Agent,
    AgentSkill,
    AuditLog,
    Disposition,
    InteractionEvent,
    IvrFlow,
    IvrFlowVersion,
    Number,
    Queue,
    QueueSkill,
    Recording,
    Skill,
    Tenant,
    TenantOwned,
    Trunk,
    User,
)
from callfloor.storage.secretbox import SecretBox
from callfloor.storage.types import utcnow

M = TypeVar("M", bound=TenantOwned)


class TenantRepository(Generic[M]):
    """Reads and writes of one model, always inside one tenant."""

    model: type[M]

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def select(self) -> Select[M]:
        """A SELECT of this model already filtered on the tenant."""
        return select(self.model).where(self.model.tenant_id == self.tenant_id)

    def get(self, object_id: int) -> M | None:
        """The object with this id in this tenant, or None."""
        id_column = self.model.id  # type: ignore[attr-defined]
        return self.session.scalars(self.select().where(id_column == object_id)).one_or_none()

    def require(self, object_id: int) -> M:
        """The object with this id in this tenant; :class:`NotFoundError` otherwise."""
        obj = self.get(object_id)
        if obj is None:
            raise NotFoundError(f"{self.model.__name__} {object_id}")
        return obj

    def list(self) -> Sequence[M]:
        """Every object of this model in the tenant, in id order."""
        return self.session.scalars(self.select().order_by(self.model.id)).all()  # type: ignore[attr-defined]

    def add(self, obj: M) -> M:
        """Insert ``obj`` into this tenant (its tenant_id is forced)."""
        obj.tenant_id = self.tenant_id
        self.session.add(obj)
        self.session.flush()
        return obj

    def delete(self, obj: M) -> None:
        """Delete ``obj``, which must belong to this tenant."""
        if obj.tenant_id != self.tenant_id:
            raise NotFoundError(f"{self.model.__name__} not in tenant")
        self.session.delete(obj)
        self.session.flush()


class SkillRepository(TenantRepository[Skill]):
    """Skills, found by name."""

    model = Skill

    def by_name(self, name: str) -> Skill | None:
        """The skill called ``name``, or None."""
        return self.session.scalars(self.select().where(Skill.name == name)).one_or_none()

    def by_names(self, names: Sequence[str]) -> dict[str, Skill]:
        """Skills by name; names that do not exist are missing from the result."""
        found = self.session.scalars(self.select().where(Skill.name.in_(names))).all()
        return {s.name: s for s in found}


class QueueRepository(TenantRepository[Queue]):
    """Queues, found by name, with their required skills."""

    model = Queue

    def by_name(self, name: str) -> Queue | None:
        """The queue called ``name``, or None."""
        return self.session.scalars(self.select().where(Queue.name == name)).one_or_none()

    def set_required_skills(self, queue: Queue, levels: dict[int, int]) -> None:
        """Replace the queue's required skills with ``{skill_id: min_level}``."""
        queue.required_skills = [
            QueueSkill(tenant_id=self.tenant_id, skill_id=s, min_level=lvl)
            for s, lvl in sorted(levels.items())
        ]
        self.session.flush()


class NumberRepository(TenantRepository[Number]):
    """Dialed numbers, found by their normalised form."""

    model = Number

    def by_number(self, number: str) -> Number | None:
        """The tenant's entry for a normalised number, or None."""
        return self.session.scalars(self.select().where(Number.number == number)).one_or_none()


class IvrFlowRepository(TenantRepository[IvrFlow]):
    """IVR flows, found by name; each keeps its versions."""

    model = IvrFlow

    def by_name(self, name: str) -> IvrFlow | None:
        """The flow called ``name``, or None."""
        return self.session.scalars(self.select().where(IvrFlow.name == name)).one_or_none()

    def add_version(self, flow: IvrFlow, definition: dict[str, Any]) -> IvrFlowVersion:
        """Keep ``definition`` as the flow's next version and make it the active one."""
        number = max((v.version for v in flow.versions), default=0) + 1
        version = IvrFlowVersion(tenant_id=self.tenant_id, version=number, definition=definition)
        flow.versions.append(version)
        flow.active_version = number
        return version


class DispositionRepository(TenantRepository[Disposition]):
    """Dispositions, found by code."""

    model = Disposition

    def by_code(self, code: str) -> Disposition | None:
        """The disposition with ``code``, or None."""
        return self.session.scalars(self.select().where(Disposition.code == code)).one_or_none()


class RecordingRepository(TenantRepository[Recording]):
    """Call recordings' metadata (the audio is a file under the data dir, handled by the server)."""

    model = Recording

    def list(self, *, interaction_id: str | None = None, limit: int | None = None) -> Sequence[Recording]:
        """The tenant's recordings, newest first; only one interaction's when given."""
        query = self.select().options(selectinload(Recording.queue), selectinload(Recording.agent))
        if interaction_id is not None:
            query = query.where(Recording.interaction_id == interaction_id)
        query = query.order_by(Recording.started_at.desc(), Recording.id.desc())
        return self.session.scalars(query if limit is None else query.limit(limit)).all()


class TrunkRepository(TenantRepository[Trunk]):
    """SIP trunks, found by name, with their sealed passwords."""

    model = Trunk

    def by_name(self, name: str) -> Trunk | None:
        """The trunk called ``name``, or None."""
        return self.session.scalars(self.select().where(Trunk.name == name)).one_or_none()

    def set_password(self, trunk: Trunk, password: str | None, box: SecretBox) -> None:
        """Seal and keep ``password``, or forget the stored one when it is None."""
        trunk.password_sealed = None if password is None else box.seal(password)


class UserRepository:
    """Users of one tenant (``User`` allows a null tenant for superadmins, hence no generic)."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def select(self) -> Select[User]:
        """A SELECT of users already filtered on the tenant."""
        return select(User).where(User.tenant_id == self.tenant_id)

    def get(self, user_id: int) -> User | None:
        """The user with this id in this tenant, or None."""
        return self.session.scalars(self.select().where(User.id == user_id)).one_or_none()

    def list(self) -> Sequence[User]:
        """Every user of the tenant, in id order."""
        return self.session.scalars(self.select().order_by(User.id)).all()

    def by_email(self, email: str) -> User | None:
        """The tenant's user with this address (case-insensitive), or None."""
        return self.session.scalars(self.select().where(User.email == email.strip().lower())).one_or_none()

    def add(self, user: User) -> User:
        """Insert ``user`` into this tenant."""
        user.tenant_id = self.tenant_id
        user.email = user.email.strip().lower()
        self.session.add(user)
        self.session.flush()
        return user

    def delete(self, user: User) -> None:
        """Delete ``user`` (and its agent), which must belong to this tenant."""
        if user.tenant_id != self.tenant_id:
            raise NotFoundError("user not in tenant")
        self.session.delete(user)
        self.session.flush()


class AgentRepository(TenantRepository[Agent]):
    """Agents, found by extension, with skills and SIP credentials."""

    model = Agent

    def by_extension(self, extension: str) -> Agent | None:
        """The agent at ``extension``, or None."""
        return self.session.scalars(self.select().where(Agent.extension == extension)).one_or_none()

    def by_user(self, user_id: int) -> Agent | None:
        """The agent of user ``user_id``, or None."""
        return self.session.scalars(self.select().where(Agent.user_id == user_id)).one_or_none()

    def set_skills(self, agent: Agent, levels: dict[int, int]) -> None:
        """Replace the agent's skills with ``{skill_id: level}``."""
        agent.skills = [
            AgentSkill(tenant_id=self.tenant_id, skill_id=s, level=lvl) for s, lvl in sorted(levels.items())
        ]
        self.session.flush()

    def set_sip_password(self, agent: Agent, password: str) -> None:
        """Store HA1 for the tenant's realm, for both algorithms; the password itself is dropped."""
        tenant = self.session.get(Tenant, self.tenant_id)
        if tenant is None:
            raise NotFoundError("tenant")
        agent.sip_ha1_md5 = ha1(agent.extension, tenant.sip_realm, password, DigestAlgorithm.MD5)
        agent.sip_ha1_sha256 = ha1(agent.extension, tenant.sip_realm, password, DigestAlgorithm.SHA256)


def log_entry(row: InteractionEvent) -> LogEntry:
    """A stored log row as the core's entry (the inverse of ``LiveFloor._row``): folds of the
    stored log (the wallboard's day, the queue reports) read it back through here."""
    p = row.payload
    kind = entry_type(row.type)
    channel = Channel(p["channel"]) if "channel" in p else None
    return LogEntry(
        row.at.timestamp(), kind, row.interaction_id, p.get("queue"), p.get("agent"), channel,
        p.get("priority"), p.get("wait_s"), p.get("talk_s"), p.get("wrap_s"), p.get("reason"),
        p.get("hold_s"),
    )  # fmt: skip


class InteractionLog:
    """The append-only interaction log of one tenant: append and read, nothing else."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def append(
        self,
        type_: str,
        at: datetime,
        *,
        interaction_id: str | None = None,
        queue_id: int | None = None,
        agent_id: int | None = None,
        payload: dict[str, Any] | None = None,
    ) -> InteractionEvent:
        """Append one entry; its type must be one of ``core.log``'s."""
        if type_ not in LOG_ENTRY_TYPES:
            raise StorageError(f"unknown log entry type {type_!r}")
        if at.tzinfo is None:
            raise StorageError("naive datetime: log times must be aware (UTC is stored)")
        entry = InteractionEvent(
            tenant_id=self.tenant_id,
            interaction_id=interaction_id,
            type=type_,
            at=at,
            queue_id=queue_id,
            agent_id=agent_id,
            payload=payload or {},
        )
        self.session.add(entry)
        self.session.flush()
        return entry

    def append_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append entries in one statement: ``type``, ``at`` and optionally ``interaction_id``,
        ``queue_id``, ``agent_id``, ``payload`` each, checked as :meth:`append` checks them.

        The live floor's group commit writes through here: one INSERT of many rows costs a
        tenth of an ORM object flushed per entry.
        """
        for row in rows:
            if row["type"] not in LOG_ENTRY_TYPES:
                raise StorageError(f"unknown log entry type {row['type']!r}")
            if row["at"].tzinfo is None:
                raise StorageError("naive datetime: log times must be aware (UTC is stored)")
        if rows:
            defaults: dict[str, Any] = {
                "interaction_id": None,
                "queue_id": None,
                "agent_id": None,
                "payload": {},
            }
            values = [{**defaults, **row, "tenant_id": self.tenant_id} for row in rows]
            self.session.execute(insert(InteractionEvent), values)

    def for_interaction(self, interaction_id: str) -> Sequence[InteractionEvent]:
        """The entries of one interaction, in log order."""
        query = (
            select(InteractionEvent)
            .where(InteractionEvent.tenant_id == self.tenant_id)
            .where(InteractionEvent.interaction_id == interaction_id)
            .order_by(InteractionEvent.id)
        )
        return self.session.scalars(query).all()

    def between(self, start: datetime, end: datetime) -> Sequence[InteractionEvent]:
        """Entries with ``start <= at < end``, in log order."""
        query = (
            select(InteractionEvent)
            .where(InteractionEvent.tenant_id == self.tenant_id)
            .where(InteractionEvent.at >= start, InteractionEvent.at < end)
            .order_by(InteractionEvent.id)
        )
        return self.session.scalars(query).all()


def audit(
    session: Session,
    action: str,
    *,
    tenant_id: int | None,
    actor: User | None = None,
    actor_email: str | None = None,
    target: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Write one audit entry in the caller's transaction."""
    entry = AuditLog(
        tenant_id=tenant_id,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else actor_email,
        action=action,
        target=target,
        ip=ip,
        details=details or {},
    )
    session.add(entry)
    session.flush()
    return entry


def audit_entries(session: Session, tenant_id: int) -> Sequence[AuditLog]:
    """A tenant's audit entries, oldest first."""
    query = select(AuditLog).where(AuditLog.tenant_id == tenant_id).order_by(AuditLog.id)
    return session.scalars(query).all()
