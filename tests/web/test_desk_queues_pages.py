"""The desk page carries what its queues box and its selects need: the texts of the toggles, in
the user's language, and the tenant's disposition labels in both."""

from fastapi.testclient import TestClient

from tests.tenants import Platform2
from tests.web.clients import log_in
from tests.web.test_floor_pages import island

AGENT = "zoe@acme.example"


def test_the_desk_has_a_queues_box_and_labels_its_dispositions(
    client: TestClient, platform: Platform2
) -> None:
    desk = log_in(client, platform, AGENT).get("/desk")
    assert desk.status_code == 200
    assert 'id="queue-list"' in desk.text and "Mes files" in desk.text
    texts = island(desk.text, "desk-texts")
    assert (texts["join_queue"], texts["leave_queue"], texts["out_of_queue"]) == (
        "Rejoindre",
        "Quitter",
        "Vous l'avez quittée",
    )
    assert island(desk.text, "desk-dispositions") == {"sale": {"fr": "Vente", "en": "Sale"}}
    # An agent paused by the floor (calling a callback back, consulted…) is shown in words, not codes.
    floor_reasons = island(desk.text, "floor-reasons")
    assert floor_reasons["callback"] == {"fr": "Rappel programmé", "en": "Scheduled callback"}

    english = client.get("/desk?lang=en")
    assert "My queues" in english.text
    assert island(english.text, "desk-texts")["join_queue"] == "Rejoin"


def test_another_tenants_dispositions_stay_out_of_the_desk(client: TestClient, platform: Platform2) -> None:
    desk = log_in(client, platform, "agent1001@demo.example").get("/desk")
    labels = island(desk.text, "desk-dispositions")
    assert "sale" not in labels and labels  # the demo tenant's own codes
