"""Who may open a page: the login form first (and back), the page's roles only, 404 as a page."""

from fastapi import Depends
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from callfloor.core.roles import Role
from callfloor.web.access import Viewer, not_found, viewer
from tests.tenants import Platform2

AGENT, BOSS = "zoe@acme.example", "boss@acme.example"


def _with_a_page(client: TestClient) -> TestClient:
    """The app with an agents-only page that says whose it is, and one that is never found."""

    def mine(who: Viewer = Depends(viewer(frozenset({Role.AGENT})))) -> HTMLResponse:  # noqa: B008
        return HTMLResponse(f"<p>{who.user.email} in {who.tenant_id}</p>")

    def missing(who: Viewer = Depends(viewer(frozenset({Role.AGENT})))) -> HTMLResponse:  # noqa: B008
        raise not_found()

    client.app.add_api_route("/test-desk", mine)  # type: ignore[attr-defined]
    client.app.add_api_route("/test-missing", missing)  # type: ignore[attr-defined]
    return client


def test_a_page_sends_strangers_to_log_in_and_back(client: TestClient, platform: Platform2) -> None:
    client = _with_a_page(client)
    first = client.get("/test-desk?x=1", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/login?next=%2Ftest-desk%3Fx%3D1")
    form = client.get(first.headers["location"])
    assert 'name="next" value="/test-desk?x=1"' in form.text
    back = client.post(
        "/login", data={"email": AGENT, "password": platform.secrets[AGENT], "next": "/test-desk?x=1"}
    )
    assert back.text == f"<p>{AGENT} in {platform.acme.tenant_id}</p>"
    elsewhere = client.post(
        "/login", data={"email": AGENT, "password": platform.secrets[AGENT], "next": "//evil.example/x"},
        follow_redirects=False,
    )  # fmt: skip
    assert elsewhere.headers["location"] == "/"


def test_other_roles_get_a_403_page_and_missing_objects_a_404_page(
    client: TestClient, platform: Platform2
) -> None:
    client = _with_a_page(client)
    client.post("/login", data={"email": BOSS, "password": platform.secrets[BOSS]})
    refused = client.get("/test-desk")
    assert refused.status_code == 403 and "Cette page n&#39;est pas ouverte à votre rôle." in refused.text
    client.post("/login", data={"email": AGENT, "password": platform.secrets[AGENT]})
    missing = client.get("/test-missing?lang=en")
    assert missing.status_code == 404 and "This page does not exist." in missing.text
