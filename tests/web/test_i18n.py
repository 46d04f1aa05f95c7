"""The pages' catalogues and the choice of language: every message in French, the user's choice kept."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.config import Locale
from callfloor.storage.models import Tenant, User
from callfloor.web.catalogue import messages
from callfloor.web.i18n import catalogue_path, translations
from tests.tenants import Platform2
from tests.web.clients import log_in

BOSS = "boss@acme.example"
NEW_YORK = ZoneInfo("America/New_York")


def test_every_message_the_pages_use_has_its_french_translation() -> None:
    used = {text for text, _file, _line in messages()}
    assert {"Log in", "Password", "Skip to content"} <= used  # templates and modules are both read
    with catalogue_path(Locale.FR).open("rb") as po:
        french = {m.id: m.string for m in read_po(po) if m.id}
    untranslated = sorted(text for text in used if not french.get(text))
    assert untranslated == [], "run python -m callfloor.web.catalogue and translate these"
    assert translations(Locale.FR).gettext("Password") == "Mot de passe"
    assert translations(Locale.EN).gettext("Password") == "Password"


def _log_in(client: TestClient, platform: Platform2) -> str:
    """The home page, the boss just logged in."""
    return log_in(client, platform, BOSS).get("/").text


def test_the_users_choice_then_the_tenants_language(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        session.get(Tenant, platform.acme.tenant_id).locale = "en"  # type: ignore[union-attr]
    assert "Hello, Boss" in _log_in(client, platform)  # the tenant's language
    french = client.get("/?lang=fr")
    assert "Bonjour, Boss" in french.text and '<html lang="fr">' in french.text
    with sessions() as session:
        boss = session.query(User).filter_by(email=BOSS).one()
        assert boss.locale == "fr"  # kept in the account
    other_browser = TestClient(client.app)
    assert "Bonjour, Boss" in _log_in(other_browser, platform)  # the account's choice, not the tenant's
    assert "Log in" in other_browser.get("/login", headers={"Accept-Language": "en-US"}).text.split("<h1>")[1]


def test_dates_and_numbers_follow_the_language_and_the_tenants_zone(
    client: TestClient, platform: Platform2, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        session.get(Tenant, platform.acme.tenant_id).timezone = "America/New_York"  # type: ignore[union-attr]
    _log_in(client, platform)
    before = datetime.now(NEW_YORK)
    home = client.get("/?lang=en").text
    hours = {f"{at:%-I}" for at in (before, datetime.now(NEW_YORK))}
    shown = re.search(r"<dd>\d+/\d+/\d+, (\d+):\d\d\u202f[AP]M</dd>", home)  # English clock, New York's hour
    assert shown is not None and shown.group(1) in hours, home
    assert "/" in client.get("/?lang=fr").text.split("<dt>Maintenant</dt><dd>")[1][:10]
