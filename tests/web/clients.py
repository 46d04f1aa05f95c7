"""A TestClient logged in through the login form, as the pages' tests need one."""

from fastapi.testclient import TestClient

from tests.tenants import Platform2


def log_in(client: TestClient, platform: Platform2, email: str) -> TestClient:
    """``client`` with ``email``'s session cookie, from ``POST /login`` (its password from the
    platform's secrets); the login must succeed. The same client, to chain a request on."""
    response = client.post("/login", data={"email": email, "password": platform.secrets[email]})
    assert response.status_code == 200, response.text
    return client
