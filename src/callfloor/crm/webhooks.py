"""Webhooks, the pure parts: events, the request body, its signature, and the retry schedule.

Signature (the scheme Stripe uses). Each request carries
``X-Callfloor-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
``HMAC-SHA256(secret, f"{t}.{body}")`` over the exact bytes of the body. A receiver verifies it so:

1. split the header on ``,`` into ``t`` and ``v1`` (there may be several ``v1`` during a
   change of secret: any one that matches is enough);
2. compute ``hmac.new(secret, f"{t}.".encode() + raw_body, sha256).hexdigest()`` on the body
   *as received* (not re-serialised JSON) and compare with ``hmac.compare_digest``;
3. refuse a ``t`` more than five minutes from its own clock, so a captured request cannot be
   replayed later; and de-duplicate on the body's ``id``, since a delivery may come twice.

:func:`verify` does exactly this and is what the tests' receiver runs.

Retries. A delivery is tried at once, then after 30 s, 2 min, 10 min, 1 h and 6 h
(:data:`RETRY_DELAYS_S`); a 2xx answer delivers it, anything else (another status, a timeout,
a refused connection) schedules the next try, and after the last it is *failed*.
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from callfloor.crm import CrmError

SIGNATURE_HEADER = "X-Callfloor-Signature"
EVENT_HEADER = "X-Callfloor-Event"
RETRY_DELAYS_S = (30, 120, 600, 3600, 6 * 3600)
TOLERANCE_S = 300
MAX_URL_LENGTH = 2000


class WebhookEvent(StrEnum):
    """What a webhook may subscribe to (``ping`` is only ever sent by a test request)."""

    INTERACTION_COMPLETED = "interaction.completed"
    TICKET_CHANGED = "ticket.changed"
    ORDER_CREATED = "order.created"
    APPOINTMENT_BOOKED = "appointment.booked"
    PING = "ping"


SUBSCRIBABLE = tuple(e.value for e in WebhookEvent if e is not WebhookEvent.PING)


class WebhookError(CrmError):
    """A webhook subscription that is refused (a URL that is not http(s), an unknown event)."""

    status = 422

    def __init__(self, error_id: str, en: str, fr: str, *, field: str) -> None:
        super().__init__(en)
        self.error_id, self.en, self.fr, self.field = error_id, en, fr, field


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host; :class:`WebhookError` otherwise."""
    cleaned = url.strip()
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(cleaned) > MAX_URL_LENGTH:
        raise WebhookError(
            "invalid_webhook_url",
            f"url: {url!r} is not an http(s) URL",
            f"url : {url!r} n'est pas une URL http(s)",
            field="url",
        )
    if parts.username or parts.password:
        raise WebhookError(
            "invalid_webhook_url",
            "url: no credentials in the URL (the signature authenticates)",
            "url : pas d'identifiants dans l'URL (la signature authentifie)",
            field="url",
        )
    return cleaned


def check_events(events: list[str]) -> list[str]:
    """The events, each subscribable, without repeats; at least one."""
    unknown = [e for e in events if e not in SUBSCRIBABLE]
    if unknown or not events:
        choices = ", ".join(SUBSCRIBABLE)
        raise WebhookError("unknown_event", f"events: each one of {choices}, at least one",
                           f"events : chacun parmi {choices}, au moins un", field="events")  # fmt: skip
    return list(dict.fromkeys(events))


def new_secret() -> str:
    """A signing secret (shown once to the admin, then kept sealed)."""
    return "whsec_" + secrets.token_urlsafe(32)


def body(event_id: str, event: str, created_at: datetime, data: Mapping[str, Any]) -> bytes:
    """The JSON posted: ``{"id", "type", "created_at", "data"}``, the same bytes at every attempt."""
    envelope = {"id": event_id, "type": event, "created_at": created_at.isoformat(), "data": data}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """The ``X-Callfloor-Signature`` header value for ``payload`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, payload: bytes, now: float, tolerance_s: int = TOLERANCE_S) -> bool:
    """Whether ``header`` signs ``payload`` with ``secret``, sent within ``tolerance_s`` of ``now``."""
    fields = [part.partition("=") for part in header.split(",")]
    stamps = [value for key, _, value in fields if key.strip() == "t"]
    given = [value for key, _, value in fields if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or abs(now - int(stamps[0])) > tolerance_s:
        return False
    expected = signature(secret, int(stamps[0]), payload).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in given)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries, or None: give up (the delivery failed)."""
    if attempts < 1 or attempts > len(RETRY_DELAYS_S):
        return None
    return now + timedelta(seconds=RETRY_DELAYS_S[attempts - 1])


def delivered(status_code: int | None) -> bool:
    """A 2xx answer delivers; redirects are not followed (the URL is the one the admin gave)."""
    return status_code is not None and 200 <= status_code < 300
