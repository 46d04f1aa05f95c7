"""``callfloor ivr check`` and ``callfloor ivr walk`` as a user runs them, on files."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from callfloor.center.demo import demo_yaml
from callfloor.cli import app

BAD = """\
name: test
start: welcome
nodes:
  welcome: {type: play, prompts: [welcome], next: menu}
  menu:
    type: menu
    prompts: [main_menu, typo_prompt]
    options: {"1": order, "2": loop_a, "3": silent, "4": ghost}
  order:
    type: collect
    variable: order
    min_length: 9
    max_length: 4
    pattern: "[0-9"
    next: bye
  loop_a: {type: play, prompts: [welcome], next: loop_b}
  loop_b: {type: play, prompts: [closed], next: loop_a}
  silent:
    type: condition
    when:
      - {variable: vip, equals: true, next: bye}
    else: again
  again: {type: set, variables: {vip: false}, next: silent}
  spare: {type: hangup}
  bye: {type: hangup}
"""

SHOP = """\
tenant: {name: Boutique, timezone: Europe/Paris}
queues: [{name: commandes}, {name: vip}]
ivr_flows:
  - name: boutique
    start: who
    nodes:
      who: {type: lookup, found: vip_check, not_found: order}
      vip_check:
        type: condition
        when: [{variable: vip, equals: true, next: vip_line}]
        else: order
      vip_line: {type: transfer, to: queue, target: vip}
      order: {type: collect, prompts: [callback_number_enter], variable: order, min_length: 5, max_length: 8, next: survey, fallback: standard}
      survey:
        type: survey
        name: qualite
        questions: [{id: satisfaction, prompts: [survey_satisfaction]}]
        next: standard
      standard: {type: queue, queue: commandes, max_wait_s: 300, overflow: message, voicemail: true}
      message: {type: voicemail, queue: commandes}
  - name: other
    start: bye
    nodes:
      bye: {type: queue, queue: nowhere}
numbers:
  - {number: "0145000000", flow: boutique}
"""


def run(*args: str) -> Result:
    """The command in this process, as its console script runs it."""
    return CliRunner().invoke(app, ["ivr", *args])


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(demo_yaml(), encoding="utf-8")
    return path


@pytest.fixture
def write(tmp_path: Path) -> "Writer":
    return Writer(tmp_path)


class Writer:
    """Writes a file in the test's directory and gives its path."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __call__(self, name: str, text: str) -> Path:
        path = self.directory / name
        path.write_text(text, encoding="utf-8")
        return path


# -- check ------------------------------------------------------------------------------------


def test_the_demo_center_checks_clean(demo: Path) -> None:
    result = run("check", str(demo))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{demo}: flow 'accueil': no problems (16 nodes)",
        f"{demo}: flow 'satisfaction': no problems (2 nodes)",
    ]


def test_check_reports_each_problem_at_its_line_and_fails(write: Writer) -> None:
    path = write("flow.yaml", BAD)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:7: node 'menu', prompts.1: unknown prompt 'typo_prompt' (not in the prompt catalogue)",
        f"{path}:8: node 'menu', options.4: unknown node 'ghost'",
        f"{path}:13: node 'order', max_length: less than min_length (9)",
        f"{path}:14: node 'order', pattern: not a regular expression: unterminated character set at position 0",
        "4 error(s), 0 warning(s)",
    ]  # loops and reach are looked for once every node named exists


def test_check_finds_dead_ends_silent_loops_and_unreachable_nodes(write: Writer) -> None:
    path = write("flow.yaml", BAD.replace('"4": ghost', '"4": bye'))
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:7: node 'menu', prompts.1: unknown prompt 'typo_prompt' (not in the prompt catalogue)",
        f"{path}:13: node 'order', max_length: less than min_length (9)",
        f"{path}:14: node 'order', pattern: not a regular expression: unterminated character set at position 0",
        f"{path}:16: node 'loop_a': in a loop with no exit (loop_a → loop_b → loop_a): no path reaches a hangup, "
        "a queue, a transfer or a voicemail",
        f"{path}:19: node 'silent': loops back to itself (silent → again → silent) with no prompt played and no key "
        "read: the call would go round for ever",
        f"{path}:24: warning: node 'spare': unreachable from the start ('welcome')",
        "5 error(s), 1 warning(s)",
    ]


