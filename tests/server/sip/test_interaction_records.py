"""A call's customer-file record, with real phones: sipp calls from a known contact's number, baresip
(agent 1001) is rung with the contact's screen pop ready, and once the call ends its record sits in
that contact's history, written with the log entry that ended it. An agent's call out is recorded
too, with the number dialed."""

import asyncio
import time
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import ImportReport
from callfloor.core.events import AgentAnswered, AgentHungUp, AgentLoggedIn, InteractionArrived
from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.history import History
from callfloor.crm.interactions import InteractionStart
from callfloor.server.floors import LiveFloor
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import InteractionEvent
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import wait_for
from tests.server.sip.test_outbound import _errors, _free_port, _provider, _sipp
from tests.server.sip.test_trunks import Config


def test_a_known_callers_call_pops_their_file_and_ends_in_their_history(
    floor: Floor, live_sip: LiveSip, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:  # call.xml calls from 0612345678
        account = CustomerFile(session, 1).create_account({"name": "Curie SARL"})
        marie = CustomerFile(session, 1).create_contact(
            {"first_name": "Marie", "last_name": "Curie", "account_id": account.id},
            phones=[PhoneInput("+33 6 12 34 56 78")],
        )
    floor.agent("1001")
    caller = floor.caller(5)
    call = floor.until(lambda c: c.screen_pop is not None and c.state == "talking")
    pop = call.screen_pop
    assert pop is not None and pop.contact is not None
    assert (pop.contact.id, pop.number, pop.normalized) == (marie.id, "0612345678", "+33612345678")
    assert pop.account is not None and pop.account.name == "Curie SARL"
    assert (pop.interaction_id, pop.last_interactions) == (call.id, [])
    assert caller.wait(timeout=30) == 0

    def recorded() -> bool:
        with sessions() as session:
            return session.scalars(select(Interaction)).first() is not None

    assert wait_for(recorded, 10)
    with sessions() as session:
        row = session.scalars(select(Interaction)).one()
        completed = session.scalars(
            select(InteractionEvent).where(InteractionEvent.type == "completed")
        ).one()
        history = History(session, 1).contact(marie.id).items
    assert (row.interaction_id, row.contact_id, row.account_id) == (call.id, marie.id, account.id)
    assert (row.number, row.direction, row.channel, row.queue, row.agent) == (
        "+33612345678", "inbound", "call", "accueil", "1001",
    )  # fmt: skip
    assert (row.outcome, row.outcome_reason) == ("completed", None)
    assert row.agent_id is not None and row.talk_s is not None and row.talk_s > 2
    assert row.answered_at is not None and row.started_at <= row.answered_at <= row.ended_at
    assert completed.interaction_id == call.id and row.ended_at == completed.at  # no wrap-up in accueil
    assert [(i.kind, i.data["interaction_id"]) for i in history] == [("interaction", call.id)]


def test_an_agents_call_out_is_recorded_with_the_number_dialed(
    live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions.begin() as session:
        marie = CustomerFile(session, 1).create_contact(
            {"first_name": "Marie"}, phones=[PhoneInput("0612345678")]
        )
    port = _free_port()
    provider = _provider(tmp_path, port)
    trunk = Config(1, "operateur", "127.0.0.1", port, "trunk-secret", register=False, prefix="0")
    live_sip.call(lambda: live_sip.endpoint.trunks.load([trunk], live_sip.loop.time()))
    password = live_sip.passwords["1001"]
    register = _sipp(live_sip, "register.xml", tmp_path, "-s", "1001", "-au", "1001", "-ap", password)
    assert register.wait(timeout=20) == 0, _errors(tmp_path)
    phone = _sipp(
        live_sip,
        "agent_dials.xml",
        tmp_path,
        "-s",
        "0612345678",
        "-d",
        "2000",
        "-au",
        "1001",
        "-ap",
        password,
    )
    try:
        assert phone.wait(timeout=30) == 0, _errors(tmp_path)
        assert provider.wait(timeout=20) == 0, _errors(tmp_path)
    finally:
        for process in (phone, provider):
            if process.poll() is None:
                process.kill()
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        row = session.scalars(
            select(Interaction)
        ).one()  # committed with outbound_ended, before the BYE's 200
    assert (row.direction, row.number, row.contact_id, row.agent) == (
        "outbound",
        "+33612345678",
        marie.id,
        "1001",
    )
    assert (row.outcome, row.outcome_reason, row.queue) == ("outbound_ended", "answered", None)
    assert row.talk_s is not None and row.talk_s > 1 and row.answered_at is not None


def test_a_calls_record_costs_one_look_up_and_one_insert(
    sessions: sessionmaker[Session], demo: ImportReport
) -> None:
    """The call rate is benchmarked: no query per log entry, one number look-up per call."""
    statements: list[str] = []

    async def run() -> None:
        floor = LiveFloor(1, sessions, lambda _tenant, _action: None)
        floor.handle(AgentLoggedIn("1001"))
        floor.started(InteractionStart("c1", time.time(), number="0612345678"))
        engine = sessions.kw["bind"]
        listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            floor.handle(InteractionArrived("c1", "accueil"))
            floor.handle(AgentAnswered("c1", "1001"))
            floor.handle(AgentHungUp("c1"))
            floor.flush()  # the group commit writes the entries and the record here
        finally:
            event.remove(engine, "before_cursor_execute", listener)
            floor.close()

    asyncio.run(run())
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert sum("FROM contact_phones" in s for s in selects) == 1
    assert sum("FROM webhooks" in s for s in selects) <= 1  # who listens: cached, once a few seconds
    known = ("FROM contact_phones", "FROM queues", "FROM agents", "FROM webhooks")
    assert all(any(table in s for table in known) for s in selects), selects
    assert sum(s.lstrip().upper().startswith("INSERT INTO INTERACTIONS ") for s in statements) == 1
    with sessions() as session:
        assert session.scalars(select(Interaction.outcome)).all() == ["completed"]
