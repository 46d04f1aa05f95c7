"""Center YAML: lossless round trip, and a bad file reports file:line and changes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply import trunk_spec
from callfloor.center.demo import demo_yaml
from callfloor.center.document import CenterSpec
from callfloor.center.schema import (
    AgentSpec,
    DispositionSpec,
    Labels,
    PauseReasonSpec,
    QueueSpec,
    RecordingMode,
    SkillSpec,
    TrunkSpec,
    TrunkTransport,
    UserSpec,
)
from callfloor.center.transfer import dump_center, export_center, import_center
from callfloor.core.acd.pause_reasons import FLOOR_REASONS
from callfloor.core.config import ServiceLevelDefinition, Strategy
from callfloor.core.roles import Role
from callfloor.storage import CenterConfigError
from callfloor.storage.models import AuditLog, Queue, Skill, Tenant, Trunk
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox
from callfloor.yamlfile import YamlFileError, parse_yaml

BOX = SecretBox(b"test-secret-key-not-for-production")


def _import(
    sessions: sessionmaker[Session], passwords: Passwords, slug: str, text: str, box: SecretBox | None = None
) -> None:
    with sessions.begin() as session:
        import_center(session, slug, parse_yaml(text, "center.yaml"), passwords, box=box)


def _export(sessions: sessionmaker[Session], slug: str) -> str:
    with sessions() as session:
        return dump_center(export_center(session, slug))


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0 for m in (Tenant, Skill, Queue, AuditLog)
    )


def _drop_tenants(sessions: sessionmaker[Session]) -> None:
    """E-mail addresses are platform-wide, so a copy can only be imported once the original is gone."""
    with sessions.begin() as session:
        for tenant in Platform(session).tenants():
            session.delete(tenant)


def test_demo_round_trip_is_lossless(sessions: sessionmaker[Session], passwords: Passwords) -> None:
    _import(sessions, passwords, "one", demo_yaml())
    first = _export(sessions, "one")
    _import(sessions, passwords, "one", first)  # re-import onto itself changes nothing
    assert _export(sessions, "one") == first
    _drop_tenants(sessions)
    _import(sessions, passwords, "two", first)
    assert _export(sessions, "two") == first
    assert "password" not in first
    assert "1005" in first
    assert "overflow: accueil" in first


def test_import_generates_passwords_for_new_people_only(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    with sessions.begin() as session:
        report = import_center(session, "demo", parse_yaml(demo_yaml(), "d.yaml"), passwords)
        assert {(s.kind, s.who) for s in report.secrets} >= {
            ("login", "agent1001@demo.example"),
            ("sip", "1001"),
        }
        user = Platform(session).user_by_email("agent1001@demo.example")
        assert user is not None
        login = next(s.secret for s in report.secrets if s.who == "agent1001@demo.example")
        assert passwords.verify(user.password_hash, login)
        assert report.created["agent"] == 5
    with sessions.begin() as session:
        again = import_center(session, "demo", parse_yaml(demo_yaml(), "d.yaml"), passwords)
        assert again.secrets == []
        assert again.updated["agent"] == 5
        assert again.created["agent"] == 0


BAD_FILES = [
    (
        "skills:\n  - {name: fr}\nqueues:\n  - name: q\n    steps: [{after_s: 30, skills: {de: 1}}]\n",
        "center.yaml:5: queues.0.steps.0.skills.de: unknown skill 'de'",
    ),
    (
        "queues:\n  - name: q\n    steps: [{after_s: 60}, {after_s: 30}]\n",
        "center.yaml:2: queues.0: Value error, steps must have increasing after_s",
    ),
    ("skills:\n  - name: fr\n    description: [unclosed\n", "center.yaml:4: invalid YAML"),
    (
        "skills:\n  - {name: fr}\nqueues:\n  - name: q\n    skills: {fr: 5, de: 2}\n",
        "center.yaml:5: queues.0.skills.de: unknown skill 'de'",
    ),
    (
        "skills:\n  - {name: fr}\nqueues:\n  - {name: q, overflow: nowhere}\n",
        "center.yaml:4: queues.0.overflow: unknown queue 'nowhere'",
    ),
    (
        "skills:\n  - {name: fr}\n  - {name: en, level: 3}\n",
        "center.yaml:3: skills.1.level: Extra inputs are not permitted",
    ),
    (
        "queues:\n  - name: q\n    service_level_s: -4\n",
        "center.yaml:3: queues.0.service_level_s: Input should be greater than or equal to 1",
    ),
    (
        "agents:\n  - {extension: '1001', name: A, email: a@x.example}\n"
        "  - {extension: '1001', name: B, email: b@x.example}\n",
        "duplicate extension: 1001",
    ),
    ("skills:\n  - name: fr\n    name: en\n", "center.yaml:3: duplicate key 'name'"),
    ("queues:\n  - {name: q, strategy: fastest}\n", "center.yaml:2: queues.0.strategy: Input should be"),
    (
        "tenant: {name: X, timezone: Mars/Olympus}\n",
        "center.yaml:1: tenant.timezone: Value error, unknown time zone",
    ),
    ("- just\n- a list\n", "center.yaml:1: Input should be a valid dictionary"),
    (
        "queues:\n  - name: q\n    recording: always\n",
        "center.yaml:3: queues.0.recording: Input should be 'off', 'mono' or 'stereo'",
    ),
    (
        "queues:\n  - name: q\n    recording_retention_days: 0\n",
        "center.yaml:3: queues.0.recording_retention_days: Input should be greater than or equal to 1",
    ),
    ("queues:\n  - name: q\n    survey: nowhere\n", "center.yaml:3: queues.0.survey: unknown flow 'nowhere'"),
    (
        "queues:\n  - name: q\n    team_email: support\n",
        "center.yaml:3: queues.0.team_email: String should match pattern",
    ),
    (
        "trunks:\n  - {name: op, host: 'sip:op.example'}\n",
        "center.yaml:2: trunks.0.host: Value error, host takes no scheme: write 'sip.example.net'",
    ),
    (
        "trunks:\n  - {name: op, host: op.example:5061}\n",
        "center.yaml:2: trunks.0.host: Value error, host takes no port: put it in 'port'",
    ),
    (
        "trunks:\n  - {name: op, host: op.example, register: true}\n",
        "trunks.0: Value error, register needs a username",
    ),
    (
        "trunks:\n  - {name: op, host: op.example, transport: tls, expires: 10}\n",
        "center.yaml:2: trunks.0.transport: Input should be 'udp' or 'tcp'",
    ),
    (
        "trunks:\n  - {name: op, host: op.example, username: u, password: secret}\n",
        "center.yaml:2: trunks.0.password: a trunk password needs the secret key",
    ),
    (
        "trunks:\n  - {name: op, host: a.example}\n  - {name: op, host: b.example}\n",
        "duplicate trunk name: op",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_file_reports_line_and_changes_nothing(
    sessions: sessionmaker[Session], passwords: Passwords, text: str, expected: str
) -> None:
    _import(sessions, passwords, "acme", "skills:\n  - {name: base}\n")
    with sessions() as session:
        before = _counts(session)
    with pytest.raises(YamlFileError) as info:  # CenterConfigError is one too
        _import(sessions, passwords, "acme", text)
    assert any(expected in problem for problem in info.value.problems), info.value.problems
    with sessions() as session:
        assert _counts(session) == before


def test_bad_file_for_a_new_tenant_creates_no_tenant(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    with pytest.raises(CenterConfigError):
        _import(sessions, passwords, "newco", "queues:\n  - {name: q, skills: {ghost: 1}}\n")
    with sessions() as session:
        assert Platform(session).tenant_by_slug("newco") is None


def test_email_of_another_tenant_is_refused(sessions: sessionmaker[Session], passwords: Passwords) -> None:
    _import(sessions, passwords, "acme", "users:\n  - {email: boss@acme.example, name: Boss, role: admin}\n")
    with pytest.raises(CenterConfigError) as info:
        _import(
            sessions, passwords, "globex", "users:\n  - {email: Boss@acme.example, name: Spy, role: admin}\n"
        )
    assert info.value.problems == [
        "center.yaml:2: users.0.email: boss@acme.example belongs to another tenant"
    ]


printable = st.text(st.characters(blacklist_categories=["Cc", "Cs"]), max_size=20)
names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@st.composite
def centers(draw: st.DrawFn) -> CenterSpec:
    skill_names = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    queue_names = draw(st.lists(names, min_size=0, max_size=4, unique=True))
    levels = st.dictionaries(st.sampled_from(skill_names), st.integers(1, 10), max_size=3)
    queues = [
        QueueSpec(
            name=name,
            strategy=draw(st.sampled_from(list(Strategy))),
            skills=draw(levels),
            priority=draw(st.integers(0, 100)),
            service_level_s=draw(st.integers(1, 3600)),
            service_level_definition=draw(st.sampled_from(list(ServiceLevelDefinition))),
            max_wait_s=draw(st.none() | st.integers(1, 86400)),
            overflow=draw(st.none() | st.sampled_from([n for n in queue_names if n != name]))
            if len(queue_names) > 1
            else None,
            recording=draw(st.sampled_from(list(RecordingMode))),
            recording_retention_days=draw(st.integers(1, 3650)),
            team_email=draw(st.none() | st.sampled_from(["sav@x.example", "Ventes.Equipe@X.example"])),
        )
        for name in queue_names
    ]
    extensions = draw(st.lists(st.from_regex(r"[0-9]{2,6}", fullmatch=True), max_size=4, unique=True))
    agents = [
        AgentSpec(
            extension=ext,
            name=f"Agent {ext}",
            email=f"a{ext}@x.example",
            skills=draw(levels),
            max_chats=draw(st.integers(0, 20)),
        )
        for ext in extensions
    ]
    trunks = [
        TrunkSpec(
            name=name,
            host=draw(st.sampled_from(["sip.operator.example", "192.0.2.10", "2001:db8::5"])),
            port=draw(st.integers(1, 65535)),
            transport=draw(st.sampled_from(list(TrunkTransport))),
            username=(username := draw(st.none() | st.from_regex(r"[a-z0-9+_.-]{1,12}", fullmatch=True))),
            register=draw(st.booleans()) if username else False,
            expires=draw(st.integers(60, 86400)),
            caller_id=draw(st.none() | st.from_regex(r"\+?[0-9]{2,19}", fullmatch=True)),
            prefix=draw(st.from_regex(r"[0-9]{0,10}", fullmatch=True)),
            active=draw(st.booleans()),
        )
        for name in draw(st.lists(names, max_size=3, unique=True))
    ]
    return CenterSpec(
        trunks=trunks,
        skills=[SkillSpec(name=n, description=draw(printable)) for n in skill_names],
        queues=queues,
        agents=agents,
        users=[
            UserSpec(
                email="boss@x.example",
                name="Boss",
                role=draw(st.sampled_from([Role.ADMIN, Role.SUPERVISOR, Role.CLIENT_VIEWER])),
            )
        ],
        dispositions=[
            DispositionSpec(code=n, label=Labels(fr=f"{n} fr", en=f"{n} en"), success=draw(st.booleans()))
            for n in draw(st.lists(names, max_size=3, unique=True))
        ],
        pause_reasons=draw(
            st.none()
            | st.lists(
                names.filter(lambda n: n not in FLOOR_REASONS), min_size=1, max_size=3, unique=True
            ).map(
                lambda codes: [
                    PauseReasonSpec(code=c, label=Labels(fr=f"{c} fr", en=f"{c} en")) for c in codes
                ]
            )
        ),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=centers())
def test_any_center_round_trips(
    sessions: sessionmaker[Session], passwords: Passwords, spec: CenterSpec
) -> None:
    _drop_tenants(sessions)
    _import(sessions, passwords, "prop", dump_center(spec))
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("prop")
        assert tenant is not None
        scope = TenantScope(session, tenant.id)
        assert sorted(q.name for q in scope.queues.list()) == sorted(q.name for q in spec.queues)
        assert {q.name: (q.recording, q.recording_retention_days) for q in scope.queues.list()} == {
            q.name: (q.recording.value, q.recording_retention_days) for q in spec.queues
        }
        assert {q.name: q.team_email for q in scope.queues.list()} == {
            q.name: q.team_email for q in spec.queues
        }
        assert {a.extension: {s.skill.name: s.level for s in a.skills} for a in scope.agents.list()} == {
            a.extension: a.skills for a in spec.agents
        }
        assert {t.name: trunk_spec(t) for t in scope.trunks.list()} == {t.name: t for t in spec.trunks}
    exported = _export(sessions, "prop")
    _drop_tenants(sessions)
    _import(sessions, passwords, "prop2", exported)
    assert _export(sessions, "prop2") == exported


def test_numbers_import_normalised_and_conflicts_name_the_line(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "demo", demo_yaml())
    assert "number: '+33800100100'" in _export(sessions, "demo")
    text = "skills: []\nqueues: [{name: q}]\nnumbers:\n  - {number: '0800100100', queue: q}\n  - {number: '99', queue: nope}\n"
    with pytest.raises(CenterConfigError) as info:
        _import(sessions, passwords, "acme", text)
    assert info.value.problems == [
        "center.yaml:4: numbers.0.number: 0800100100 is routed by another tenant",
        "center.yaml:5: numbers.1.queue: unknown queue 'nope'",
    ]


def test_queue_recording_settings_round_trip(sessions: sessionmaker[Session], passwords: Passwords) -> None:
    text = (
        "queues:\n  - {name: qa, recording: stereo, recording_retention_days: 180}\n"
        "  - {name: plain}\n  - {name: unquoted, recording: off}\n"  # YAML 1.1 reads a bare off as false
    )
    _import(sessions, passwords, "acme", text)
    exported = _export(sessions, "acme")
    assert "  recording: stereo\n  recording_retention_days: 180\n" in exported
    assert "  recording: 'off'\n  recording_retention_days: 90\n" in exported  # the defaults, written out
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("acme")
        assert tenant is not None
        queues = {q.name: q for q in TenantScope(session, tenant.id).queues.list()}
        assert (queues["qa"].recording, queues["qa"].recording_retention_days) == ("stereo", 180)
        assert (queues["plain"].recording, queues["plain"].recording_retention_days) == ("off", 90)
        assert queues["unquoted"].recording == "off"
    _drop_tenants(sessions)
    _import(sessions, passwords, "acme2", exported)
    assert _export(sessions, "acme2") == exported


SURVEYED = """
queues:
  - {name: sav, survey: enquete, team_email: SAV@Acme.example}
  - {name: ventes}
