"""Login, tokens, rate limiting and the audit trail of it all."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.models import AuditLog
from tests.tenants import Platform2, bearer

BOSS = "boss@acme.example"


def _actions(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_login_then_me(client: TestClient, platform: Platform2) -> None:
    response = client.post(
        "/api/auth/login", json={"email": "Boss@Acme.example ", "password": platform.secrets[BOSS]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert me["email"] == BOSS
    assert me["role"] == "admin"
    assert me["tenant"]["slug"] == "acme"
    assert me["tenant"]["timezone"] == "Europe/Paris"
    agent_me = client.get(
        "/api/me", headers=bearer(client, "zoe@acme.example", platform.secrets["zoe@acme.example"])
    )
    assert agent_me.json()["agent"]["extension"] == "2001"


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, platform: Platform2) -> None:
    wrong = client.post("/api/auth/login", json={"email": BOSS, "password": "nope"})
    unknown = client.post("/api/auth/login", json={"email": "ghost@acme.example", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error_id": "invalid_credentials",
            "message": {"fr": "Adresse ou mot de passe incorrect.", "en": "Wrong e-mail or password."},
        }
    )


def test_brute_force_on_an_account_gets_429_even_with_the_right_password(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    for _ in range(10):
        assert client.post("/api/auth/login", json={"email": BOSS, "password": "guess"}).status_code == 401
    blocked = client.post("/api/auth/login", json={"email": BOSS, "password": platform.secrets[BOSS]})
    assert blocked.status_code == 429
    assert blocked.json()["error_id"] == "too_many_attempts"
    assert 0 < int(blocked.headers["retry-after"]) <= 600
    actions = _actions(sessions)
    assert actions.count("login.failure") == 10
    assert actions[-1] == "login.blocked"


def test_brute_force_across_accounts_from_one_ip_gets_429(client: TestClient, platform: Platform2) -> None:
    for i in range(10):
        client.post("/api/auth/login", json={"email": f"user{i}@acme.example", "password": "guess"})
    response = client.post(
        "/api/auth/login",
        json={"email": "sup@acme.example", "password": platform.secrets["sup@acme.example"]},
    )
    assert response.status_code == 429


def test_success_is_audited_with_ip(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    bearer(client, BOSS, platform.secrets[BOSS])
    with sessions() as session:
        entry = session.scalars(select(AuditLog).where(AuditLog.action == "login.success")).one()
        assert entry.actor_email == BOSS
        assert entry.tenant_id == platform.acme.tenant_id
        assert entry.ip


def test_logout_and_password_change_revoke_tokens(client: TestClient, platform: Platform2) -> None:
    headers = bearer(client, BOSS, platform.secrets[BOSS])
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/me", headers=headers).status_code == 401
    boss = bearer(client, BOSS, platform.secrets[BOSS])
    sup = bearer(client, "sup@acme.example", platform.secrets["sup@acme.example"])
    sup_id = client.get("/api/me", headers=sup).json()["id"]
    changed = client.patch(f"/api/users/{sup_id}", json={"password": "a-new-password"}, headers=boss)
    assert changed.status_code == 200
    assert client.get("/api/me", headers=sup).status_code == 401
    assert (
        client.post(
            "/api/auth/login", json={"email": "sup@acme.example", "password": "a-new-password"}
        ).status_code
        == 200
    )


def test_tampered_or_foreign_tokens_are_refused(client: TestClient, platform: Platform2) -> None:
    token = bearer(client, BOSS, platform.secrets[BOSS])["Authorization"]
    assert client.get("/api/me", headers={"Authorization": token[:-2] + "xx"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer not.a.token"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Basic Ym9zczp4"}).status_code == 401


def test_deactivated_user_and_inactive_tenant_cannot_log_in(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    sup_id = client.get("/api/me", headers=as_role["supervisor"]).json()["id"]
    client.patch(f"/api/users/{sup_id}", json={"active": False}, headers=as_role["admin"])
    assert client.get("/api/me", headers=as_role["supervisor"]).status_code == 401
    response = client.post(
        "/api/auth/login",
        json={"email": "sup@acme.example", "password": platform.secrets["sup@acme.example"]},
    )
    assert response.status_code == 401
    client.patch(
        f"/api/tenants/{platform.acme.tenant_id}", json={"active": False}, headers=as_role["superadmin"]
    )
    assert (
        client.post("/api/auth/login", json={"email": BOSS, "password": platform.secrets[BOSS]}).status_code
        == 401
    )


def test_cookie_session_needs_the_csrf_header_to_change_anything(
    client: TestClient, platform: Platform2
) -> None:
    form = client.post(
        "/login", data={"email": BOSS, "password": platform.secrets[BOSS]}, follow_redirects=False
    )
    assert form.status_code == 303
    cookie = form.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert client.get("/api/me").json()["email"] == BOSS  # the client keeps the cookie
    body = {"name": "de"}
    refused = client.post("/api/skills", json=body)
    assert refused.status_code == 403
    assert refused.json()["error_id"] == "csrf_header_missing"
    assert client.post("/api/skills", json=body, headers={"X-Callfloor-CSRF": "1"}).status_code == 201
