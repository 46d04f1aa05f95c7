"""The appointments API: calendars by role, slots, booking with a 409 for a taken slot, feeds, e-mails."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from callfloor.api.app import create_app
from callfloor.settings import Settings
from tests.channels.smtp import smtp_server
from tests.tenants import Platform2

PARIS = ZoneInfo("Europe/Paris")
EVERY_DAY = {day: ["08:00-20:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
DAY = (datetime.now(UTC) + timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)


def iso(hours: float) -> str:
    """The instant ``hours`` after midnight UTC, two days from now."""
    return (DAY + timedelta(hours=hours)).isoformat()


def user_id(client: TestClient, headers: dict[str, str], email: str) -> int:
    """The id of the tenant's user with this address."""
    found = [u["id"] for u in client.get("/api/users", headers=headers).json() if u["email"] == email]
    assert found, email
    return int(found[0])


def calendar(
    client: TestClient, as_role: dict[str, dict[str, str]], email: str, **given: Any
) -> dict[str, Any]:
    """A rep's calendar, set up by the admin; open every day 08:00-20:00 UTC."""
    body = {
        "user_id": user_id(client, as_role["admin"], email),
        "hours": {"weekly": EVERY_DAY, "holidays_close": False},  # any day: the tests run on holidays too
        "timezone": "UTC",
    }
    created = client.post("/api/calendars", json=body | given, headers=as_role["admin"])
    assert created.status_code == 201, created.text
    return dict(created.json())


