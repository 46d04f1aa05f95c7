"""The desk's customer file panel as a page: its forms, a label for every field, its texts in French."""

from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.tenants import Platform2
from tests.web.clients import log_in
from tests.web.test_floor_pages import island


class Fields(HTMLParser):
    """The ids of the fields inside ``#crm`` and the ids its labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 inside the panel
        self.fields: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id") == "crm" or self.depth:
            self.depth += tag not in {"input", "option"}  # void elements and options do not nest here
        if not self.depth:
            return
        if tag in {"input", "select", "textarea"}:
            self.fields.append(values.get("id") or "?")
        if tag == "label" and values.get("for"):
            self.labelled.add(values["for"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag != "option":
            self.depth -= 1


def test_the_desk_carries_the_customer_file_panel_with_a_label_for_every_field(
    client: TestClient, platform: Platform2
) -> None:
    desk = log_in(client, platform, "zoe@acme.example").get("/desk")
    assert desk.status_code == 200
    html = desk.text
    assert '<script src="/static/desk_crm.js" defer></script>' in html
    assert 'id="crm"' in html and 'data-zone="Europe/Paris"' in html
    for form in ("crm-note", "crm-ticket", "crm-escalate", "crm-appointment", "crm-callback"):
        assert f'<form id="{form}"' in html
    parsed = Fields()
    parsed.feed(html)
    assert len(parsed.fields) >= 14
    assert set(parsed.fields) <= parsed.labelled, set(parsed.fields) - parsed.labelled
    assert "Fiche client" in html and "Enregistrer la note" in html and "Programmer le rappel" in html
    texts = island(html, "desk-texts")
    assert texts["crm_ticket_created"] == "Ticket {number} créé."
    assert texts["ready"] == "Disponible"  # the desk's own texts are still there
    english = client.get("/desk?lang=en").text
    assert "Save the note" in english and island(english, "desk-texts")["crm_take_order"] == "Take the order"
    assert client.get("/static/desk_crm.js").status_code == 200
