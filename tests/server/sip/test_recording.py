"""Recording a live call: the notice, the caller's objection, the file, its row, pauses."""

import array
import subprocess
import time
import wave
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from callfloor.server.recordings import RecordingStore
from callfloor.storage.interactions import Interaction
from callfloor.storage.models import InteractionEvent, Queue, Recording
from tests.server.conftest import LiveSip
from tests.server.sip.phones import Floor
from tests.server.sip.test_calls import DATA, wait_for


@pytest.fixture
def recorded(live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path, floor: Floor) -> Floor:
    """The demo's accueil queue records its calls (mono)."""
    with sessions.begin() as session:
        session.execute(update(Queue).where(Queue.name == "accueil").values(recording="mono"))
    store = RecordingStore(sessions, tmp_path / "data")
    live_sip.call(lambda: setattr(live_sip.endpoint.calls, "recordings", store))
    return floor


def loudest(path: Path) -> int:
    with wave.open(str(path)) as wav:
        samples = array.array("h", wav.readframes(wav.getnframes()))
    return max((abs(s) for s in samples), default=0)


def test_a_recorded_call_leaves_a_file_and_a_row_with_its_pause(
    recorded: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    recorded.agent("1001")
    caller = recorded.caller(16)  # welcome (about 3 s), recording notice (about 8 s), then the agent
    call = recorded.until(lambda c: c.state == "talking", 30)
    assert call.consent == "informed" and call.recorder is not None
    time.sleep(1)
    recorded.command("pause_recording")
    assert call.recorder.paused
    time.sleep(1)
    recorded.command("resume_recording")
    caller.wait(timeout=40)
    assert caller.returncode == 0
    # Our 200 to the caller's BYE goes out first; the call then ends and its recording is saved.
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        rows = session.scalars(select(Recording)).all()
        assert len(rows) == 1
        row = rows[0]
        assert (row.interaction_id, row.consent, row.stereo) == (call.id, "informed", False)
        assert session.scalars(select(Interaction)).one().recording_consent == "informed"
        assert row.duration_s > 2
        assert len(row.pauses) == 1
        assert 0.8 < row.pauses[0][1] - row.pauses[0][0] < 3  # 1 s, give or take the load
        path = tmp_path / "data" / row.path
    assert path.is_file()
    assert loudest(path) > 1000  # the agent's music and the caller's audio, not silence


def test_a_caller_who_presses_9_is_not_recorded(
    recorded: Floor, live_sip: LiveSip, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    recorded.agent("1001")
    command = [
        "sipp", f"127.0.0.1:{live_sip.port}", "-i", "127.0.0.1", "-p", "0", "-mi", "127.0.0.1", "-mp", "0",
        "-m", "1", "-s", "3900", "-d", "9000", "-sf", str(DATA / "sipp" / "call_object.xml"),
        "-timeout", "40s", "-timeout_error", "-nostdin", "-trace_err",
    ]  # fmt: skip
    caller = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    recorded.processes.append(caller)
    call = recorded.until(lambda c: c.state == "talking", 30)
    assert call.consent == "objected" and call.recorder is None
    caller.wait(timeout=40)
    assert caller.returncode == 0
    assert wait_for(lambda: live_sip.call(lambda: not live_sip.endpoint.calls.calls), 5)
    live_sip.committed()  # the group commit writes within 20 ms
    with sessions() as session:
        assert session.scalars(select(Recording)).all() == []
        answered = session.scalars(select(InteractionEvent).where(InteractionEvent.type == "answered")).all()
        assert len(answered) == 1  # the call itself went on as usual
        record = session.scalars(select(Interaction)).one()
        assert record.recording_consent == "objected"  # the caller's choice, kept with the call
    assert not list((tmp_path / "data").rglob("*.wav"))
