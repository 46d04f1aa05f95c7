"""The tables of the floor's spine: tenants, users, agents, skills, queues, dispositions, logs.

Natural keys are unique per tenant (skill and queue names, extensions, disposition codes) so a
center's YAML can name them; e-mail addresses are unique platform-wide because they are the
login. SIP secrets are stored as HA1 per algorithm for the tenant's realm (RFC 7616 §3.4.2),
never in clear; trunk passwords, which callfloor must send back to a provider, are sealed.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from callfloor.core.config import ServiceLevelDefinition, Strategy
from callfloor.storage.types import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Integer on SQLite (so it is the rowid and autoincrements), BIGINT elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012 - read by SQLAlchemy


class TenantOwned:
    """Mixin for every row that belongs to one tenant."""

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


class Tenant(Base):
    """A client company of the center (or the center itself when it works in-house)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    sip_realm: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether the client's viewers (role client_viewer) may read its customer file; the center decides.
    client_viewer_personal_data: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The pause reasons its agents choose from, [{"code", "fr", "en"}] in the desk's order; None:
    # the default ones (callfloor.core.acd.pause_reasons).
    pause_reasons: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # The wallboard's thresholds it sets, {figure: {"amber", "red"}}; None or a figure left out: the
    # defaults (callfloor.web.wallboard.THRESHOLDS).
    wallboard_thresholds: Mapped[dict[str, dict[str, float]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person who logs in; a superadmin has no tenant, everybody else exactly one."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'superadmin' AND tenant_id IS NULL) OR (role <> 'superadmin' AND tenant_id IS NOT NULL)",
            name="tenant_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change or deactivation: tokens carry it, so old ones stop working.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # The pages' language the user chose ("fr", "en"); None: the tenant's.
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agent: Mapped["Agent | None"] = relationship(back_populates="user", passive_deletes=True)


class Skill(TenantOwned, Base):
    """Something an agent can do and a queue can require (a language, a product, a level)."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200), default="")


class Agent(TenantOwned, Base):
    """A user who takes interactions: an extension, SIP credentials, skills and capacities."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("tenant_id", "extension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    extension: Mapped[str] = mapped_column(String(16))
    sip_ha1_md5: Mapped[str | None] = mapped_column(String(32))
    sip_ha1_sha256: Mapped[str | None] = mapped_column(String(64))
    max_chats: Mapped[int] = mapped_column(Integer, default=3)
    max_emails: Mapped[int] = mapped_column(Integer, default=5)
    # Their phone is asked to answer our calls at once (a headset): Call-Info answer-after=0.
    auto_answer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="agent")
    skills: Mapped[list["AgentSkill"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AgentSkill.skill_id"
    )


class AgentSkill(TenantOwned, Base):
    """An agent's level (1-10) in one skill."""

    __tablename__ = "agent_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 10", name="level_range"),)

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)

    skill: Mapped[Skill] = relationship()


