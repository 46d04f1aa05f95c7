"""The server's view of the trunks: active ones of active tenants, passwords opened."""

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.transfer import import_center
from callfloor.server.trunk_configs import TrunkConfig, load_trunks
from callfloor.storage.models import Trunk
from callfloor.storage.passwords import Passwords
from callfloor.storage.platform import Platform
from callfloor.storage.secretbox import SecretBox
from callfloor.yamlfile import parse_yaml

BOX = SecretBox(b"test-secret-key-not-for-production")

ACME = """
trunks:
  - name: operator
    host: sip.operator.example
    transport: tcp
    username: acme-trunk
    password: trunk-secret
    register: true
    expires: 600
    caller_id: "+33180203040"
    prefix: "0"
  - {name: backup, host: 192.0.2.10, port: 5080}
  - {name: spare, host: 192.0.2.11, active: false}
"""
GLOBEX = "trunks: [{name: main, host: sip.globex.example, username: globex, password: globex-secret}]\n"
INITECH = "trunks: [{name: main, host: sip.initech.example}]\n"


@pytest.fixture
def tenants(sessions: sessionmaker[Session], passwords: Passwords) -> dict[str, int]:
    """acme (three trunks, one inactive), globex (one), and initech (one, tenant inactive)."""
    ids = {}
    with sessions.begin() as session:
        for slug, text in (("acme", ACME), ("globex", GLOBEX), ("initech", INITECH)):
            import_center(session, slug, parse_yaml(text, f"{slug}.yaml"), passwords, box=BOX)
            tenant = Platform(session).tenant_by_slug(slug)
            assert tenant is not None
            ids[slug] = tenant.id
        tenant = Platform(session).tenant_by_slug("initech")
        assert tenant is not None
        tenant.active = False
    return ids


def test_active_trunks_of_active_tenants_with_passwords_opened(
    sessions: sessionmaker[Session], tenants: dict[str, int]
) -> None:
    acme, globex = tenants["acme"], tenants["globex"]
    assert load_trunks(sessions, BOX) == [
        TrunkConfig(acme, "backup", "192.0.2.10", 5080, "udp", None, None, False, 3600, None, ""),
        TrunkConfig(
            acme, "operator", "sip.operator.example", 5060, "tcp", "acme-trunk", "trunk-secret", True, 600,
            "+33180203040", "0",
        ),
        TrunkConfig(globex, "main", "sip.globex.example", 5060, "udp", "globex", "globex-secret", False, 3600, None, ""),
    ]  # fmt: skip


def test_a_password_that_does_not_open_leaves_its_trunk_out(
    sessions: sessionmaker[Session], tenants: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="callfloor.server.trunk_configs"):
        found = load_trunks(sessions, SecretBox(b"another-secret-key"))
    assert [(t.name, t.password) for t in found] == [("backup", None)]
    assert "'operator' of tenant" in caplog.text
    assert "trunk-secret" not in caplog.text
    with sessions.begin() as session:
        row = session.scalars(select(Trunk).where(Trunk.name == "operator")).one()
        row.password_sealed = "x" + (row.password_sealed or "")[1:]  # tampered with in the database
    assert [t.name for t in load_trunks(sessions, BOX)] == ["backup", "main"]