def test_warnings_alone_pass_unless_strict(write: Writer) -> None:
    path = write("flow.yaml", "name: f\nstart: a\nnodes:\n  a: {type: hangup}\n  b: {type: hangup}\n")
    result = run("check", str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{path}:5: warning: node 'b': unreachable from the start ('a')",
        "0 error(s), 1 warning(s)",
    ]
    assert run("check", "--strict", str(path)).exit_code == 1


def test_a_wrong_form_is_reported_by_pydantic_at_its_line(write: Writer) -> None:
    path = write("flow.yaml", "name: f\nstart: a\nnodes:\n  a: {type: hangup}\n  b:\n    type: maze\n")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:6: nodes.b: Input tag 'maze' found using 'type'")
    bad_yaml = run("check", str(write("broken.yaml", "name: [f\n")))
    assert bad_yaml.exit_code == 1 and "invalid YAML" in bad_yaml.stderr
    neither = run("check", str(write("list.yaml", "- 1\n")))
    assert neither.exit_code == 1
    assert "neither a flow (name, start, nodes) nor a center document with ivr_flows" in neither.stderr


def test_a_center_document_checks_every_flow_and_the_queues_it_lists(write: Writer) -> None:
    path = write("center.yaml", SHOP)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}: flow 'boutique': no problems (7 nodes)",
        f"{path}:24: flow 'other', node 'bye', queue: unknown queue 'nowhere' (not in the document's queues)",
        "1 error(s), 0 warning(s)",
    ]
    assert run("check", str(path), "--flow", "boutique").exit_code == 0
    unknown = run("check", str(path), "--flow", "nope")
    assert unknown.exit_code == 1 and f"{path}: no flow named 'nope'" in unknown.stderr


# -- walk -------------------------------------------------------------------------------------