class Queue(TenantOwned, Base):
    """Where interactions wait for a competent agent; its service-level rules travel with it."""

    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    strategy: Mapped[str] = mapped_column(String(32), default=Strategy.LONGEST_IDLE.value)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    service_level_s: Mapped[int] = mapped_column(Integer, default=20)
    service_level_percent: Mapped[int] = mapped_column(Integer, default=80)
    service_level_definition: Mapped[str] = mapped_column(
        String(32), default=ServiceLevelDefinition.OFFERED.value
    )
    short_abandon_s: Mapped[int] = mapped_column(Integer, default=5)
    max_wait_s: Mapped[int | None] = mapped_column(Integer)
    wrap_up_s: Mapped[int] = mapped_column(Integer, default=0)
    overflow_queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    ring_timeout_s: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    pause_on_no_answer: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Skills escalation: [{"after_s": 30, "skills": {"<skill id>": min level}}], by skill id so a
    # renamed skill stays referenced.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    recording: Mapped[str] = mapped_column(String(8), default="off", server_default="off")
    recording_retention_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    # The IVR flow the caller is sent to once the agent hangs up (post-call survey), by name.
    survey: Mapped[str | None] = mapped_column(String(64))
    # Where the queue's voicemail messages are e-mailed (the team's shared address).
    team_email: Mapped[str | None] = mapped_column(String(254))

    required_skills: Mapped[list["QueueSkill"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="QueueSkill.skill_id"
    )
    overflow_queue: Mapped["Queue | None"] = relationship(remote_side=[id])


class QueueSkill(TenantOwned, Base):
    """A skill a queue requires, with the lowest level accepted."""

    __tablename__ = "queue_skills"
    __table_args__ = (CheckConstraint("min_level BETWEEN 1 AND 10", name="min_level_range"),)

    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    min_level: Mapped[int] = mapped_column(Integer, default=1)

    skill: Mapped[Skill] = relationship()


class IvrFlow(TenantOwned, Base):
    """A tenant's IVR flow (serveur vocal interactif), by name.

    Every change is a new :class:`IvrFlowVersion`, kept; ``active_version`` says which one calls
    walk, so that going back to an earlier flow is a matter of naming its version.
    """

    __tablename__ = "ivr_flows"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    active_version: Mapped[int] = mapped_column(Integer, default=1)

    versions: Mapped[list["IvrFlowVersion"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="IvrFlowVersion.version"
    )

    @property
    def active(self) -> "IvrFlowVersion":
        """The version calls walk."""
        return next(v for v in self.versions if v.version == self.active_version)


class IvrFlowVersion(TenantOwned, Base):
    """One version of a flow: its definition as the center YAML writes it (start, nodes)."""

    __tablename__ = "ivr_flow_versions"
    __table_args__ = (UniqueConstraint("flow_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("ivr_flows.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Number(TenantOwned, Base):
    """A number callers dial (a numéro vert, a short number) and where its calls go: a queue, or an IVR flow.

    Stored normalised (:func:`callfloor.core.numbers.normalize`) and unique on the platform: the
    trunk's dialed number alone decides the tenant.
    """

    __tablename__ = "numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_flows.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(String(200), default="")

    queue: Mapped[Queue | None] = relationship()
    flow: Mapped[IvrFlow | None] = relationship()


class Recording(TenantOwned, Base):
    """One recorded call leg pair (caller and agent) in a WAV file under the data dir.

    A transferred call is recorded once per agent, so an interaction may have several. Queue
    and agent are kept as foreign keys that go null when they are deleted: the recording stays
    until its retention date, whatever the configuration becomes.
    """

    __tablename__ = "recordings"
    __table_args__ = (
        Index("ix_recordings_tenant_interaction", "tenant_id", "interaction_id"),
        Index("ix_recordings_tenant_started", "tenant_id", "started_at"),
        Index("ix_recordings_retain_until", "retain_until"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The SIP Call-ID of the caller's leg; RFC 3261 §8.1.1.4 sets no length, 255 is plenty.
    interaction_id: Mapped[str] = mapped_column(String(255))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queues.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    # Relative to the data dir (POSIX separators), so the data dir can move.
    path: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column()
    duration_s: Mapped[float] = mapped_column(Float)
    stereo: Mapped[bool] = mapped_column(Boolean)
    # Spans left silent (card payments), [[start_s, end_s], ...] from the start of the file.
    pauses: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    # How the caller was told (an "informed" announcement, say); the proof the law asks for.
    consent: Mapped[str] = mapped_column(String(40))
    retain_until: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    queue: Mapped[Queue | None] = relationship()
    agent: Mapped[Agent | None] = relationship()


class Trunk(TenantOwned, Base):
    """A SIP trunk to a provider: where outbound calls go, and optionally a registration.

    The password is sealed (:mod:`callfloor.storage.secretbox`), not hashed: answering the
    provider's digest challenge needs it back (RFC 8760 §3).
    """

    __tablename__ = "trunks"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint("port BETWEEN 1 AND 65535", name="port_range"),
        CheckConstraint("expires BETWEEN 60 AND 86400", name="expires_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    # A host name (RFC 1123: 253 characters at most) or an IP address.
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer, default=5060)
    transport: Mapped[str] = mapped_column(String(8), default="udp")
    username: Mapped[str | None] = mapped_column(String(128))
    # A Fernet token; Text, since its length grows with the password's UTF-8 length.
    password_sealed: Mapped[str | None] = mapped_column(Text)
    register: Mapped[bool] = mapped_column(Boolean, default=False)
    expires: Mapped[int] = mapped_column(Integer, default=3600)
    caller_id: Mapped[str | None] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(10), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Disposition(TenantOwned, Base):
    """The outcome an agent records at the end of an interaction (qualification d'appel)."""

    __tablename__ = "dispositions"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    final: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditLog(Base):
    """Who did what, when, from where: logins, user changes, configuration imports."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_at", "tenant_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Null for platform-level entries (a failed login for an unknown address, say).
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class InteractionEvent(TenantOwned, Base):
    """One entry of the append-only interaction log; KPIs are a fold over these rows.

    Queue and agent are plain ids, not foreign keys: the log outlives configuration changes.
    A trigger (see the first migration) refuses every UPDATE.
    """

    __tablename__ = "interaction_events"
    __table_args__ = (
        Index("ix_interaction_events_tenant_at", "tenant_id", "at"),
        Index("ix_interaction_events_tenant_interaction", "tenant_id", "interaction_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    interaction_id: Mapped[str | None] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column()
    queue_id: Mapped[int | None] = mapped_column(Integer)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