def contact(client: TestClient, headers: dict[str, str], **given: Any) -> int:
    """A new contact's id."""
    created = client.post("/api/contacts", json={"last_name": "Martin", **given}, headers=headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_admins_set_calendars_up_agents_read_them_client_viewers_get_403(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    made = calendar(client, as_role, "sup@acme.example", postal_prefixes=["75"], skills=["fibre"])
    assert made["feed_url"].startswith("/api/calendars/feed/") and made["hours"]["timezone"] == "UTC"
    seen = client.get("/api/calendars", headers=as_role["agent"]).json()
    assert [(c["id"], c["feed_url"]) for c in seen] == [(made["id"], None)]  # the agent is not this rep
    body = {"user_id": made["user_id"], "hours": {"weekly": {"mon": ["18:00-09:00"]}}}
    assert client.post("/api/calendars", json=body, headers=as_role["agent"]).status_code == 403
    assert client.get("/api/calendars", headers=as_role["client_viewer"]).status_code == 403
    assert client.get("/api/appointments", headers=as_role["client_viewer"]).status_code == 403
    refused = client.put(f"/api/calendars/{made['id']}", json=body, headers=as_role["supervisor"])
    assert refused.status_code == 422 and refused.json()["error_id"] == "invalid_appointment"
    assert set(refused.json()["message"]) == {"fr", "en"}
    again = client.post(
        "/api/calendars", json={**body, "hours": {"weekly": EVERY_DAY}}, headers=as_role["admin"]
    )
    assert again.status_code == 409 and again.json()["error_id"] == "duplicate"


def test_a_taken_slot_is_409_and_changes_are_revisions_of_one_uid(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    paris = calendar(client, as_role, "sup@acme.example", postal_prefixes=["75"], skills=["fibre"])
    agent = as_role["agent"]
    marie = contact(client, agent, addresses=[{"lines": ["1 rue"], "postal_code": "75011", "city": "Paris"}])
    query = {"from": iso(9), "to": iso(12), "length": 60}
    slots = client.get("/api/appointments/slots", params={**query, "contact_id": marie}, headers=agent).json()
    assert [(s["calendar_id"], s["start"]) for s in slots][:1] == [
        (paris["id"], iso(9).replace("+00:00", "Z"))
    ]
    assert (
        client.get("/api/appointments/slots", params={**query, "skill": "mobile"}, headers=agent).json() == []
    )
    body = {
        "calendar_id": paris["id"],
        "start": iso(9),
        "end": iso(10),
        "subject": "Visite",
        "contact_id": marie,
    }
    booked = client.post("/api/appointments", json=body, headers=agent)
    assert booked.status_code == 201, booked.text
    assert booked.json()["confirmation"]["status"] == "no_address"
    appointment = booked.json()["appointment"]
    taken = client.post(
        "/api/appointments", json={**body, "start": iso(9.5), "end": iso(10.5)}, headers=agent
    )
    assert taken.status_code == 409 and taken.json()["error_id"] == "slot_taken"
    assert taken.json()["message"]["fr"] == "le créneau vient d'être pris"
    assert iso(9).replace("+00:00", "Z") not in str(
        client.get("/api/appointments/slots", params=query, headers=agent).json()
    )
    moved = client.post(
        f"/api/appointments/{appointment['id']}/reschedule",
        json={"start": iso(11), "end": iso(12)},
        headers=agent,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["appointment"]["uid"], moved.json()["appointment"]["sequence"]) == (
        appointment["uid"],
        1,
    )
    ics = client.get(f"/api/appointments/{appointment['id']}.ics", headers=agent)
    assert ics.headers["content-type"].startswith("text/calendar") and "SEQUENCE:1" in ics.text
    cancelled = client.post(f"/api/appointments/{appointment['id']}/cancel", headers=agent).json()[
        "appointment"
    ]
    assert (cancelled["status"], cancelled["sequence"]) == ("cancelled", 2)
    assert "METHOD:CANCEL" in client.get(f"/api/appointments/{appointment['id']}.ics", headers=agent).text
    again = client.post(f"/api/appointments/{appointment['id']}/cancel", headers=agent)
    assert again.status_code == 409 and again.json()["error_id"] == "appointment_cancelled"
    listed = client.get(
        "/api/appointments", params={"contact_id": marie, "status": "cancelled"}, headers=agent
    ).json()
    assert [a["id"] for a in listed] == [appointment["id"]]


def test_the_feed_needs_no_login_but_its_token(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    made = calendar(client, as_role, "zoe@acme.example", name="Zoé Commerciale")
    body = {"calendar_id": made["id"], "start": iso(14), "end": iso(15), "subject": "Démonstration"}
    booked = client.post("/api/appointments", json=body, headers=as_role["agent"]).json()["appointment"]
    feed = client.get(made["feed_url"])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "METHOD:PUBLISH" in feed.text and booked["uid"] in feed.text and "Zoé Commerciale" in feed.text
    assert client.get("/api/calendars/feed/not-a-token.ics").json()["error_id"] == "not_found"
    renewed = client.post(f"/api/calendars/{made['id']}/feed-token", headers=as_role["supervisor"]).json()
    assert (
        client.get(made["feed_url"]).status_code == 404 and client.get(renewed["feed_url"]).status_code == 200
    )


@pytest.fixture
def mailing(settings: Settings, engine: Engine) -> Iterator[tuple[TestClient, Any]]:
    """A client whose API sends e-mail to a real SMTP server on 127.0.0.1, and that server's inbox."""
    with smtp_server() as inbox:
        smtp = {
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_starttls": False,
            "smtp_from": "rdv@acme.example",
        }
        app = create_app(settings.model_copy(update=smtp), engine)
        with TestClient(app, base_url="http://testserver") as client:
            yield client, inbox


def test_the_confirmation_arrives_after_the_booking_with_its_ics_in_the_contacts_language(
    mailing: tuple[TestClient, Any], platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    client, inbox = mailing
    made = calendar(client, as_role, "zoe@acme.example")
    jane = contact(
        client, as_role["agent"], first_name="Jane", language="en", emails=[{"address": "jane@example.org"}]
    )
    body = {
        "calendar_id": made["id"],
        "start": iso(10),
        "end": iso(11),
        "subject": "Demo",
        "contact_id": jane,
    }
    booked = client.post("/api/appointments", json=body, headers=as_role["agent"]).json()
    assert booked["confirmation"]["status"] == "sent" and booked["confirmation"]["to"] == "jane@example.org"
    assert inbox.arrived.wait(timeout=10)
    [mail] = inbox.messages
    assert mail["Subject"] == "Your appointment is confirmed: Demo" and mail["Reply-To"] == "zoe@acme.example"
    [invite] = list(mail.iter_attachments())
    assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
    assert f"UID:{booked['appointment']['uid']}" in invite.get_payload(decode=True).decode()
    inbox.arrived.clear()
    client.post(f"/api/appointments/{booked['appointment']['id']}/cancel", headers=as_role["agent"])
    assert inbox.arrived.wait(timeout=10)
    assert inbox.messages[1]["Subject"] == "Your appointment is cancelled: Demo"
    [cancellation] = list(inbox.messages[1].iter_attachments())
    assert cancellation.get_param("method") == "CANCEL"


def test_without_an_smtp_host_nothing_is_sent_and_the_answer_says_so(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    made = calendar(client, as_role, "zoe@acme.example")
    luc = contact(client, as_role["agent"], first_name="Luc", emails=[{"address": "luc@example.org"}])
    body = {
        "calendar_id": made["id"],
        "start": iso(10),
        "end": iso(11),
        "subject": "Visite",
        "contact_id": luc,
    }
    answer = client.post("/api/appointments", json=body, headers=as_role["agent"]).json()["confirmation"]
    assert (answer["status"], answer["to"], answer["language"]) == ("not_configured", "luc@example.org", "fr")
    assert (
        "CALLFLOOR_SMTP_HOST" in answer["message"]["en"] and "CALLFLOOR_SMTP_HOST" in answer["message"]["fr"]
    )


def test_a_calendar_set_up_without_hours_offers_weekdays_nine_to_six_paris_time(
    client: TestClient, platform: Platform2, as_role: dict[str, dict[str, str]]
) -> None:
    body = {"user_id": user_id(client, as_role["admin"], "sup@acme.example")}
    made = client.post("/api/calendars", json=body, headers=as_role["admin"]).json()
    assert made["timezone"] == "Europe/Paris" and made["hours"]["weekly"]["fri"] == ["09:00-18:00"]
    assert "sat" not in made["hours"]["weekly"]
    week = {"calendar": made["id"], "from": "2030-06-01T00:00:00+02:00", "to": "2030-06-08T00:00:00+02:00"}
    slots = client.get("/api/appointments/slots", params=week, headers=as_role["agent"]).json()
    starts = [datetime.fromisoformat(s["start"]).astimezone(PARIS) for s in slots]
    assert starts[0] == datetime(2030, 6, 3, 9, tzinfo=PARIS)  # Monday 09:00, not Saturday 00:00
    assert {s.hour for s in starts} == set(range(9, 18)) and {s.weekday() for s in starts} == {0, 1, 2, 3, 4}
