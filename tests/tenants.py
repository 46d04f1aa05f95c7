"""Two tenants on one platform, with logins for every role (fixtures for the API and web tests)."""

import math
import struct
import wave
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply import apply_trunk
from callfloor.center.demo import SUPERADMIN_EMAIL
from callfloor.center.schema import TrunkSpec
from callfloor.center.transfer import ImportReport, import_center
from callfloor.server.recordings import RecordingStore
from callfloor.settings import Settings
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox
from callfloor.yamlfile import parse_yaml

ACME = """
tenant: {name: Acme, timezone: Europe/Paris}
skills: [{name: fr}, {name: en}]
queues: [{name: support, skills: {fr: 3}}, {name: vip, overflow: support}]
agents: [{extension: "2001", name: Zoé, email: zoe@acme.example, skills: {fr: 7}}]
users:
  - {email: boss@acme.example, name: Boss, role: admin}
  - {email: sup@acme.example, name: Sup, role: supervisor}
  - {email: viewer@acme.example, name: Viewer, role: client_viewer}
dispositions: [{code: sale, label: {fr: Vente, en: Sale}, success: true}]
ivr_flows:
  - name: main
    start: menu
    nodes:
      menu: {type: menu, prompts: [main_menu], options: {"1": support, "2": vip}, fallback: support}
      support: {type: queue, queue: support}
      vip: {type: queue, queue: vip}
numbers: [{number: "0800200200", queue: support}, {number: "0800200201", flow: main}]
trunks:
  - {name: operator, host: sip.operator.example, username: acme-trunk, password: trunk-secret, register: true}
"""


@dataclass
class TenantIds:
    """The ids of one tenant's objects, by path parameter name."""

    tenant_id: int
    ids: dict[str, dict[str, int]] = field(default_factory=dict)


def _ids(session: Session, slug: str) -> TenantIds:
    tenant = Platform(session).tenant_by_slug(slug)
    assert tenant is not None
    scope = TenantScope(session, tenant.id)
    return TenantIds(
        tenant.id,
        {
            "/api/tenants": {"tenant_id": tenant.id},
            "/api/users": {"user_id": scope.users.list()[-1].id},
            "/api/agents": {"agent_id": scope.agents.list()[0].id},
            "/api/skills": {"object_id": scope.skills.list()[0].id},
            "/api/queues": {"object_id": scope.queues.list()[0].id},
            "/api/dispositions": {"object_id": scope.dispositions.list()[0].id},
            "/api/numbers": {"object_id": scope.numbers.list()[0].id},
            "/api/ivr-flows": {"object_id": scope.ivr_flows.list()[0].id},
            "/api/calls": {"call_id": 0},  # live calls are not in the database: none here
            "/api/recordings": {"recording_id": scope.recordings.list()[0].id},
            "/api/trunks": {"object_id": scope.trunks.list()[0].id},
        },
    )


@dataclass
class Platform2:
    """Tenant ``acme`` and tenant ``demo``, their ids and every login's password."""

    acme: TenantIds
    demo: TenantIds
    secrets: dict[str, str]


def write_wav(path: Path, seconds: float = 0.5, *, stereo: bool = False) -> bytes:
    """A short 440 Hz tone as 8 kHz 16-bit PCM WAV at ``path``; the file's bytes."""
    channels = 2 if stereo else 1
    samples = [int(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(int(8000 * seconds))]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"".join(struct.pack("<h", s) * channels for s in samples))
    return path.read_bytes()


def record_call(
    store: RecordingStore,
    tenant_id: int,
    interaction: str,
    *,
    queue: str,
    agent: str | None,
    started: datetime = datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
    retention_days: int = 90,
) -> tuple[int, Path]:
    """One real recording (a WAV file and its row) of a call; its id and file."""
    path = store.path_for(tenant_id, interaction, started)
    write_wav(path)
    recording_id = store.saved(
        tenant_id,
        interaction=interaction,
        queue=queue,
        agent=agent,
        path=path,
        started=started,
        duration_s=0.5,
        stereo=False,
        pauses=[],
        consent="informed",
        retention_days=retention_days,
    )
    return recording_id, path


@pytest.fixture
def platform(
    sessions: sessionmaker[Session], passwords: Passwords, demo: ImportReport, settings: Settings
) -> Platform2:
    """The demo tenant plus tenant ``acme``, each with one recorded call and one trunk."""
    box = SecretBox.from_settings(settings)
    with sessions.begin() as session:
        acme = import_center(session, "acme", parse_yaml(ACME, "acme.yaml"), passwords, box=box)
        tenants = {t.slug: t.id for t in Platform(session).tenants()}
        # The demo center has no trunk (a fresh install dials nowhere): the isolation walk needs one.
        apply_trunk(TenantScope(session, tenants["demo"]), TrunkSpec(name="carrier", host="192.0.2.50"), box)
    store = RecordingStore(sessions, settings.data_dir)
    record_call(store, tenants["acme"], "acme-call@192.0.2.7", queue="support", agent="2001")
    record_call(store, tenants["demo"], "demo-call@192.0.2.7", queue="ventes", agent="1001")
    with sessions() as session:
        secrets = {s.who: s.secret for s in [*demo.secrets, *acme.secrets] if s.kind == "login"}
        return Platform2(_ids(session, "acme"), _ids(session, "demo"), secrets)


def bearer(client: TestClient, email: str, password: str) -> dict[str, str]:
    """Authorization headers for a login."""
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def as_role(client: TestClient, platform: Platform2) -> dict[str, dict[str, str]]:
    """Bearer headers for each role of tenant acme, and the platform superadmin."""
    logins = {
        "admin": "boss@acme.example",
        "supervisor": "sup@acme.example",
        "agent": "zoe@acme.example",
        "client_viewer": "viewer@acme.example",
        "superadmin": SUPERADMIN_EMAIL,
    }
    return {role: bearer(client, email, platform.secrets[email]) for role, email in logins.items()}
