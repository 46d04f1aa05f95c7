"""The live floor's event stream, read with httpx from uvicorn serving on the SIP server's own loop
(as ``callfloor up`` does): an agent's state and offers, the wallboard within a second of a call."""

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from callfloor.api.app import create_app
from callfloor.api.routes import floor_stream
from callfloor.server.live_board import LiveBoards
from callfloor.settings import Settings
from callfloor.storage.models import Agent
from callfloor.storage.scope import TenantScope
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import wait_for
from tests.tenants import Platform2

TIMEOUT = httpx.Timeout(5.0)  # no byte for that long (keepalives come every second here): the test fails


@pytest.fixture
def served(settings: Settings, engine: Engine, live_sip: LiveSip) -> Iterator[tuple[str, Any]]:
    """The API served by uvicorn on the SIP loop; its base URL and the app."""
    app = create_app(settings, engine)
    app.state.sip = live_sip.endpoint
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    running = asyncio.run_coroutine_threadsafe(server.serve(sockets=[listening]), live_sip.loop)
    assert wait_for(lambda: server.started, 10), "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}", app
    finally:
        server.should_exit = True
        running.result(timeout=15)
        listening.close()


class Events:
    """The events of one SSE response, read one at a time (comments too, as ``(":", text)``)."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.iter_lines()

    def next(self) -> tuple[str, Any]:
        name, data = "message", ""
        for line in self.lines:
            if line.startswith(":"):
                return ":", line
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data += line.removeprefix("data: ")
            elif line == "" and data:
                return name, json.loads(data)
        raise AssertionError("the stream ended")

    def until(self, name: str, limit: int = 30) -> Any:
        """The next ``name`` event, within ``limit`` events and comments."""
        for _ in range(limit):
            kind, data = self.next()
            if kind == name:
                return data
        raise AssertionError(f"no {name} event in {limit}")


def _login(base: str, platform: Platform2, email: str) -> dict[str, str]:
    answer = httpx.post(f"{base}/api/auth/login", json={"email": email, "password": platform.secrets[email]})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _accueil(floor: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(q for q in floor["queues"] if q["name"] == "accueil")
    return found


def test_agents_hear_their_state_and_offers_supervisors_the_floor_within_a_second(
    served: tuple[str, Any],
    platform: Platform2,
    floor: Floor,
    live_sip: LiveSip,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(floor_stream, "KEEPALIVE_S", 1.0)
    base, app = served
    agent = _login(base, platform, "agent1001@demo.example")
    supervisor = _login(base, platform, "superviseur@demo.example")
    floor.agent("1001")
    demo = platform.demo.tenant_id
    listeners = live_sip.call(lambda: len(live_sip.endpoint.floor(demo).listeners))
    with (
        httpx.stream("GET", f"{base}/api/floor/stream", headers=agent, timeout=TIMEOUT) as mine,
        httpx.stream("GET", f"{base}/api/floor/stream", headers=supervisor, timeout=TIMEOUT) as board,
    ):
        assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/event-stream")
        desk, wall = Events(mine), Events(board)
        assert desk.until("agent")["state"] == "ready"
        first = wall.until("floor")
        assert first["live"] is True and _accueil(first)["waiting"] == 0
        assert wall.until(":") == ": keepalive"

        lunch = {"state": "paused", "reason": "lunch"}
        assert httpx.post(f"{base}/api/me/agent/state", json=lunch, headers=agent).status_code == 200
        paused = desk.until("agent")
        assert (paused["state"], paused["reason"], paused["pause_reasons"][1]["code"]) == (
            "paused",
            "lunch",
            "lunch",
        )

        caller = floor.caller(8)
        waiting = wall.until("floor")
        while _accueil(waiting)["waiting"] == 0:  # the agent's pause came first
            waiting = wall.until("floor")
        call = _accueil(waiting)["calls"][0]
        assert call["waited_s"] <= 1.0  # the wallboard heard of the caller within a second

        ready = {"state": "ready"}
        assert httpx.post(f"{base}/api/me/agent/state", json=ready, headers=agent).status_code == 200
        offer = desk.until("offer")
        assert (offer["call_id"], offer["queue"], offer["caller"]) == (call["id"], "accueil", "0612345678")
        assert offer["contact"] is None and offer["open_tickets"] == 0  # nobody on file with that number
    boards = app.state.boards
    assert isinstance(boards, LiveBoards)
    # Both streams ended with their clients: their watchers are gone from the SIP loop.
    assert wait_for(lambda: live_sip.call(lambda: len(boards.boards[demo].watchers)) == 0, 5)
    assert wait_for(
        lambda: live_sip.call(lambda: len(live_sip.endpoint.floor(demo).listeners)) == listeners + 1, 5
    )
    caller.wait(timeout=30)
    assert caller.returncode == 0


def test_a_supervisor_who_takes_calls_gets_the_floor_on_the_wallboard_and_their_desk_on_the_desk(
    served: tuple[str, Any], platform: Platform2, sessions: sessionmaker[Session], live_sip: LiveSip
) -> None:
    base, _ = served
    demo = platform.demo.tenant_id
    with sessions.begin() as session:
        scope = TenantScope(session, demo)
        sophie = scope.users.by_email("superviseur@demo.example")
        assert sophie is not None
        scope.agents.add(Agent(user_id=sophie.id, extension="1090"))
    supervisor = _login(base, platform, "superviseur@demo.example")
    stream = f"{base}/api/floor/stream"
    with (
        httpx.stream("GET", stream, headers=supervisor, timeout=TIMEOUT) as desk,
        httpx.stream("GET", f"{stream}?view=desk", headers=supervisor, timeout=TIMEOUT) as asked,
        httpx.stream("GET", f"{stream}?view=floor", headers=supervisor, timeout=TIMEOUT) as wall,
    ):
        for mine in (desk, asked):
            kind, state = Events(mine).next()
            assert (kind, state["extension"], state["state"]) == ("agent", "1090", "logged_out")
        kind, board = Events(wall).next()
        assert kind == "floor" and board["live"] is True and _accueil(board)["waiting"] == 0
    agent = _login(base, platform, "agent1001@demo.example")
    refused = httpx.get(f"{stream}?view=floor", headers=agent, timeout=TIMEOUT)
    assert refused.status_code == 403 and refused.json()["error_id"] == "forbidden"
    admin = _login(base, platform, "admin@demo.example")  # no agent: the wallboard by default, no desk
    assert (
        httpx.get(f"{stream}?view=desk", headers=admin, timeout=TIMEOUT).json()["error_id"] == "not_an_agent"
    )
    with httpx.stream("GET", stream, headers=admin, timeout=TIMEOUT) as default:
        assert Events(default).next()[0] == "floor"
    assert httpx.get(f"{stream}?view=everything", headers=admin, timeout=TIMEOUT).status_code == 422
