"""Repositories never cross a tenant's border; logs and times behave as documented."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.log import InteractionEventType
from callfloor.core.sip.digest import DigestAlgorithm, ha1
from callfloor.storage import ConflictError, NotFoundError, StorageError
from callfloor.storage.models import Agent, Queue, Recording, Skill, Tenant, Trunk, User
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit, audit_entries
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox


def _two_tenants(session: Session) -> tuple[Tenant, Tenant]:
    platform = Platform(session)
    return platform.create_tenant("acme", "Acme"), platform.create_tenant("globex", "Globex")


def test_objects_of_another_tenant_are_not_found(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        a, g = TenantScope(session, acme.id), TenantScope(session, globex.id)
        skill = a.skills.add(Skill(name="fr"))
        g.skills.add(Skill(name="fr"))  # same name, other tenant: allowed
        assert a.skills.get(skill.id) is skill
        assert g.skills.get(skill.id) is None
        assert [s.tenant_id for s in g.skills.list()] == [globex.id]
        with pytest.raises(NotFoundError):
            g.skills.require(skill.id)
        with pytest.raises(NotFoundError):
            g.skills.delete(skill)
        assert a.skills.by_name("fr") is skill


def test_add_forces_the_repository_tenant(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        skill = TenantScope(session, acme.id).skills.add(Skill(name="x", tenant_id=globex.id))
        assert skill.tenant_id == acme.id


def test_unique_names_per_tenant(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        acme, _ = _two_tenants(session)
        scope = TenantScope(session, acme.id)
        scope.skills.add(Skill(name="fr"))
        with pytest.raises(IntegrityError):
            scope.skills.add(Skill(name="fr"))
        session.rollback()


def test_tenant_slug_rules(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        platform = Platform(session)
        platform.create_tenant("acme-2", "Acme")
        with pytest.raises(ConflictError, match="exists"):
            platform.create_tenant("acme-2", "Again")
        for bad in ("Acme", "-acme", "ac me", "a" * 41, ""):
            with pytest.raises(ConflictError, match="invalid slug"):
                platform.create_tenant(bad, "Bad")


def test_superadmin_has_no_tenant_and_others_have_one(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        acme, _ = _two_tenants(session)
    for role, tenant_id in (("admin", None), ("superadmin", acme.id)):
        with sessions() as session:
            session.add(User(email="x@example.org", name="X", role=role, tenant_id=tenant_id))
            with pytest.raises(IntegrityError):
                session.flush()


def test_sip_password_is_stored_as_ha1_for_the_tenant_realm(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        acme, _ = _two_tenants(session)
        scope = TenantScope(session, acme.id)
        user = scope.users.add(User(email="A@Example.org", name="A", role="agent"))
        agent = scope.agents.add(Agent(user_id=user.id, extension="1001"))
        scope.agents.set_sip_password(agent, "s3cret-pass")
        assert user.email == "a@example.org"
        assert agent.sip_ha1_md5 == ha1("1001", "acme", "s3cret-pass", DigestAlgorithm.MD5)
        assert agent.sip_ha1_sha256 == ha1("1001", "acme", "s3cret-pass", DigestAlgorithm.SHA256)
        assert "s3cret-pass" not in repr(vars(agent))


def test_interaction_log_appends_reads_in_order_and_keeps_utc(sessions: sessionmaker[Session]) -> None:
    paris = timezone(timedelta(hours=1))
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        log = TenantScope(session, acme.id).log
        log.append(
            InteractionEventType.ENQUEUED,
            datetime(2026, 3, 2, 10, 0, tzinfo=paris),
            interaction_id="i1",
            queue_id=3,
            payload={"caller": "+33612345678"},
        )
        log.append(
            InteractionEventType.ANSWERED,
            datetime(2026, 3, 2, 9, 0, 12, tzinfo=UTC),
            interaction_id="i1",
            agent_id=7,
        )
        TenantScope(session, globex.id).log.append(
            "enqueued", datetime(2026, 3, 2, 9, tzinfo=UTC), interaction_id="i1"
        )
        with pytest.raises(StorageError, match="unknown log entry type"):
            log.append("exploded", datetime(2026, 3, 2, tzinfo=UTC))
        with pytest.raises(StorageError, match="naive"):
            log.append("completed", datetime(2026, 3, 2))
    with sessions() as session:
        entries = TenantScope(session, acme.id).log.for_interaction("i1")
        assert [e.type for e in entries] == ["enqueued", "answered"]
        assert entries[0].at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        assert entries[0].at.tzinfo is not None
        assert entries[0].payload == {"caller": "+33612345678"}
        window = TenantScope(session, acme.id).log.between(
            datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC), datetime(2026, 3, 2, 10, tzinfo=UTC)
        )
        assert [e.type for e in window] == ["answered"]


def test_audit_entries_are_per_tenant(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        audit(session, "config.import", tenant_id=acme.id, target="acme", details={"n": 1})
        audit(session, "login.failure", tenant_id=None, actor_email="nobody@example.org")
        assert [e.action for e in audit_entries(session, acme.id)] == ["config.import"]
        assert audit_entries(session, globex.id) == []


def _recording(interaction: str, started: datetime, retain_until: datetime, **links: int) -> Recording:
    return Recording(
        interaction_id=interaction,
        path=f"recordings/{interaction}.wav",
        started_at=started,
        duration_s=61.5,
        stereo=True,
        pauses=[[1.0, 2.5]],
        consent="informed",
        retain_until=retain_until,
        **links,
    )


def test_recordings_are_per_tenant_and_outlive_their_queue_and_agent(sessions: sessionmaker[Session]) -> None:
    t0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        a, g = TenantScope(session, acme.id), TenantScope(session, globex.id)
        queue = a.queues.add(Queue(name="support"))
        user = a.users.add(User(email="z@acme.example", name="Z", role="agent"))
        agent = a.agents.add(Agent(user_id=user.id, extension="2001"))
        first = a.recordings.add(
            _recording("c1", t0, t0 + timedelta(days=90), queue_id=queue.id, agent_id=agent.id)
        )
        later = a.recordings.add(_recording("c1", t0 + timedelta(minutes=2), t0 + timedelta(days=90)))
        other = a.recordings.add(_recording("c2", t0 + timedelta(minutes=1), t0 + timedelta(days=90)))
        g.recordings.add(_recording("c1", t0, t0 + timedelta(days=90)))
        assert [r.id for r in a.recordings.list()] == [later.id, other.id, first.id]
        assert [r.id for r in a.recordings.list(interaction_id="c1")] == [later.id, first.id]
        assert [r.id for r in a.recordings.list(limit=2)] == [later.id, other.id]
        assert g.recordings.get(first.id) is None
        with pytest.raises(NotFoundError):
            g.recordings.delete(first)
        ids = (acme.id, first.id, queue.id, agent.id)
    with sessions.begin() as session:
        a = TenantScope(session, ids[0])
        a.queues.delete(a.queues.require(ids[2]))
        a.agents.delete(a.agents.require(ids[3]))
    with sessions() as session:
        row = TenantScope(session, ids[0]).recordings.require(ids[1])
        assert (row.queue_id, row.agent_id) == (None, None)
        assert (row.started_at, row.pauses, row.stereo) == (t0, [[1.0, 2.5]], True)


def test_expired_recordings_span_tenants(sessions: sessionmaker[Session]) -> None:
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        late = TenantScope(session, acme.id).recordings.add(_recording("a", t0, t0 + timedelta(days=2)))
        soon = TenantScope(session, globex.id).recordings.add(_recording("g", t0, t0 + timedelta(days=1)))
        TenantScope(session, acme.id).recordings.add(_recording("k", t0, t0 + timedelta(days=30)))
        platform = Platform(session)
        assert platform.expired_recordings(t0) == []
        assert [r.id for r in platform.expired_recordings(t0 + timedelta(days=2))] == [soon.id, late.id]
        assert [r.id for r in platform.expired_recordings(t0 + timedelta(days=9), limit=1)] == [soon.id]


def test_trunks_are_per_tenant_with_sealed_passwords(sessions: sessionmaker[Session]) -> None:
    box = SecretBox(b"test-secret-key-not-for-production")
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        a, g = TenantScope(session, acme.id), TenantScope(session, globex.id)
        trunk = a.trunks.add(Trunk(name="operator", host="sip.operator.example", username="acme"))
        g.trunks.add(Trunk(name="operator", host="sip.other.example"))  # same name, other tenant
        a.trunks.set_password(trunk, "trunk-secret", box)
        assert trunk.password_sealed is not None
        assert "trunk-secret" not in trunk.password_sealed
        assert box.open(trunk.password_sealed) == "trunk-secret"
        assert a.trunks.by_name("operator") is trunk
        assert g.trunks.get(trunk.id) is None
        with pytest.raises(NotFoundError):
            g.trunks.delete(trunk)
        a.trunks.set_password(trunk, None, box)
        assert trunk.password_sealed is None
        assert (trunk.port, trunk.transport, trunk.register, trunk.expires, trunk.prefix, trunk.active) == (
            5060,
            "udp",
            False,
            3600,
            "",
            True,
        )
    with sessions() as session, session.begin():
        with pytest.raises(IntegrityError, match="port_range"):
            TenantScope(session, acme.id).trunks.add(Trunk(name="other", host="h.example", port=0))
        session.rollback()


def test_active_trunks_span_active_tenants_only(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        acme, globex = _two_tenants(session)
        closed = Platform(session).create_tenant("closed", "Closed")
        closed.active = False
        a, g = TenantScope(session, acme.id), TenantScope(session, globex.id)
        a.trunks.add(Trunk(name="zeta", host="z.example"))
        a.trunks.add(Trunk(name="alpha", host="a.example"))
        a.trunks.add(Trunk(name="spare", host="s.example", active=False))
        g.trunks.add(Trunk(name="main", host="g.example"))
        TenantScope(session, closed.id).trunks.add(Trunk(name="main", host="c.example"))
        found = [(t.tenant_id, t.name) for t in Platform(session).active_trunks()]
        assert found == [(acme.id, "alpha"), (acme.id, "zeta"), (globex.id, "main")]
