"""A stored tenant becomes a floor the core can route on."""

import random

from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.floor import floor_profiles
from callfloor.center.transfer import ImportReport, dump_center, export_center, import_center
from callfloor.core.acd.model import Step
from callfloor.core.actions import Ring
from callfloor.core.config import Channel, Strategy
from callfloor.core.events import AgentLoggedIn, InteractionArrived
from callfloor.core.floor import Floor
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.yamlfile import parse_yaml

STEPS = """
skills: [{name: fr}, {name: pro}]
queues:
  - name: expert
    skills: {pro: 7}
    ring_timeout_s: 20
    pause_on_no_answer: false
    steps: [{after_s: 30, skills: {pro: 3}}, {after_s: 90, skills: {fr: 1}}]
agents: [{extension: "3001", name: Junior, email: j@x.example, skills: {fr: 4, pro: 4}, max_chats: 2}]
"""


def test_demo_tenant_routes_on_the_core(sessions: sessionmaker[Session], demo: ImportReport) -> None:
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("demo")
        assert tenant is not None
        queues, agents = floor_profiles(TenantScope(session, tenant.id))
    assert [q.name for q in queues] == ["accueil", "reclamations", "sav", "ventes"]
    assert [a.id for a in agents] == ["1001", "1002", "1003", "1004", "1005"]
    sav = next(q for q in queues if q.name == "sav")
    assert (sav.overflow, sav.max_wait_s, sav.skills) == ("accueil", 600, {"fr": 5, "sav": 3})
    floor = Floor(queues, agents, random.Random(1))
    for agent in agents:
        floor.handle(AgentLoggedIn(agent.id), 0)
    rings = [a for a in floor.handle(InteractionArrived("c1", "reclamations"), 1) if isinstance(a, Ring)]
    assert rings == [Ring("c1", "1003", Channel.CALL)]  # skill_level: Chloé has reclamations 7


def test_steps_and_ring_settings_are_stored_and_exported(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    with sessions.begin() as session:
        import_center(session, "acme", parse_yaml(STEPS, "steps.yaml"), passwords)
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("acme")
        assert tenant is not None
        scope = TenantScope(session, tenant.id)
        scope.skills.require(scope.skills.by_name("pro").id).name = "professional"  # type: ignore[union-attr]
        session.flush()
        (queue,), (agent,) = floor_profiles(scope)
        exported = dump_center(export_center(session, "acme"))
    assert queue.strategy is Strategy.LONGEST_IDLE
    assert (queue.ring_timeout_s, queue.pause_on_no_answer) == (20, False)
    assert queue.steps == (Step(30, {"professional": 3}), Step(90, {"fr": 1}))  # follows the rename
    assert agent.capacity[Channel.CHAT] == 2
    assert "after_s: 30" in exported and "professional: 3" in exported
