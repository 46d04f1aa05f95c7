"""A tenant's stored configuration as the core's profiles, to build a live :class:`Floor`.

Agents are known to the core by their extension (what phones register and dial), queues by
name, so log entries read the same in the database, on the wallboard and in the simulator.
"""

from callfloor.center.apply import skill_names
from callfloor.core.acd.model import AgentProfile, QueueProfile, Step
from callfloor.core.config import Channel, ServiceLevelDefinition, Strategy
from callfloor.storage.models import Agent, Queue
from callfloor.storage.scope import TenantScope


def queue_profile(queue: Queue) -> QueueProfile:
    """The core's view of a stored queue."""
    return QueueProfile(
        name=queue.name,
        strategy=Strategy(queue.strategy),
        skills={qs.skill.name: qs.min_level for qs in queue.required_skills},
        priority=queue.priority,
        service_level_s=queue.service_level_s,
        short_abandon_s=queue.short_abandon_s,
        service_level_definition=ServiceLevelDefinition(queue.service_level_definition),
        max_wait_s=queue.max_wait_s,
        overflow=queue.overflow_queue.name if queue.overflow_queue else None,
        wrap_up_s=queue.wrap_up_s,
        ring_timeout_s=queue.ring_timeout_s,
        pause_on_no_answer=queue.pause_on_no_answer,
        steps=tuple(Step(s["after_s"], skill_names(queue, s["skills"])) for s in queue.steps),
    )


def agent_profile(agent: Agent) -> AgentProfile:
    """The core's view of a stored agent: one call at a time, chats and e-mails up to their capacity."""
    return AgentProfile(
        id=agent.extension,
        skills={s.skill.name: s.level for s in agent.skills},
        capacity={Channel.CALL: 1, Channel.CHAT: agent.max_chats, Channel.EMAIL: agent.max_emails},
    )


def floor_profiles(scope: TenantScope) -> tuple[list[QueueProfile], list[AgentProfile]]:
    """Every queue and agent of the tenant, in a stable order."""
    queues = sorted(scope.queues.list(), key=lambda q: q.name)
    agents = sorted(scope.agents.list(), key=lambda a: a.extension)
    return [queue_profile(q) for q in queues], [agent_profile(a) for a in agents]