def walk(path: Path, *args: str) -> list[str]:
    result = run("walk", str(path), *args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def nodes(lines: list[str]) -> list[str]:
    """The nodes a printed walk went through."""
    return [line.split("→ ")[1].split(" (")[0] for line in lines if line.strip().startswith("→")]


def test_christmas_day_takes_the_holiday_path_to_the_voicemail(demo: Path) -> None:
    lines = walk(demo, "--digits", "2,1", "--at", "2026-12-25T10:00+01:00", "--caller", "+33612345678")
    assert (
        lines[0] == "Flow accueil: Friday 2026-12-25 10:00 (Europe/Paris), caller +33612345678, language fr"
    )
    assert nodes(lines) == ["bienvenue", "horaires", "ferie", "messagerie"]
    assert "          = closure: public_holiday" in lines
    assert "          = holiday: Noël" in lines
    assert "          ▶ holiday_closed [fr]" in lines
    assert "          ● recording a message for queue accueil's team (120 s at most)" in lines
    assert lines[-2:] == [
        "Result: a message left for queue accueil's team, then hung up",
        "Keys not used: 2, 1",
    ]


@pytest.mark.parametrize(
    ("at", "digits", "path", "result"),
    [
        (
            "2026-12-22T10:00+01:00",
            "1,2",
            ["bienvenue", "horaires", "langue", "francais", "menu", "sav"],
            "Result: the call left the IVR for queue sav (priority 0; position and wait said every 45 s; "
            "callback (or a message) offered after 60 s, or when the wait is over 120 s; after 480 s: messagerie_sav)",
        ),
        (
            "2026-12-22T10:00",  # no offset: the schedule's zone
            "2,3",
            ["bienvenue", "horaires", "langue", "english", "menu", "reclamations"],
            None,
        ),
        (
            "2026-12-22T10:00+01:00",
            "",  # silence: French by default, then the operator after the menu's tries
            ["bienvenue", "horaires", "langue", "francais", "menu", "standard"],
            None,
        ),
        ("2026-07-14T10:00+02:00", "1,2", ["bienvenue", "horaires", "ferie", "messagerie"], None),
        ("2026-12-22T19:00+01:00", "1,2", ["bienvenue", "horaires", "ferme", "messagerie"], None),
    ],
)
def test_the_demo_flow_by_day_hour_and_keys(
    demo: Path, at: str, digits: str, path: list[str], result: str | None
) -> None:
    lines = walk(demo, "--digits", digits, "--at", at)
    assert nodes(lines) == path
    if result is not None:
        assert result in lines


def test_a_queued_caller_overflows_to_the_teams_voicemail(demo: Path) -> None:
    lines = walk(demo, "--digits", "1,1", "--at", "2026-12-22T10:00+01:00", "--overflow")
    assert nodes(lines)[-2:] == ["ventes", "messagerie_ventes"]
    assert "   482 s  waited 480 s in queue ventes" in lines
    assert lines[-1] == "Result: a message left for queue ventes's team, then hung up"


def test_a_schedule_file_replaces_the_default_hours(demo: Path, write: Writer) -> None:
    sunday = write("hours.yaml", "timezone: Europe/Paris\nweekly: {sun: ['10:00-12:00']}\n")
    lines = walk(demo, "--digits", "1,0", "--at", "2026-12-27T11:00+01:00", "--schedule", str(sunday))
    assert nodes(lines)[-1] == "standard"
    bad = run("walk", str(demo), "--schedule", str(write("bad.yaml", "weekly: {}\n")))
    assert bad.exit_code == 1 and "timezone: required" in bad.stderr


def test_a_known_vip_is_looked_up_and_transferred_and_an_unknown_caller_types_an_order(write: Writer) -> None:
    path = write("center.yaml", SHOP)
    lines = walk(
        path, "--flow", "boutique", "--caller", "06 12 34 56 78", "--vip", "--at", "2026-12-22T10:00+01:00"
    )
    assert nodes(lines) == ["who", "vip_check", "vip_line"]
    assert "          look-up of +33612345678 in the CRM" in lines
    assert "          = vip: true" in lines and "          = caller_known: true" in lines
    assert lines[-1] == "Result: the call left the IVR for transfer to queue vip"
    lines = walk(path, "--flow", "boutique", "--caller", "+33612345678", "--digits", "12345#,4")
    assert nodes(lines) == ["who", "order", "survey", "standard"]
    assert "          = order: 12345" in lines
    assert "          survey qualite: satisfaction = 4" in lines
    withheld = walk(path, "--flow", "boutique", "--digits", "12#,9,9")  # too short, then nonsense
    assert "look-up" not in "\n".join(withheld)
    assert "          ▶ invalid_choice, callback_number_enter [fr] (a key interrupts)" in withheld


def test_walk_refuses_what_it_cannot_use(demo: Path, write: Writer) -> None:
    for args, message in [
        (("--digits", "1,x"), "--digits: not keys of a phone: x"),
        (("--caller", "nobody"), "--caller: not a phone number: 'nobody'"),
        (("--at", "Christmas"), "--at: not an ISO 8601 date and time: 'Christmas'"),
        (("--flow", "nope"), "no flow named 'nope'"),
    ]:
        result = run("walk", str(demo), *args)
        assert result.exit_code == 1
        assert message in result.stderr, result.stderr
    two_numbers = SHOP + '  - {number: "0145000001", flow: other}\n'
    several = run("walk", str(write("center.yaml", two_numbers)))
    assert (
        several.exit_code == 1 and "several flows (boutique, other): choose one with --flow" in several.stderr
    )
    dialed = run("walk", str(write("center.yaml", SHOP)), "--digits", "1")  # the flow its number leads to
    assert dialed.exit_code == 0 and "boutique" in dialed.stdout, dialed.output
    broken = run("walk", str(write("flow.yaml", BAD)))
    assert broken.exit_code == 1 and "unknown node 'ghost'" in broken.stderr


def test_the_console_script_runs_both_commands(demo: Path) -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "callfloor", "ivr", "check", str(demo)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    walked = subprocess.run(
        [sys.executable, "-m", "callfloor", "ivr", "walk", str(demo), "--at", "2026-12-25T10:00+01:00"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert walked.returncode == 0, walked.stderr
    assert "→ ferie (play)" in walked.stdout
