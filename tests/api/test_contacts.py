"""The customer file's routes: contacts, accounts, look-up, duplicates, merge, consents, custom fields."""

from typing import Any

from fastapi.testclient import TestClient

from tests.tenants import Platform2

Headers = dict[str, dict[str, str]]


def _create(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], path: str = "/api/contacts"
) -> Any:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_agent_files_finds_changes_and_deletes_a_contact(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    agent = as_role["agent"]
    body = {
        "first_name": "Hélène",
        "last_name": "Le Gall",
        "language": "fr",
        "timezone": "Europe/Paris",
        "tags": ["vip"],
        "phones": [{"number": "06 12 34 56 78"}, {"number": "+33 (0)1 40 00 00 00", "label": "work"}],
        "emails": [{"address": "Helene@Example.org"}],
        "addresses": [{"lines": ["12 rue de la Paix"], "postal_code": "75002", "city": "Paris"}],
    }
    contact = _create(client, agent, body)
    assert [p["number"] for p in contact["phones"]] == ["+33612345678", "+33140000000"]
    assert contact["emails"][0]["address"] == "helene@example.org"
    for q in ("helene", "le gall", "0033612345678", "612345678", "helene@example.org"):
        found = client.get("/api/contacts", params={"q": q}, headers=agent).json()
        assert (found["total"], found["items"][0]["id"]) == (1, contact["id"]), q
    lookup = client.get("/api/contacts/lookup", params={"number": "+33 6 12 34 56 78"}, headers=agent).json()
    assert [c["id"] for c in lookup["contacts"]] == [contact["id"]]
    url = f"/api/contacts/{contact['id']}"
    changed = client.patch(url, json={"notes": "Rappeler", "phones": []}, headers=agent).json()
    assert (changed["notes"], changed["phones"], changed["first_name"]) == ("Rappeler", [], "Hélène")
    assert client.get("/api/contacts/lookup", params={"number": "0612345678"}, headers=agent).json() == {
        "contacts": [],
        "accounts": [],
    }
    assert client.delete(url, headers=agent).status_code == 204
    assert client.get(url, headers=agent).json()["error_id"] == "not_found"


def test_bad_data_is_refused_with_the_field_named_in_french_and_english(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    agent = as_role["agent"]
    for body, field in (
        ({"last_name": "A", "phones": [{"number": "pas un numéro"}]}, "phone"),
        ({"last_name": "A", "timezone": "Europe/Lutece"}, "timezone"),
        ({"last_name": "A", "emails": [{"address": "nobody"}]}, "email"),
        ({"last_name": "A", "addresses": [{"country": "ZZ"}]}, "country"),
        ({"last_name": "A", "account_id": 999_999}, "account_id"),
    ):
        response = client.post("/api/contacts", json=body, headers=agent)
        assert response.status_code == 422, (body, response.text)
        error = response.json()
        assert error["error_id"] == "invalid_customer_data"
        assert field in error["message"]["fr"] and field in error["message"]["en"]
    _create(client, agent, {"last_name": "A", "customer_number": "C-1"})
    taken = client.post("/api/contacts", json={"last_name": "B", "customer_number": "C-1"}, headers=agent)
    assert (taken.status_code, taken.json()["error_id"]) == (409, "duplicate")
    unknown = client.post("/api/contacts", json={"nickname": "Jo"}, headers=agent)
    assert unknown.json()["error_id"] == "invalid_request"
    page = client.get("/api/contacts", params={"limit": 0}, headers=agent)
    assert page.status_code == 422


def test_client_viewers_see_no_personal_data(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    for path in (
        "/api/contacts",
        "/api/accounts",
        "/api/custom-fields",
        "/api/contacts/lookup?number=0612345678",
    ):
        response = client.get(path, headers=as_role["client_viewer"])
        assert (response.status_code, response.json()["error_id"]) == (403, "forbidden")


def test_a_tenant_may_let_its_client_viewers_read_its_customer_file_and_no_more(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    contact = _create(
        client, as_role["agent"], {"last_name": "Le Gall", "phones": [{"number": "0612345678"}]}
    )
    viewer, url = as_role["client_viewer"], f"/api/contacts/{contact['id']}"
    tenant = f"/api/tenants/{platform.acme.tenant_id}"
    assert client.get(url, headers=viewer).status_code == 403  # not unless the tenant says so
    assert client.patch(tenant, json={"client_viewer_personal_data": True}, headers=viewer).status_code == 403
    answer = client.patch(tenant, json={"client_viewer_personal_data": True}, headers=as_role["admin"])
    assert (answer.status_code, answer.json()["client_viewer_personal_data"]) == (200, True)
    for path in (url, "/api/contacts?q=le gall", f"{url}/history", f"{url}/consents", "/api/accounts"):
        assert client.get(path, headers=viewer).status_code == 200, path
    assert client.get("/api/contacts", params={"q": "le gall"}, headers=viewer).json()["total"] == 1
    for method, path, body in (
        ("PATCH", url, {"notes": "x"}), ("POST", "/api/contacts", {"last_name": "X"}), ("DELETE", url, None),
        ("POST", f"{url}/merge", {"absorb": contact["id"]}),
    ):  # fmt: skip
        assert client.request(method, path, json=body, headers=viewer).status_code == 403, path
    for path in (
        "/api/contacts/lookup?number=0612345678",
        f"{url}/duplicates",
        "/api/screen-pop?number=0612345678",
    ):
        assert client.get(path, headers=viewer).status_code == 403, path  # agents' tools stay theirs


def test_duplicates_are_listed_with_reasons_and_merged(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    agent = as_role["agent"]
    keep = _create(
        client, agent, {"first_name": "Jean", "last_name": "Martin", "phones": [{"number": "0612345678"}]}
    )
    other = _create(
        client,
        agent,
        {
            "first_name": "JEAN",
            "last_name": "Martin",
            "customer_number": "C-9",
            "phones": [{"number": "+33612345678"}, {"number": "0698765432"}],
        },
    )
    found = client.get(f"/api/contacts/{keep['id']}/duplicates", headers=agent).json()
    assert [(d["contact"]["id"], d["reasons"]) for d in found] == [(other["id"], ["phone", "name"])]
    url = f"/api/contacts/{keep['id']}/merge"
    merged = client.post(url, json={"absorb": other["id"]}, headers=agent).json()
    assert [p["number"] for p in merged["phones"]] == ["+33612345678", "+33698765432"]
    assert merged["customer_number"] == "C-9"
    assert client.get(f"/api/contacts/{other['id']}", headers=agent).status_code == 404
    itself = client.post(url, json={"absorb": keep["id"]}, headers=agent)
    assert (itself.status_code, itself.json()["error_id"]) == (409, "cannot_merge")
    assert client.post(url, json={"absorb": other["id"]}, headers=agent).status_code == 404


def test_consents_are_recorded_and_listed(client: TestClient, platform: Platform2, as_role: Headers) -> None:
    agent = as_role["agent"]
    contact = _create(client, agent, {"last_name": "Martin"})
    url = f"/api/contacts/{contact['id']}/consents"
    body = {"channel": "sms", "purpose": "marketing", "granted": False, "source": "appel du 14/03"}
    recorded = client.post(url, json=body, headers=agent)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["recorded_by"] is not None
    bad = client.post(url, json={**body, "purpose": "Tout !"}, headers=agent)
    assert (bad.status_code, bad.json()["error_id"]) == (422, "invalid_customer_data")
    history = client.get(url, headers=agent).json()
    assert [(c["channel"], c["granted"], c["source"]) for c in history] == [("sms", False, "appel du 14/03")]


def test_admins_define_custom_fields_and_values_are_checked(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    spec = {
        "entity": "contact",
        "key": "loyalty",
        "label_fr": "Fidélité",
        "label_en": "Loyalty",
        "type": "choice",
    }
    assert client.post("/api/custom-fields", json=spec, headers=as_role["agent"]).status_code == 403
    no_choices = client.post("/api/custom-fields", json=spec, headers=as_role["admin"])
    assert no_choices.json()["error_id"] == "invalid_custom_field"
    field = _create(client, as_role["admin"], {**spec, "choices": ["gold", "silver"]}, "/api/custom-fields")
    again = client.post("/api/custom-fields", json={**spec, "choices": ["x"]}, headers=as_role["admin"])
    assert again.status_code == 409
    listed = client.get("/api/custom-fields", params={"entity": "contact"}, headers=as_role["agent"]).json()
    assert [f["key"] for f in listed] == ["loyalty"]
    agent = as_role["agent"]
    ok = _create(client, agent, {"last_name": "A", "custom": {"loyalty": "gold"}})
    assert ok["custom"] == {"loyalty": "gold"}
    for custom in ({"loyalty": "bronze"}, {"unknown": 1}):
        refused = client.post("/api/contacts", json={"last_name": "B", "custom": custom}, headers=agent)
        assert (refused.status_code, refused.json()["error_id"]) == (422, "invalid_custom_field")
    url = f"/api/custom-fields/{field['id']}"
    renamed = client.put(
        url, json={**spec, "choices": ["gold"], "label_en": "Tier"}, headers=as_role["admin"]
    )
    assert renamed.json()["label_en"] == "Tier"
    assert client.delete(url, headers=as_role["admin"]).status_code == 204


def test_accounts_hold_contacts_and_a_switchboard_number(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    agent = as_role["agent"]
    account = _create(
        client,
        agent,
        {
            "name": "Régie Renault",
            "registration_number": "552 100 554",
            "phones": [{"number": "01 40 00 00 00"}],
        },
        "/api/accounts",
    )
    assert account["registration_number"] == "552100554"
    bad = client.post("/api/accounts", json={"name": "X", "registration_number": "552100555"}, headers=agent)
    assert bad.json()["error_id"] == "invalid_customer_data"
    contact = _create(client, agent, {"last_name": "Le Gall", "account_id": account["id"]})
    assert contact["account_name"] == "Régie Renault"
    url = f"/api/accounts/{account['id']}"
    assert [c["id"] for c in client.get(f"{url}/contacts", headers=agent).json()] == [contact["id"]]
    assert client.get("/api/contacts", params={"company": "regie"}, headers=agent).json()["total"] == 1
    assert client.get("/api/accounts", params={"q": "renault"}, headers=agent).json()["total"] == 1
    lookup = client.get("/api/contacts/lookup", params={"number": "+33140000000"}, headers=agent).json()
    assert [a["id"] for a in lookup["accounts"]] == [account["id"]]
    assert client.patch(url, json={"name": ""}, headers=agent).status_code == 422
    assert client.patch(url, json={"notes": "Grand compte"}, headers=agent).json()["notes"] == "Grand compte"
    assert client.delete(url, headers=agent).status_code == 204
    assert client.get(f"/api/contacts/{contact['id']}", headers=agent).json()["account_id"] is None


def test_another_tenants_customers_are_out_of_reach(
    client: TestClient, platform: Platform2, as_role: Headers
) -> None:
    root = {**as_role["superadmin"], "X-Callfloor-Tenant": "demo"}
    theirs = _create(client, root, {"last_name": "Démo", "phones": [{"number": "0612345678"}]})
    their_account = _create(client, root, {"name": "Démo SA"}, "/api/accounts")
    agent = as_role["agent"]
    assert client.get(f"/api/contacts/{theirs['id']}", headers=agent).status_code == 404
    assert client.get("/api/contacts", params={"q": "0612345678"}, headers=agent).json()["total"] == 0
    assert (
        client.get("/api/contacts/lookup", params={"number": "0612345678"}, headers=agent).json()["contacts"]
        == []
    )
    linked = client.post(
        "/api/contacts", json={"last_name": "A", "account_id": their_account["id"]}, headers=agent
    )
    assert linked.status_code == 422
    mine = _create(client, agent, {"last_name": "Mine"})
    merge = client.post(f"/api/contacts/{mine['id']}/merge", json={"absorb": theirs["id"]}, headers=agent)
    assert merge.status_code == 404
    assert client.get(f"/api/contacts/{theirs['id']}", headers=root).status_code == 200
