"""The SIP directory's cache: answers without a query, forgotten on invalidate(), on the API's writes, after the TTL."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.demo import DEMO_SLUG, SUPERADMIN_EMAIL
from callfloor.center.transfer import ImportReport
from callfloor.core.sip.digest import DigestAlgorithm
from callfloor.crm.sla import store_schedule
from callfloor.server.sip.directory import Directory, QueueExtras, Route
from callfloor.storage.models import Agent, Number, Queue
from callfloor.storage.scope import TenantScope
from tests.tenants import bearer

DIALED = "3900"  # the demo's short number, to queue "accueil"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def demo_tenant(directory: Directory) -> int:
    """The demo tenant's id: the directory's default tenant."""
    tenant = directory.tenant_for("127.0.0.1")
    assert tenant is not None
    return tenant.id


def reroute(sessions: sessionmaker[Session], queue: str) -> None:
    """Send the demo number to ``queue``, as another process would."""
    with sessions.begin() as session:
        number = session.scalars(select(Number).where(Number.number == DIALED)).one()
        number.queue_id = session.scalars(
            select(Queue.id).where(Queue.tenant_id == number.tenant_id, Queue.name == queue)
        ).one()


def test_cached_answers_need_no_query(
    engine: Engine, sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    with counting(engine) as first:
        route = directory.route(DIALED)
        tenant = directory.tenant_for("192.0.2.1")  # an address: the default tenant
        ha1 = directory.ha1(tenant.id if tenant else 0, "1001")
        nothing = directory.route("0899999999")
    assert route is not None and route.queue == "accueil" and route.flow is None
    assert tenant is not None and tenant.realm == DEMO_SLUG and route.tenant_id == tenant.id
    assert ha1 is not None and set(ha1) == {DigestAlgorithm.MD5, DigestAlgorithm.SHA256}
    assert nothing is None
    assert first  # the first answers came from the database
    with counting(engine) as again:
        assert directory.route(DIALED) == route
        assert directory.tenant_for("192.0.2.1") == tenant
        assert directory.ha1(tenant.id, "1001") == ha1
        assert directory.route("0899999999") is None  # "no such number" is cached too
    assert again == []


def test_invalidate_shows_a_changed_number(sessions: sessionmaker[Session], demo: ImportReport) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    route = directory.route(DIALED)
    assert route is not None and route.queue == "accueil"
    tenant_id = route.tenant_id
    reroute(sessions, "ventes")
    assert directory.route(DIALED) == Route(tenant_id, "accueil")  # still the cached answer
    directory.invalidate()
    assert directory.route(DIALED) == Route(tenant_id, "ventes")


def test_answers_expire_after_the_ttl(sessions: sessionmaker[Session], demo: ImportReport) -> None:
    clock = Clock()
    directory = Directory(sessions, DEMO_SLUG, ttl=5.0, clock=clock)
    tenant_id = (directory.route(DIALED) or Route(0)).tenant_id
    assert directory.ha1(tenant_id, "1001") is not None
    with sessions.begin() as session:  # ``callfloor import`` in another process, say
        session.scalars(select(Agent).where(Agent.extension == "1001")).one().sip_ha1_md5 = None
    reroute(sessions, "sav")
    clock.now += 4.9
    assert directory.route(DIALED) == Route(tenant_id, "accueil")
    clock.now += 0.2
    assert directory.route(DIALED) == Route(tenant_id, "sav")
    assert directory.ha1(tenant_id, "1001") is None


def test_the_demo_numero_vert_leads_to_its_flows_active_version(
    client: TestClient, sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    client.app.state.sip = SimpleNamespace(directory=directory)  # type: ignore[attr-defined]
    route = directory.route("+33 800 100 100")
    assert route is not None and route.queue is None and route.flow is not None
    assert route.flow.name == "accueil" and route.flow.start == "bienvenue"
    logins = {s.who: s.secret for s in demo.secrets if s.kind == "login"}
    admin = bearer(client, "admin@demo.example", logins["admin@demo.example"])
    flow = client.get("/api/ivr-flows", headers=admin).json()[0]
    short = {**{k: v for k, v in flow.items() if k != "id"}, "start": "menu"}  # no welcome any more
    assert client.put(f"/api/ivr-flows/{flow['id']}", json=short, headers=admin).status_code == 200
    changed = directory.route("0800100100")
    assert changed is not None and changed.flow is not None and changed.flow.start == "menu"


def test_an_answer_read_during_an_invalidation_is_not_kept(
    engine: Engine, sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    """The API thread may invalidate while the loop reads the old rows: that answer must not stay."""
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())

    def invalidate(*args: Any) -> None:
        directory.invalidate()

    event.listen(engine, "before_cursor_execute", invalidate, once=True)
    assert directory.route(DIALED) is not None
    with counting(engine) as statements:
        assert directory.route(DIALED) is not None
    assert statements  # read again, not served from the cache


def test_api_writes_invalidate_the_running_endpoints_directory(
    client: TestClient, sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())  # frozen: only invalidate() refreshes
    client.app.state.sip = SimpleNamespace(directory=directory)  # type: ignore[attr-defined]
    logins = {s.who: s.secret for s in demo.secrets if s.kind == "login"}
    admin = bearer(client, "admin@demo.example", logins["admin@demo.example"])
    tenant_id = (directory.route(DIALED) or Route(0)).tenant_id
    number = next(n for n in client.get("/api/numbers", headers=admin).json() if n["queue"] == "accueil")
    body = {"number": DIALED, "queue": "reclamations"}

    refused = client.put(f"/api/numbers/{number['id']}", json={**body, "queue": "nowhere"}, headers=admin)
    assert refused.status_code == 422
    assert directory.route(DIALED) == Route(tenant_id, "accueil")
    assert client.put(f"/api/numbers/{number['id']}", json=body, headers=admin).status_code == 200
    assert directory.route(DIALED) == Route(tenant_id, "reclamations")

    queue = next(q for q in client.get("/api/queues", headers=admin).json() if q["name"] == "reclamations")
    spec = {key: value for key, value in queue.items() if key != "id"}
    renamed = client.put(f"/api/queues/{queue['id']}", json={**spec, "name": "plaintes"}, headers=admin)
    assert renamed.status_code == 200
    assert directory.route(DIALED) == Route(tenant_id, "plaintes")

    assert directory.ha1(tenant_id, "1001") is not None
    agent = next(a for a in client.get("/api/agents", headers=admin).json() if a["extension"] == "1001")
    moved = client.patch(f"/api/agents/{agent['id']}", json={"extension": "1101"}, headers=admin)
    assert moved.status_code == 200
    assert directory.ha1(tenant_id, "1001") is None

    assert directory.tenant_for("192.0.2.1") is not None
    root = bearer(client, SUPERADMIN_EMAIL, logins[SUPERADMIN_EMAIL])
    off = client.patch(f"/api/tenants/{tenant_id}", json={"active": False}, headers=root)
    assert off.status_code == 200
    assert directory.tenant_for("192.0.2.1") is None
    assert directory.route(DIALED) is None


def test_reads_through_the_api_keep_the_cache(
    engine: Engine, client: TestClient, sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    client.app.state.sip = SimpleNamespace(directory=directory)  # type: ignore[attr-defined]
    logins = {s.who: s.secret for s in demo.secrets if s.kind == "login"}
    admin = bearer(client, "admin@demo.example", logins["admin@demo.example"])
    assert directory.route(DIALED) is not None
    for path in ("/api/numbers", "/api/queues", "/api/agents", "/api/tenants"):
        assert client.get(path, headers=admin).status_code == 200
    with counting(engine) as statements:
        assert directory.route(DIALED) is not None
    assert statements == []


def test_schedule_is_the_default_week_until_the_tenant_stores_its_own(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    tenant = demo_tenant(directory)
    saturday_10h = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    monday_10h = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert directory.schedule(tenant).is_open(monday_10h)
    assert not directory.schedule(tenant).is_open(saturday_10h)
    with sessions.begin() as session:
        weekly = {day: ["08:00-20:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
        store_schedule(
            TenantScope(session, tenant), {"timezone": "Europe/Paris", "weekly": weekly}, monday_10h
        )
    assert not directory.schedule(tenant).is_open(saturday_10h)  # cached until invalidated
    directory.invalidate()
    assert directory.schedule(tenant).is_open(saturday_10h)


def test_flow_by_name_is_its_active_version(sessions: sessionmaker[Session], demo: ImportReport) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    flow = directory.flow(demo_tenant(directory), "accueil")
    assert flow is not None and flow.name == "accueil" and flow.start in flow.nodes
    assert directory.flow(demo_tenant(directory), "no-such-flow") is None


def test_queue_extras_are_the_survey_flow_and_the_team_address(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    directory = Directory(sessions, DEMO_SLUG, clock=Clock())
    tenant = demo_tenant(directory)
    with sessions.begin() as session:
        queue = TenantScope(session, tenant).queues.by_name("sav")
        assert queue is not None
        queue.survey, queue.team_email = "accueil", "sav@demo.example"
    assert directory.queue_extras(tenant, "sav") == QueueExtras("accueil", "sav@demo.example")
    assert directory.queue_extras(tenant, "no-such-queue") == QueueExtras()
