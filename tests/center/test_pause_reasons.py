"""A tenant's own pause reasons in its center file: imported as a whole, exported, checked."""

import pytest
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply import pause_reasons
from callfloor.center.transfer import dump_center, export_center, import_center
from callfloor.core.acd.pause_reasons import PAUSE_REASONS, PauseReason
from callfloor.storage import CenterConfigError
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.yamlfile import parse_yaml

OWN = """\
pause_reasons:
  - {code: brief, label: {fr: Briefing équipe, en: Team briefing}}
  - {code: break, label: {fr: Pause, en: Break}}
"""


def _import(sessions: sessionmaker[Session], passwords: Passwords, text: str) -> dict[str, int]:
    with sessions.begin() as session:
        report = import_center(session, "acme", parse_yaml(text, "center.yaml"), passwords)
        return {**report.created, **{f"updated {k}": n for k, n in report.updated.items()}}


def _reasons(sessions: sessionmaker[Session]) -> tuple[PauseReason, ...]:
    with sessions() as session:
        return pause_reasons(Platform(session).tenant_by_slug("acme"))


def test_a_tenant_has_the_default_reasons_until_its_file_gives_its_own(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "skills: [{name: fr}]\n")
    assert _reasons(sessions) == PAUSE_REASONS
    with sessions() as session:
        assert "pause_reasons" not in dump_center(export_center(session, "acme"))  # defaults: not written

    assert _import(sessions, passwords, OWN)["pause_reasons"] == 1
    assert _reasons(sessions) == (
        PauseReason("brief", "Briefing équipe", "Team briefing"),
        PauseReason("break", "Pause", "Break"),
    )  # in the file's order: the desk's
    with sessions() as session:
        exported = dump_center(export_center(session, "acme"))
    assert "pause_reasons:\n- code: brief\n  label:\n    fr: Briefing équipe\n" in exported

    _import(sessions, passwords, "skills: [{name: en}]\n")  # a file without them leaves them be
    assert [r.code for r in _reasons(sessions)] == ["brief", "break"]
    again = "pause_reasons:\n  - {code: lunch, label: {fr: Déjeuner, en: Lunch}}\n"
    assert _import(sessions, passwords, again)["updated pause_reasons"] == 1
    assert [r.code for r in _reasons(sessions)] == ["lunch"]  # the list as a whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pause_reasons: []\n", "center.yaml:1: pause_reasons: List should have at least 1 item"),
        (
            "pause_reasons:\n  - {code: login, label: {fr: A, en: B}}\n",
            "center.yaml:2: pause_reasons.0.code: Value error, 'login' is a reason the floor sets itself",
        ),
        (
            "pause_reasons:\n  - {code: x, label: {fr: A, en: B}}\n  - {code: x, label: {fr: C, en: D}}\n",
            "duplicate pause reason code: x",
        ),
        ("pause_reasons:\n  - {code: x, label: {fr: A}}\n", "pause_reasons.0.label.en: Field required"),
        ("pause_reasons:\n  - {code: 'two words', label: {fr: A, en: B}}\n", "pause_reasons.0.code"),
    ],
)
def test_bad_reasons_are_refused_with_their_line(
    sessions: sessionmaker[Session], passwords: Passwords, text: str, expected: str
) -> None:
    with pytest.raises(CenterConfigError) as info:
        _import(sessions, passwords, text)
    assert any(expected in problem for problem in info.value.problems), info.value.problems
