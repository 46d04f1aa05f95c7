"""A live floor writes each log entry as it comes, with the ids of its queue and agent."""

import asyncio

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import ImportReport
from callfloor.core.events import AgentAnswered, AgentLoggedIn, InteractionArrived
from callfloor.server.floors import LiveFloor
from callfloor.storage.models import Agent, InteractionEvent, Queue


def test_entries_carry_queue_and_agent_ids_looked_up_once(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    statements: list[str] = []

    async def run() -> None:
        floor = LiveFloor(1, sessions, lambda _tenant, _action: None)
        engine = sessions.kw["bind"]
        listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            floor.handle(AgentLoggedIn("1001"))
            for number in range(3):
                floor.handle(InteractionArrived(f"c{number}", "accueil"))
            floor.handle(AgentAnswered("c0", "1001"))
            floor.close()  # the group commit writes the entries (and looks the ids up) here
        finally:
            event.remove(engine, "before_cursor_execute", listener)
            floor.close()

    asyncio.run(run())
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert sum("FROM queues" in s for s in lookups) == 1  # one look-up for the queue, then cached
    assert sum("FROM agents" in s for s in lookups) == 1
    with sessions() as session:
        queue = session.scalars(select(Queue).where(Queue.name == "accueil")).one()
        agent = session.scalars(select(Agent).where(Agent.extension == "1001")).one()
        entries = session.scalars(select(InteractionEvent).order_by(InteractionEvent.id)).all()
    enqueued = [e for e in entries if e.type == "enqueued"]
    assert len(enqueued) == 3 and {e.queue_id for e in enqueued} == {queue.id}
    answered = next(e for e in entries if e.type == "answered")
    assert (answered.queue_id, answered.agent_id, answered.payload["agent"]) == (queue.id, agent.id, "1001")
