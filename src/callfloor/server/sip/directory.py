"""What the SIP endpoint asks the database: which tenant a request is for, an agent's HA1.

A phone names its tenant by the domain it registers to (the tenant's SIP realm); a request to
an IP address goes to the configured default tenant, which is what a single-center install
(and the demo) wants.

*Caching.* These look-ups run on the event loop for every INVITE and REGISTER, and a query
through the ORM costs about a millisecond: at 300 calls/s the route of the dialed number alone
took a quarter of the process (``bench/sip_cps.py``). So answers, "no such number" included,
are kept in memory. The API's writes to numbers, queues, agents and tenants call
:meth:`Directory.invalidate` once committed; what another process writes (``callfloor
import``) shows within :attr:`Directory.ttl` seconds, each answer being kept that long at most.
"""

import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.flows import core_flow, flow_spec
from callfloor.core.ivr.flow import Flow
from callfloor.core.numbers import lookup_keys
from callfloor.core.schedule.calendar import Schedule
from callfloor.core.sip.digest import DigestAlgorithm
from callfloor.crm.sla import schedule_of
from callfloor.storage.models import Agent, Tenant
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Route:
    """Where a dialed number leads: one of a tenant's queues, or the active version of an IVR flow."""

    tenant_id: int
    queue: str | None = None
    flow: Flow | None = None


@dataclass(frozen=True, slots=True)
class QueueExtras:
    """What the live server needs of a queue beyond routing: its post-call survey flow, its team's address."""

    survey: str | None = None
    team_email: str | None = None


@dataclass(frozen=True, slots=True)
class SipTenant:
    """A tenant as SIP sees it; ``country`` is where its agents' dialed numbers are read."""

    id: int
    realm: str
    country: str = "FR"


class Directory:
    """Database look-ups for the SIP endpoint (short, synchronous queries), cached for ``ttl`` s.

    :meth:`invalidate` may be called from another thread (the API's worker threads): a look-up
    that was reading the database while it ran does not store its answer, which may predate
    the change.
    """

    MAX_ENTRIES = 10_000  # past it the cache starts over: a scanner dialing random numbers cannot grow it

    def __init__(
        self,
        sessions: sessionmaker[Session],
        default_tenant: str | None,
        *,
        ttl: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``ttl`` bounds how stale an answer may be; ``clock`` is injectable for tests."""
        self._sessions = sessions
        self._default = default_tenant
        self.ttl = ttl
        self._clock = clock
        self._cache: dict[Hashable, tuple[float, object]] = {}
        self._generation = 0

    def invalidate(self) -> None:
        """Forget every cached answer: the database changed."""
        self._generation += 1
        self._cache = {}

    def tenant_for(self, host: str) -> SipTenant | None:
        """The active tenant whose realm is ``host``, else the default tenant."""
        return self._cached(("tenant", host.lower()), lambda: self._tenant_for(host.lower()))

    def route(self, dialed: str) -> Route | None:
        """Where a dialed number leads, or None (no such number, or it leads nowhere)."""
        return self._cached(("route", dialed), lambda: self._route(dialed))

    def ha1(self, tenant_id: int, extension: str) -> Mapping[DigestAlgorithm, str] | None:
        """The agent's stored HA1 per algorithm, or None for no such agent (or no password)."""
        return self._cached(("ha1", tenant_id, extension), lambda: self._ha1(tenant_id, extension))

    def auto_answer(self, tenant_id: int, extension: str) -> bool:
        """Whether the agent's phone is to answer our calls at once (false for no such agent)."""
        return self._cached(("auto", tenant_id, extension), lambda: self._auto_answer(tenant_id, extension))

    def schedule(self, tenant_id: int) -> Schedule:
        """The tenant's business hours (stored, or Monday to Friday 09:00-18:00), for the IVR's ``hours``."""
        return self._cached(("schedule", tenant_id), lambda: self._schedule(tenant_id))

    def flow(self, tenant_id: int, name: str) -> Flow | None:
        """The active version of the tenant's flow ``name`` (a queue's post-call survey), or None."""
        return self._cached(("flow", tenant_id, name), lambda: self._flow(tenant_id, name))

    def queue_extras(self, tenant_id: int, queue: str) -> QueueExtras:
        """The queue's survey flow and team e-mail (none of either for an unknown queue)."""
        return self._cached(("queue", tenant_id, queue), lambda: self._queue_extras(tenant_id, queue))

    def _cached(self, key: Hashable, load: Callable[[], T]) -> T:
        now, cache = self._clock(), self._cache
        hit = cache.get(key)
        if hit is not None and now < hit[0]:
            return hit[1]  # type: ignore[return-value]  # stored by this method for this key
        generation = self._generation
        value = load()
        if generation == self._generation:  # not invalidated while loading
            if len(cache) >= self.MAX_ENTRIES:
                cache.clear()
            cache[key] = (now + self.ttl, value)
        return value

    def _tenant_for(self, host: str) -> SipTenant | None:
        with self._sessions() as session:
            for realm in (host, self._default):
                if realm is None:
                    continue
                tenant = session.scalars(
                    select(Tenant).where(Tenant.sip_realm == realm, Tenant.active.is_(True))
                ).first()
                if tenant is not None:
                    return SipTenant(tenant.id, tenant.sip_realm, tenant.country)
        return None

    def _route(self, dialed: str) -> Route | None:
        with self._sessions() as session:
            platform = Platform(session)
            for key in lookup_keys(dialed):
                entry = platform.number(key)
                if entry is None or (entry.queue is None and entry.flow is None):
                    continue
                tenant = platform.tenant(entry.tenant_id)
                if tenant is None or not tenant.active:
                    continue
                if entry.flow is not None:
                    flow = core_flow(flow_spec(entry.flow.name, entry.flow.active.definition))
                    return Route(entry.tenant_id, flow=flow)
                return Route(entry.tenant_id, queue=entry.queue.name if entry.queue else None)
        return None

    def _schedule(self, tenant_id: int) -> Schedule:
        with self._sessions() as session:
            return schedule_of(TenantScope(session, tenant_id))

    def _flow(self, tenant_id: int, name: str) -> Flow | None:
        with self._sessions() as session:
            stored = TenantScope(session, tenant_id).ivr_flows.by_name(name)
            return core_flow(flow_spec(stored.name, stored.active.definition)) if stored else None

    def _queue_extras(self, tenant_id: int, name: str) -> QueueExtras:
        with self._sessions() as session:
            queue = TenantScope(session, tenant_id).queues.by_name(name)
            return QueueExtras(queue.survey, queue.team_email) if queue else QueueExtras()

    def _auto_answer(self, tenant_id: int, extension: str) -> bool:
        with self._sessions() as session:
            agent = TenantScope(session, tenant_id).agents.by_extension(extension)
            return agent is not None and agent.auto_answer

    def _ha1(self, tenant_id: int, extension: str) -> Mapping[DigestAlgorithm, str] | None:
        with self._sessions() as session:
            agent = session.scalars(
                select(Agent).where(Agent.tenant_id == tenant_id, Agent.extension == extension)
            ).first()
            if agent is None or agent.sip_ha1_md5 is None or agent.sip_ha1_sha256 is None:
                return None
            return MappingProxyType(
                {DigestAlgorithm.MD5: agent.sip_ha1_md5, DigestAlgorithm.SHA256: agent.sip_ha1_sha256}
            )