ivr_flows:
  - name: enquete
    start: merci
    nodes:
      merci: {type: hangup}
  - name: accueil
    start: file
    nodes:
      file: {type: queue, queue: sav}
"""


def test_queue_survey_and_team_email_round_trip(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "acme", SURVEYED)  # the survey flow comes later in the same file
    exported = _export(sessions, "acme")
    assert "- name: sav\n" in exported
    assert "  survey: enquete\n  team_email: sav@acme.example\n" in exported
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("acme")
        assert tenant is not None
        queues = {q.name: q for q in TenantScope(session, tenant.id).queues.list()}
        assert (queues["sav"].survey, queues["sav"].team_email) == ("enquete", "sav@acme.example")
        assert (queues["ventes"].survey, queues["ventes"].team_email) == (None, None)
    _import(sessions, passwords, "acme", "queues:\n  - {name: ventes, survey: enquete}\n")  # a stored flow
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug("acme")
        assert tenant is not None
        ventes = TenantScope(session, tenant.id).queues.by_name("ventes")
        assert ventes is not None
        assert ventes.survey == "enquete"
    _drop_tenants(sessions)
    _import(sessions, passwords, "acme2", exported)
    assert _export(sessions, "acme2") == exported


TRUNKS = """
trunks:
  - name: operator
    host: SIP.Operator.example
    transport: tcp
    username: acme-trunk
    password: trunk-secret
    register: true
    expires: 600
    caller_id: +33 1 80 20 30 40
    prefix: "0"
  - {name: backup, host: "[2001:db8::5]", port: 5080, active: false}
