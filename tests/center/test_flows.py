"""IVR flows in the center YAML: imported, versioned on change, exported as written, checked with lines."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.demo import demo_yaml
from callfloor.center.flows import IvrFlowSpec, core_flow, definition, flow_spec
from callfloor.core.ivr.flow import Menu, Queue
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


def test_the_demo_flow_sends_each_menu_key_to_its_queue() -> None:
    import yaml

    spec = IvrFlowSpec.model_validate(yaml.safe_load(demo_yaml())["ivr_flows"][0])
    flow = core_flow(spec)
    menu = flow.nodes["menu"]
    assert isinstance(menu, Menu)
    queues = {key: flow.nodes[target] for key, target in menu.options.items()}
    assert queues == {
        "1": Queue("ventes"),
        "2": Queue("sav"),
        "3": Queue("reclamations"),
        "0": Queue("accueil"),
    }


BAD_FLOWS = [
    (
        FLOW.replace("start: menu", "start: nowhere"),
        "center.yaml:3: ivr_flows.0: Value error, start: unknown node 'nowhere'",
    ),
    (FLOW.replace("fallback: standard", "fallback: ghost"), "node 'menu', fallback: unknown node 'ghost'"),
    (
        FLOW.replace("prompts: [main_menu]", "prompts: [no_such_prompt]"),
        "node 'menu': unknown prompt 'no_such_prompt'",
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
NODES = st.one_of(
    st.fixed_dictionaries({"type": st.just("play"), "prompts": st.lists(PROMPTS, min_size=1, max_size=2), "next": NAMES}),
    st.fixed_dictionaries(
        {"type": st.just("menu"), "prompts": st.lists(PROMPTS, max_size=2),
         "options": st.dictionaries(st.sampled_from(["1", "2", "#", "12", 3]), NAMES, max_size=3)},
        optional={"fallback": NAMES, "tries": st.integers(0, 4), "timeout_s": st.floats(-1, 10)},
    ),
    st.fixed_dictionaries({"type": st.just("language"), "language": st.sampled_from(["fr", "en", "de"]), "next": NAMES}),
    st.fixed_dictionaries({"type": st.just("queue"), "queue": st.sampled_from(["ventes", "x y"])}),
    st.fixed_dictionaries({"type": st.just("hangup")}, optional={"prompts": st.lists(PROMPTS, max_size=1)}),
    st.dictionaries(st.sampled_from(["type", "next", "queue"]), st.one_of(NAMES, st.integers()), max_size=3),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
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
        assert flow.start in flow.nodes and flow.check() == []
        assert flow_spec(spec.name, definition(spec)) == spec  # what is stored comes back the same
        return
    assert errors and all(error["msg"] for error in errors)  # refused, saying why
