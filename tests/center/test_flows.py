"""IVR flows in the center YAML: imported, versioned on change, exported as written, checked with lines."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.demo import demo_yaml
from callfloor.center.flows import FLOW_CHECKS, IvrFlowSpec, core_flow, definition, flow_problems, flow_spec
from callfloor.core.ivr import Severity
from callfloor.core.ivr.flow import (
    Collect,
    Condition,
    Hours,
    Lookup,
    Menu,
    Node,
    Question,
    Queue,
    SetVariables,
    Survey,
    Transfer,
    TransferKind,
    Voicemail,
)
from callfloor.core.ivr.variables import Comparison, Rule
from callfloor.core.ivr.waiting import WaitOptions
from callfloor.storage import CenterConfigError
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.yamlfile import YamlFileError
from tests.center.test_transfer import _export, _import

FLOW = """\
queues: [{name: ventes}, {name: accueil}]
ivr_flows:
  - name: main
    start: menu
    nodes:
      menu: {type: menu, prompts: [main_menu], options: {1: ventes, "0": standard}, fallback: standard}
      ventes: {type: queue, queue: ventes}
      standard: {type: queue, queue: accueil}
numbers:
  - {number: "0145000000", flow: main}
"""


def _versions(sessions: sessionmaker[Session], slug: str, name: str) -> tuple[int, list[int]]:
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug(slug)
        assert tenant is not None
        flow = TenantScope(session, tenant.id).ivr_flows.by_name(name)
        assert flow is not None
        return flow.active_version, [v.version for v in flow.versions]


def test_a_flow_imports_and_exports_as_written(sessions: sessionmaker[Session], passwords: Passwords) -> None:
    _import(sessions, passwords, "acme", FLOW)
    exported = _export(sessions, "acme")
    assert (
        "options:\n        '1': ventes\n        '0': standard" in exported
    )  # the key YAML read as 1 is text
    assert "\n      timeout_s" not in exported and "tries" not in exported  # defaults are left out
    assert "flow: main" in exported
    _import(sessions, passwords, "acme", exported)
    assert _export(sessions, "acme") == exported
    assert _versions(sessions, "acme", "main") == (1, [1])  # the same flow again is no new version


def test_a_changed_flow_is_a_new_version_and_the_old_one_is_kept(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "acme", FLOW)
    _import(sessions, passwords, "acme", FLOW.replace("fallback: standard", "fallback: ventes"))
    assert _versions(sessions, "acme", "main") == (2, [1, 2])
    assert "fallback: ventes" in _export(sessions, "acme")


def test_the_demo_flow_sends_each_menu_key_to_its_queue_which_offers_a_callback_or_a_message() -> None:
    import yaml

    spec = IvrFlowSpec.model_validate(yaml.safe_load(demo_yaml())["ivr_flows"][0])
    flow = core_flow(spec)
    assert flow.check() == []  # not even a warning
    menu = flow.nodes["menu"]
    assert isinstance(menu, Menu)
    queues = {key: flow.nodes[target] for key, target in menu.options.items()}
    assert {key: q.queue for key, q in queues.items() if isinstance(q, Queue)} == {
        "1": "ventes",
        "2": "sav",
        "3": "reclamations",
        "0": "accueil",
    }
    for key, queue in queues.items():
        assert isinstance(queue, Queue)
        options = queue.options
        assert (options.announce_every_s, options.callback_after_s, options.callback_when_wait_over_s) == (
            45,
            60,
            120,
        )
        assert options.voicemail and options.max_wait_s is not None
        message = flow.nodes[flow.voicemail_node(menu.options[key]) or ""]
        assert message == Voicemail(queue=queue.queue)  # the team of the queue gets the message
        assert options.overflow == flow.voicemail_node(menu.options[key])
    assert flow.nodes["horaires"] == Hours("langue", "ferme", "ferie")


BAD_FLOWS = [
    (
        FLOW.replace("start: menu", "start: nowhere"),
        "center.yaml:3: ivr_flows.0: Value error, start: unknown node 'nowhere'",
    ),
    (FLOW.replace("fallback: standard", "fallback: ghost"), "node 'menu', fallback: unknown node 'ghost'"),
    (
        FLOW.replace("prompts: [main_menu]", "prompts: [no_such_prompt]"),
        "center.yaml:3: ivr_flows.0: Value error, node 'menu', prompts.0: unknown prompt 'no_such_prompt'",
    ),
    (FLOW.replace("{1: ventes", "{11: ventes"), "node 'menu', options.11: a menu option is one key"),
    (
        FLOW.replace("type: menu,", "type: maze,"),
        "ivr_flows.0.nodes.menu: Input tag 'maze' found using 'type'",
    ),
    (
        FLOW.replace("queue: accueil}", "queue: nope}"),
        "center.yaml:3: ivr_flows.0: flow 'main': unknown queue 'nope'",
    ),
    (FLOW.replace("flow: main}", "flow: other}"), "center.yaml:10: numbers.0.flow: unknown flow 'other'"),
    (
        FLOW.replace("flow: main}", "flow: main, queue: ventes}"),
        "numbers.0: Value error, a number leads to one queue or one flow",
    ),
    (
        FLOW.replace("{type: queue, queue: ventes}", "{type: voicemail, queue: nope}"),
        "center.yaml:3: ivr_flows.0: flow 'main': unknown queue 'nope'",  # a message for a team that is not
    ),
    (
        FLOW.replace("{type: queue, queue: ventes}", "{type: transfer, to: queue, target: nope}"),
        "center.yaml:3: ivr_flows.0: flow 'main': unknown queue 'nope'",
    ),
    (
        FLOW.replace(
            "{type: queue, queue: ventes}",
            "{type: collect, variable: n, min_length: 9, max_length: 4, next: standard}",
        ),
        "node 'ventes', max_length: less than min_length (9)",
    ),
    (
        FLOW.replace(
            "{type: queue, queue: ventes}",
            "{type: hours, open: standard, closed: standard, schedule: {weekly: {}}}",
        ),
        "center.yaml:7: ivr_flows.0.nodes.ventes.hours.schedule: Value error, schedule: timezone: required",
    ),
    (
        FLOW.replace(
            "{type: queue, queue: ventes}",
            "{type: condition, when: [{variable: vip, equals: true, present: true, next: standard}], else: standard}",
        ),
        "ivr_flows.0.nodes.ventes.condition.when.0: Value error, one test, of equals, not_equals, in",
    ),
    (
        FLOW.replace("{type: queue, queue: ventes}", "{type: lookup, found: standard}"),
        "Value error, a lookup needs next, or found and not_found",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FLOWS)
def test_a_bad_flow_says_where_and_changes_nothing(
    sessions: sessionmaker[Session], passwords: Passwords, text: str, expected: str
) -> None:
    with pytest.raises(YamlFileError) as info:
        _import(sessions, passwords, "acme", text)
    assert any(expected in problem for problem in info.value.problems), info.value.problems
    with sessions() as session:
        assert Platform(session).tenant_by_slug("acme") is None


def test_a_flow_of_a_tenant_is_not_anothers(sessions: sessionmaker[Session], passwords: Passwords) -> None:
    _import(sessions, passwords, "acme", FLOW)
    with pytest.raises(CenterConfigError, match="unknown flow 'main'"):
        _import(
            sessions,
            passwords,
            "globex",
            "queues: [{name: q}]\nnumbers:\n  - {number: '0146000000', flow: main}\n",
        )


NAMES = st.sampled_from(["a", "b", "c", "menu", "bye", "q1"])
PROMPTS = st.sampled_from(["welcome", "main_menu", "goodbye", "no_such_prompt"])
VALUES = st.one_of(st.booleans(), st.integers(-5, 5), st.sampled_from(["fr", "x"]))
TESTS = st.sampled_from(["equals", "not_equals", "in", "greater_than", "less_than", "present"])
NODES = st.one_of(
    st.fixed_dictionaries({"type": st.just("play"), "prompts": st.lists(PROMPTS, min_size=1, max_size=2), "next": NAMES}),
    st.fixed_dictionaries(
        {"type": st.just("menu"), "prompts": st.lists(PROMPTS, max_size=2),
         "options": st.dictionaries(st.sampled_from(["1", "2", "#", "12", 3]), NAMES, max_size=3)},
        optional={"fallback": NAMES, "tries": st.integers(0, 4), "timeout_s": st.floats(-1, 10)},
    ),
    st.fixed_dictionaries({"type": st.just("language"), "language": st.sampled_from(["fr", "en", "de"]), "next": NAMES}),
    st.fixed_dictionaries(
        {"type": st.just("queue"), "queue": st.sampled_from(["ventes", "x y"])},
        optional={"voicemail": st.booleans(), "max_wait_s": st.floats(-1, 600), "overflow": NAMES,
                  "announce_every_s": st.one_of(st.none(), st.floats(0, 120))},
    ),
    st.fixed_dictionaries({"type": st.just("hangup")}, optional={"prompts": st.lists(PROMPTS, max_size=1)}),
    st.fixed_dictionaries(
        {"type": st.just("collect"), "variable": st.sampled_from(["order", "Order"]), "next": NAMES},
        optional={"min_length": st.integers(-1, 40), "max_length": st.integers(0, 40), "fallback": NAMES,
                  "pattern": st.sampled_from(["[0-9]+", "[", "1.*"]), "check": st.sampled_from(["luhn", "crc"]),
                  "terminator": st.sampled_from(["#", "*", "5", None])},
    ),
    st.fixed_dictionaries(
        {"type": st.just("hours"), "open": NAMES, "closed": NAMES},
        optional={"holiday": NAMES, "schedule": st.sampled_from([{"timezone": "Europe/Paris"}, {"weekly": {}}])},
    ),
    st.fixed_dictionaries(
        {"type": st.just("condition"), "else": NAMES,
         "when": st.lists(st.builds(lambda t, v, n: {"variable": "x", t: v, "next": n},
                                    TESTS, st.one_of(VALUES, st.lists(VALUES, max_size=2)), NAMES), max_size=2)},
    ),
    st.fixed_dictionaries({"type": st.just("lookup")}, optional={"found": NAMES, "not_found": NAMES, "next": NAMES}),
    st.fixed_dictionaries(
        {"type": st.just("set"), "next": NAMES},
        optional={"variables": st.dictionaries(st.sampled_from(["vip", "segment"]), VALUES), "priority": st.integers(-1, 9)},
    ),
    st.fixed_dictionaries({"type": st.just("voicemail")}, optional={"next": NAMES, "max_s": st.floats(-1, 900)}),
    st.fixed_dictionaries(
        {"type": st.just("transfer"), "to": st.sampled_from(["agent", "queue", "number", "moon"]),
         "target": st.sampled_from(["1001", "ventes", "0145000000", 1001, "x"])},
    ),
    st.fixed_dictionaries(
        {"type": st.just("survey"), "name": st.just("qualite"),
         "questions": st.lists(st.fixed_dictionaries({"id": st.sampled_from(["sat", "ok"]), "prompts": st.just(["welcome"])},
                                                     optional={"min": st.integers(0, 9), "max": st.integers(0, 12)}),
                               max_size=2)},
        optional={"next": NAMES},
    ),
    st.dictionaries(st.sampled_from(["type", "next", "queue"]), st.one_of(NAMES, st.integers()), max_size=3),
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.fixed_dictionaries(
        {"name": st.just("f"), "start": NAMES, "nodes": st.dictionaries(NAMES, NODES, max_size=5)}
    )
)
def test_any_flow_document_is_refused_with_reasons_or_walks_and_round_trips(
    document: dict[str, object],
) -> None:
    """The flow parser never raises anything but its validation error; what it accepts the core accepts."""
    try:
        spec = IvrFlowSpec.model_validate(document)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        flow = core_flow(spec)  # a spec that validates is a flow that holds together
        assert flow.start in flow.nodes
        assert all(p.severity is Severity.WARNING for p in flow.check())
        assert flow_spec(spec.name, definition(spec)) == spec  # what is stored comes back the same
        return
    assert errors and all(error["msg"] for error in errors)  # refused, saying why


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {"name": st.just("f"), "start": NAMES, "nodes": st.dictionaries(NAMES, NODES, max_size=5)}
    )
)
def test_the_form_check_and_the_flow_checker_together_are_the_whole_validation(
    document: dict[str, object],
) -> None:
    """What ``callfloor ivr check`` does (the form, then the checker) accepts exactly what the import accepts."""
    try:
        form = IvrFlowSpec.model_validate(document, context={FLOW_CHECKS: False})
    except ValidationError:
        with pytest.raises(ValidationError):
            IvrFlowSpec.model_validate(document)
        return
    errors = [p for p in flow_problems(form) if p.severity is Severity.ERROR]
    if errors:
        with pytest.raises(ValidationError, match=re.escape(str(errors[0]))):
            IvrFlowSpec.model_validate(document)
    else:
        assert IvrFlowSpec.model_validate(document) == form


NODE_SPECS = [
    ("{type: collect, prompts: [welcome], variable: order, min_length: 5, max_length: 8, pattern: '[1-9][0-9]*', "
     "check: luhn, next: q, fallback: q}",
     Collect(("welcome",), "order", "q", 5, 8, pattern="[1-9][0-9]*", check="luhn", fallback="q")),
    ("{type: hours, open: q, closed: q, holiday: q}", Hours("q", "q", "q")),
    ("{type: condition, when: [{variable: vip, equals: true, next: q}, {variable: lang, in: [fr, en], next: q}], else: q}",
     Condition((Rule("vip", Comparison.EQUALS, True, "q"), Rule("lang", Comparison.IN, ("fr", "en"), "q")), "q")),
    ("{type: lookup, next: q, vip_priority: 10}", Lookup("q", "q", vip_priority=10)),
    ("{type: set, variables: {segment: pro, vip: true, level: 2}, priority: 5, next: q}",
     SetVariables({"segment": "pro", "vip": True, "level": 2}, "q", 5)),
    ("{type: voicemail, queue: ventes, max_s: 60}", Voicemail(queue="ventes", max_s=60)),
    ("{type: transfer, to: agent, target: '1001'}", Transfer(TransferKind.AGENT, "1001")),
    ("{type: transfer, to: number, target: '0145000000', prompts: []}", Transfer(TransferKind.NUMBER, "0145000000", ())),
    ("{type: survey, name: qualite, questions: [{id: sat, prompts: [survey_satisfaction]}, "
     "{id: ok, prompts: [survey_resolved], max: 2}], next: q}",
     Survey("qualite", (Question("sat", ("survey_satisfaction",)), Question("ok", ("survey_resolved",), 1, 2)), next="q")),
    ("{type: queue, queue: ventes, announce_every_s: 45, callback_after_s: 60, voicemail: true, max_wait_s: 300, "
     "overflow: vm}",
     Queue("ventes", WaitOptions(announce_every_s=45, callback_after_s=60, voicemail=True, max_wait_s=300, overflow="vm"))),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), NODE_SPECS)
def test_each_node_type_reads_into_its_core_node_and_is_stored_as_written(text: str, expected: Node) -> None:
    import yaml

    document = {
        "name": "f",
        "start": "n",
        "nodes": {
            "n": yaml.safe_load(text),
            "q": {"type": "queue", "queue": "sav"},
            "vm": {"type": "voicemail"},
        },
    }
    spec = IvrFlowSpec.model_validate(document)
    assert core_flow(spec).nodes["n"] == expected
    stored = definition(spec)
    assert stored["nodes"]["n"] == yaml.safe_load(text)  # defaults left out, aliases (in, else) kept
    assert flow_spec("f", stored) == spec
