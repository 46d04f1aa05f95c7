"""The login page and the home page, in French and English, on the session cookie."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from callfloor.api.app import create_app
from callfloor.settings import Settings
from tests.tenants import Platform2

BOSS = "boss@acme.example"


def test_login_page_speaks_french_by_default_and_english_on_request(client: TestClient) -> None:
    assert "Mot de passe" in client.get("/login").text
    english = client.get("/login?lang=en")
    assert "Password" in english.text
    assert '<html lang="en">' in english.text
    assert "Password" in client.get("/login").text  # the choice is remembered in a cookie
    assert "Password" in TestClient(client.app).get("/login", headers={"Accept-Language": "en-GB,en"}).text


def test_home_redirects_to_login_until_logged_in(client: TestClient, platform: Platform2) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    wrong = client.post("/login", data={"email": BOSS, "password": "nope"})
    assert wrong.status_code == 401
    assert "Adresse ou mot de passe incorrect." in wrong.text
    home = client.post("/login", data={"email": BOSS, "password": platform.secrets[BOSS]})
    assert home.status_code == 200
    assert "Bonjour, Boss" in home.text
    assert "Acme" in home.text
    out = client.post("/logout", follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_secure_by_default(engine: Engine, platform: Platform2, settings: Settings) -> None:
    production_like = settings.model_copy(update={"cookie_secure": True})
    with TestClient(create_app(production_like, engine), base_url="https://testserver") as client:
        response = client.post(
            "/login", data={"email": BOSS, "password": platform.secrets[BOSS]}, follow_redirects=False
        )
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "callfloor_session=" in cookie
    assert Settings(_env_file=None).cookie_secure is True  # type: ignore[call-arg]