"""


def _trunks(sessions: sessionmaker[Session], slug: str) -> dict[str, Trunk]:
    with sessions() as session:
        tenant = Platform(session).tenant_by_slug(slug)
        assert tenant is not None
        return {t.name: t for t in TenantScope(session, tenant.id).trunks.list()}


def test_trunks_round_trip_without_their_password(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "acme", TRUNKS, BOX)
    sealed = _trunks(sessions, "acme")["operator"].password_sealed
    assert sealed is not None
    assert BOX.open(sealed) == "trunk-secret"
    exported = _export(sessions, "acme")
    assert "trunk-secret" not in exported
    assert "password" not in exported
    assert sealed not in exported
    assert (
        "trunks:\n- name: backup\n  host: 2001:db8::5\n  port: 5080\n  transport: udp\n  register: false\n"
        in exported
    )
    assert "  host: sip.operator.example\n" in exported
    assert "  register: true\n  expires: 600\n  caller_id: '+33180203040'\n  prefix: '0'\n" in exported
    _import(sessions, passwords, "acme", exported)  # no password in the file, and no box: kept
    assert _trunks(sessions, "acme")["operator"].password_sealed == sealed
    assert _export(sessions, "acme") == exported
    _drop_tenants(sessions)
    _import(sessions, passwords, "acme2", exported)
    assert _export(sessions, "acme2") == exported
    assert _trunks(sessions, "acme2")["operator"].password_sealed is None  # never exported, so not copied


def test_a_new_trunk_password_replaces_the_old_and_goes_with_the_username(
    sessions: sessionmaker[Session], passwords: Passwords
) -> None:
    _import(sessions, passwords, "acme", TRUNKS, BOX)
    _import(sessions, passwords, "acme", TRUNKS.replace("trunk-secret", "new-secret"), BOX)
    sealed = _trunks(sessions, "acme")["operator"].password_sealed
    assert sealed is not None
    assert BOX.open(sealed) == "new-secret"
    _import(sessions, passwords, "acme", "trunks: [{name: operator, host: sip.operator.example}]\n")
    operator = _trunks(sessions, "acme")["operator"]
    assert (operator.username, operator.password_sealed, operator.register) == (None, None, False)
