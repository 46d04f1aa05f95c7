"""An agent's auto-answer and the tenant's wallboard thresholds in its center file: imported, exported, checked."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.schema import WallboardThresholdsSpec
from callfloor.center.transfer import dump_center, export_center, import_center
from callfloor.core.kpi.thresholds import THRESHOLDS
from callfloor.storage import CenterConfigError
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.yamlfile import parse_yaml

AGENTS = """\
skills: [{name: fr}]
agents:
  - {extension: "2101", name: Léa Casque, email: lea@acme.example, skills: {fr: 5}, auto_answer: true}
  - {extension: "2102", name: Marc Poste, email: marc@acme.example, skills: {fr: 5}}
"""
THRESHOLDS_FILE = """\
wallboard_thresholds:
  longest_wait_s: {amber: 45, red: 90}
  service_level: {amber: 0.85, red: 0.7}
  waiting: {amber: 3, red: 6}
"""


def _import(sessions: sessionmaker[Session], passwords: Passwords, text: str) -> dict[str, int]:
    with sessions.begin() as session:
        report = import_center(session, "acme", parse_yaml(text, "center.yaml"), passwords)
        return {**report.created, **{f"updated {k}": n for k, n in report.updated.items()}}


def _export(sessions: sessionmaker[Session]) -> str:
    with sessions() as session:
        return dump_center(export_center(session, "acme"))


def _auto_answer(sessions: sessionmaker[Session]) -> dict[str, bool]:
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("acme")
        assert tenant is not None
        agents = TenantScope(session, tenant.id).agents.list()
        return {a.extension: a.auto_answer for a in agents if a.extension in ("2101", "2102")}


def _thresholds(sessions: sessionmaker[Session]) -> object:
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("acme")
        assert tenant is not None
        return tenant.wallboard_thresholds


def test_auto_answer_is_imported_exported_and_left_as_it_is_when_absent(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, AGENTS)
    assert _auto_answer(sessions) == {"2101": True, "2102": False}  # a new agent without the key: off
    exported = _export(sessions)
    assert (
        "extension: '2101'\n  skills:\n    fr: 5\n  max_chats: 3\n  max_emails: 5\n  auto_answer: true"
        in exported
    )
    assert "auto_answer: false" in exported
    without = AGENTS.replace(", auto_answer: true", "")
    _import(sessions, passwords, without)
    assert _auto_answer(sessions)["2101"] is True  # absent: unchanged
    _import(sessions, passwords, exported.replace("auto_answer: true", "auto_answer: false"))
    assert _auto_answer(sessions) == {"2101": False, "2102": False}
    _import(sessions, passwords, exported)  # the export read back: the same center
    assert _auto_answer(sessions) == {"2101": True, "2102": False}
    assert _export(sessions) == exported


def test_wallboard_thresholds_round_trip_and_figures_left_out_go_back_to_their_defaults(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "skills: [{name: fr}]\n")
    assert "wallboard_thresholds" not in _export(sessions)  # the defaults: not written
    assert _import(sessions, passwords, THRESHOLDS_FILE)["wallboard_thresholds"] == 1
    assert _thresholds(sessions) == {  # the defaults' waiting is not kept
        "longest_wait_s": {"amber": 45, "red": 90},
        "service_level": {"amber": 0.85, "red": 0.7},
    }
    exported = _export(sessions)
    assert (
        "wallboard_thresholds:\n  longest_wait_s:\n    amber: 45.0\n    red: 90.0\n"
        "  service_level:\n    amber: 0.85\n    red: 0.7\n"
    ) in exported
    _import(sessions, passwords, "skills: [{name: en}]\n")  # a file without them leaves them be
    assert _thresholds(sessions) == {
        "longest_wait_s": {"amber": 45, "red": 90},
        "service_level": {"amber": 0.85, "red": 0.7},
    }
    again = "wallboard_thresholds:\n  drop_rate: {amber: 0.01, red: 0.02}\n"
    assert _import(sessions, passwords, again)["updated wallboard_thresholds"] == 1
    assert _thresholds(sessions) == {"drop_rate": {"amber": 0.01, "red": 0.02}}  # as a whole
    _import(sessions, passwords, "wallboard_thresholds: {}\n")
    assert _thresholds(sessions) is None  # every figure at its default
    _import(sessions, passwords, exported)  # the export read back: the same thresholds
    assert _thresholds(sessions) == {
        "longest_wait_s": {"amber": 45, "red": 90},
        "service_level": {"amber": 0.85, "red": 0.7},
    }


def test_the_files_figures_are_the_wallboards() -> None:
    assert set(WallboardThresholdsSpec.model_fields) == set(THRESHOLDS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "wallboard_thresholds:\n  waiting: {amber: 3, red: 6}\n  queue_length: {amber: 1, red: 2}\n",
            "center.yaml:3: wallboard_thresholds.queue_length: Extra inputs are not permitted",
        ),
        (
            "wallboard_thresholds:\n  waiting: {amber: 3, red: 6}\n  abandon_rate: {amber: 0.2, red: 0.1}\n",
            "center.yaml:3: wallboard_thresholds.abandon_rate: Value error, amber comes before red",
        ),
        (
            "wallboard_thresholds:\n  service_level: {amber: 0.6, red: 0.8}\n",
            "center.yaml:2: wallboard_thresholds.service_level: Value error, amber comes before red",
        ),
        (
            "wallboard_thresholds:\n  drop_rate: {amber: 0.02, red: 0.05}\n",
            "center.yaml:2: wallboard_thresholds.drop_rate: Value error, the drop rate's red may not pass the legal 3 %",
        ),
        (
            "wallboard_thresholds:\n  abandon_rate: {amber: 0.5, red: 1.5}\n",
            "wallboard_thresholds.abandon_rate: Value error, a rate is at most 1",
        ),
        ("wallboard_thresholds:\n  waiting: {amber: -1, red: 6}\n", "wallboard_thresholds.waiting.amber"),
        (
            "wallboard_thresholds:\n  waiting: {amber: 3}\n",
            "wallboard_thresholds.waiting.red: Field required",
        ),
        (
            "agents:\n  - {extension: '2101', name: A B, email: a@acme.example, auto_answer: sometimes}\n",
            "center.yaml:2: agents.0.auto_answer",
        ),
    ],
)
def test_bad_settings_are_refused_with_their_line(
    sessions: sessionmaker[Session], passwords: Passwords, text: str, expected: str
) -> None:
    with pytest.raises(CenterConfigError) as info:
        _import(sessions, passwords, text)
    assert any(expected in problem for problem in info.value.problems), info.value.problems
