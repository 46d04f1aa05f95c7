"""Walking the OpenAPI document: every operation, with path values and a valid body.

Tests that loop over these cover new routes automatically; a new request body schema needs a
sample here, and the tests say so when one is missing.
"""

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "LoginRequest": {"email": "nobody@example.org", "password": "x"},
    "TenantCreate": {"slug": "newco", "name": "NewCo"},
    "TenantPatch": {"name": "Renamed"},
    "UserCreate": {"email": "new@acme.example", "name": "New", "role": "agent", "password": "long-enough"},
    "UserPatch": {"name": "Renamed"},
    "AgentCreate": {"user_id": 1, "extension": "3999"},
    "AgentPatch": {"max_chats": 2},
    "SkillSpec": {"name": "de"},
    "QueueSpec": {"name": "other"},
    "DispositionSpec": {"code": "other", "label": {"fr": "Autre", "en": "Other"}},
    "NumberSpec": {"number": "0800999999", "queue": "support"},
    "IvrFlowSpec": {"name": "other", "start": "q", "nodes": {"q": {"type": "queue", "queue": "support"}}},
    "Activation": {"version": 1},
    "TrunkSpec": {"name": "backup", "host": "sip2.operator.example", "username": "u", "password": "p"},
    "TransferRequest": {"queue": "support"},
}

OPEN_ROUTES = {("GET", "/api/health"), ("POST", "/api/auth/login")}
# Platform-level routes: superadmins only, whatever the tenant role.
PLATFORM_ROUTES = {("GET", "/api/sip/bans")}
# Live calls: agents (their own calls), supervisors and admins; no call is live without SIP.
FLOOR_ROUTES = {
    ("GET", "/api/calls"),
    ("POST", "/api/calls/{call_id}/hold"),
    ("POST", "/api/calls/{call_id}/resume"),
    ("POST", "/api/calls/{call_id}/transfer"),
    ("POST", "/api/calls/{call_id}/transfer/complete"),
    ("POST", "/api/calls/{call_id}/transfer/cancel"),
    ("POST", "/api/calls/{call_id}/conference"),
    ("POST", "/api/calls/{call_id}/recording/pause"),
    ("POST", "/api/calls/{call_id}/recording/resume"),
}


@dataclass(frozen=True)
class Operation:
    """One method on one path of the API."""

    method: str
    path: str
    body_schema: str | None

    @property
    def params(self) -> list[str]:
        """The path's parameter names."""
        return re.findall(r"{(\w+)}", self.path)

    @property
    def collection(self) -> str:
        """The path without its parameter (``/api/skills`` for ``/api/skills/{object_id}``)."""
        return self.path.split("/{")[0]

    def url(self, ids: dict[str, dict[str, int]]) -> str:
        """The path with ids filled in from ``ids[collection]``."""
        values = ids.get(self.collection, {})
        return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), self.path)

    def call(self, client: TestClient, url: str, headers: dict[str, str]) -> Any:
        """Send the operation with a valid sample body."""
        body = SAMPLE_BODIES[self.body_schema] if self.body_schema else None
        return client.request(self.method, url, json=body, headers=headers)


def operations(client: TestClient) -> list[Operation]:
    """Every operation of the OpenAPI document."""
    document = client.get("/api/openapi.json").json()
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            ref = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            schema = ref.get("$ref", "").rsplit("/", 1)[-1] or None
            found.append(Operation(method.upper(), path, schema))
    return found
