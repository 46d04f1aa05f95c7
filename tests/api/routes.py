"""Walking the OpenAPI document: every operation, with path values and a valid body.

Tests that loop over these cover new routes automatically; a new request body schema needs a
sample here, and the tests say so when one is missing.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from callfloor.center.apply_outbound import apply_script, apply_survey
from callfloor.center.scripts import ScriptSpec, SurveySpec
from callfloor.crm.appointments import AppointmentBook, AppointmentInput
from callfloor.crm.calendars import CalendarInput, Calendars
from callfloor.crm.catalogue import Catalogue
from callfloor.crm.contacts import CustomerFile, PhoneInput
from callfloor.crm.custom_fields import CustomFields
from callfloor.crm.lines import LineInput
from callfloor.crm.sales import Sales
from callfloor.crm.ticket_files import AttachmentStore
from callfloor.crm.tickets import TicketDesk, TicketInput
from callfloor.crm.webhook_subscriptions import WebhookSubscriptions
from callfloor.outbound.campaigns import Campaigns
from callfloor.storage.callbacks import ScheduledCallback
from callfloor.storage.interactions import Interaction
from callfloor.storage.outbound import Lead
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox
from tests.crm.customer_files import ticket_floor
from tests.tenants import Platform2

SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "LoginRequest": {"email": "nobody@example.org", "password": "x"},
    "PreviewChoice": {"lead_id": 1},
    "DispositionInput": {"disposition": "sale"},
    "TenantCreate": {"slug": "newco", "name": "NewCo"},
    "TenantPatch": {"name": "Renamed"},
    "UserCreate": {"email": "new@acme.example", "name": "New", "role": "agent", "password": "long-enough"},
    "UserPatch": {"name": "Renamed"},
    "AgentCreate": {"user_id": 1, "extension": "3999"},
    "AgentPatch": {"max_chats": 2},
    "SkillSpec": {"name": "de"},
    "CampaignSpec": {"name": "other", "type": "survey", "mode": "preview"},
    "ScriptSpec": {
        "name": "other",
        "start": "a",
        "pages": {"a": {"title": "A", "text": "Bonjour {first_name}"}},
    },
    "SurveySpec": {"name": "other", "questions": [{"id": "q", "type": "yes_no", "text": "Satisfait ?"}]},
    # Two models are called SurveySpec (this one and the IVR flow's survey node): OpenAPI keeps the module.
    "callfloor__center__scripts__SurveySpec": {
        "name": "other",
        "questions": [{"id": "q", "type": "yes_no", "text": "Satisfait ?"}],
    },
    "QueueSpec": {"name": "other"},
    "DispositionSpec": {"code": "other", "label": {"fr": "Autre", "en": "Other"}},
    "NumberSpec": {"number": "0800999999", "queue": "support"},
    "IvrFlowSpec": {"name": "other", "start": "q", "nodes": {"q": {"type": "queue", "queue": "support"}}},
    "Activation": {"version": 1},
    "TrunkSpec": {"name": "backup", "host": "sip2.operator.example", "username": "u", "password": "p"},
    "TransferRequest": {"queue": "support"},
    "ContactIn": {"first_name": "Jeanne", "last_name": "Martin", "phones": [{"number": "06 12 34 56 79"}]},
    "ContactPatch": {"notes": "Rappeler après 18 h"},
    "MergeRequest": {"absorb": 1},
    "ConsentIn": {"channel": "phone", "purpose": "marketing", "granted": False, "source": "call"},
    "AccountIn": {"name": "Globex"},
    "AccountPatch": {"notes": "Grand compte"},
    "CustomFieldSpec": {
        "entity": "contact",
        "key": "segment",
        "label_fr": "Segment",
        "label_en": "Segment",
        "type": "text",
    },
    "ProductIn": {"reference": "NEW-1", "label": "Nouveau", "unit_price": "10.00", "vat_rate": "20"},
    "ProductPatch": {"label": "Renommé"},
    "QuoteIn": {
        "account_id": 1,
        "lines": [{"reference": "F", "label": "Libre", "unit_price": "9.99", "vat_rate": "20"}],
    },
    "QuotePatch": {"notes": "Relancer jeudi"},
    "OrderStatusChange": {"status": "confirmed"},
    "TicketIn": {"subject": "Colis abîmé", "category": "Livraison", "channel": "phone"},
    "CommentIn": {"body": "Nous revenons vers vous.", "internal": False},
    "StatusIn": {"status": "open"},
    "AssignIn": {"assignee_id": None},
    "EscalateIn": {"team": "Experts", "reason": "Expertise", "checklist_answers": ["C-1", "non"]},
    "TeamIn": {"name": "Back-office", "level": 2},
    "TicketCategoryIn": {
        "name": "SAV",
        "kind": "after_sales",
        "first_response_s": 14400,
        "resolution_s": 172800,
    },
    "WebhookIn": {"url": "https://crm.acme.example/hooks", "events": ["ticket.changed"]},
    "WebhookPatch": {"active": False},
    "ScheduleIn": {"timezone": "Europe/Paris", "country": "FR", "weekly": {"mon": ["09:00-18:00"]}},
    "CalendarIn": {"user_id": 1, "hours": {"weekly": {"mon": ["09:00-18:00"]}}, "skills": ["fibre"]},
    "BusyIn": {
        "start": "2030-01-07T09:00:00+01:00",
        "end": "2030-01-07T10:00:00+01:00",
        "label": "Formation",
    },
    "AppointmentIn": {
        "calendar_id": 1,
        "start": "2030-01-07T14:00:00+01:00",
        "end": "2030-01-07T15:00:00+01:00",
        "subject": "Visite",
    },
    "RescheduleIn": {"start": "2030-01-08T14:00:00+01:00", "end": "2030-01-08T15:00:00+01:00"},
    "EraseRequest": {"confirm": True, "dry_run": True},  # a walk never erases for real
    "ScriptIn": {"taken": [], "locale": "fr"},
    "SurveyIn": {"answers": {"q": True}, "interaction_id": "walk-1"},
    "QuoteTargetsIn": {"min_age_days": 7, "max_age_days": None, "min_amount": None, "dry_run": False},
    "PostponeIn": {"due_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()},
    "AgentStateIn": {"state": "paused", "reason": "lunch"},
    "QueueChoiceIn": {"queue": "support", "joined": False},
    "PauseReasonsIn": {"pause_reasons": [{"code": "break", "label": {"fr": "Pause", "en": "Break"}}]},
    "PriorityIn": {"priority": 5},
    "MonitorIn": {"mode": "listen"},
    "NoteIn": {"note": "Rappeler après 18 h"},
    "ContactLink": {"contact_id": 1},
    "CallbackIn": {"contact_id": 1, "due_at": "2030-01-07T10:00:00", "note": "Devis"},
}

# Query strings that routes with a required query parameter are called with.
SAMPLE_QUERIES: dict[tuple[str, str], str] = {
    ("GET", "/api/contacts/lookup"): "number=0612345678",
    ("GET", "/api/screen-pop"): "number=0612345678",
}

# The rep's iCalendar feed: its token is the credential, another tenant's token opens it too.
OPEN_ROUTES = {
    ("GET", "/api/health"),
    ("POST", "/api/auth/login"),
    ("GET", "/api/calendars/feed/{token}.ics"),
}
# Platform-level routes: superadmins only, whatever the tenant role.
PLATFORM_ROUTES = {("GET", "/api/sip/bans")}
# Live calls: agents (their own calls), supervisors and admins; no call is live without SIP.
FLOOR_ROUTES = {
    ("GET", "/api/calls"),
    ("GET", "/api/calls/{call_id}/screen-pop"),
    ("POST", "/api/calls/{call_id}/hold"),
    ("POST", "/api/calls/{call_id}/resume"),
    ("POST", "/api/calls/{call_id}/transfer"),
    ("POST", "/api/calls/{call_id}/transfer/complete"),
    ("POST", "/api/calls/{call_id}/transfer/cancel"),
    ("POST", "/api/calls/{call_id}/conference"),
    ("POST", "/api/calls/{call_id}/recording/pause"),
    ("POST", "/api/calls/{call_id}/recording/resume"),
    ("POST", "/api/calls/{call_id}/answer"),
    ("POST", "/api/calls/{call_id}/hangup"),
}
#: An agent's own state on the live floor: agents (and supervisors or admins who are agents too).
AGENT_DESK_ROUTES = {
    ("GET", "/api/me/agent"),
    ("POST", "/api/me/agent/state"),
    ("POST", "/api/me/agent/queues"),
    ("GET", "/api/pause-reasons"),
}
#: The live floor's event stream: the wallboard for supervisors and admins, their own desk for agents.
FLOOR_STREAM = ("GET", "/api/floor/stream")
#: Watching and commanding the live floor: supervisors and admins (no SIP server in the walks: 503 or 404).
SUPERVISION_ROUTES = {
    ("GET", "/api/floor/live"),
    FLOOR_STREAM,
    ("POST", "/api/agents/{extension}/state"),
    ("POST", "/api/agents/{extension}/queues"),
    ("POST", "/api/calls/{call_id}/priority"),
    ("GET", "/api/calls/monitoring"),
    ("POST", "/api/calls/{call_id}/monitor"),
    ("POST", "/api/calls/{call_id}/monitor/mode"),
    ("POST", "/api/calls/{call_id}/monitor/stop"),
}


# Import and export (admins and supervisors): their {kind} names a kind of record, not an object.
TRANSFER_ROUTES = {("POST", "/api/imports/{kind}"), ("GET", "/api/exports/{kind}")}


#: A campaign's results, its survey figures and their export: reports.
CAMPAIGN_REPORT_ROUTES = {
    ("GET", "/api/campaigns/{campaign}/results"),
    ("GET", "/api/campaigns/{campaign}/survey/results"),
    ("GET", "/api/campaigns/{campaign}/survey/export"),
}


def reads_reports(method: str, path: str) -> bool:
    """Whether client viewers may call this route: KPIs and reports, which supervisors and admins read too."""
    return (path.startswith("/api/kpi/") and method == "GET") or (method, path) in CAMPAIGN_REPORT_ROUTES


def admin_only(method: str, path: str) -> bool:
    """Whether only admins may call this route, reading included: webhooks send the tenant's data away."""
    return path.startswith("/api/webhooks")


def with_integrations(platform: Platform2, sessions: sessionmaker[Session], box: SecretBox) -> Platform2:
    """Both tenants given a webhook (with a queued ping), a campaign, and the kind the import and export walks use."""
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with sessions.begin() as session:
        for tenant in (platform.acme, platform.demo):
            hooks = WebhookSubscriptions(session, tenant.tenant_id, box)
            webhook, _ = hooks.create("https://crm.example/hooks", ["ticket.changed"], now=now)
            hooks.ping(webhook, now=now)
            tenant.ids["/api/webhooks"] = {"webhook_id": webhook.id}
            tenant.ids["/api/imports"] = {"kind": "contacts"}  # type: ignore[dict-item]
            tenant.ids["/api/exports"] = {"kind": "contacts"}  # type: ignore[dict-item]
            # Campaigns go by name: each tenant's own, so another tenant's name finds nothing.
            campaign = Campaigns(session, tenant.tenant_id).create(
                f"relance-{tenant.tenant_id}", "quote_followup"
            )
            tenant.ids["/api/campaigns"] = {"campaign": campaign.name, "object_id": campaign.id}  # type: ignore[dict-item]
            scope = TenantScope(session, tenant.tenant_id)
            script = apply_script(
                scope, ScriptSpec.model_validate(SAMPLE_BODIES["ScriptSpec"] | {"name": "s"})
            )
            survey = apply_survey(
                scope, SurveySpec.model_validate(SAMPLE_BODIES["SurveySpec"] | {"name": "s"})
            )
            tenant.ids["/api/scripts"] = {"object_id": script.id}
            tenant.ids["/api/surveys"] = {"object_id": survey.id}
            campaign.script, campaign.survey = script.name, survey.name  # the agent desk's walks use them
            lead = Lead(tenant_id=tenant.tenant_id, campaign_id=campaign.id, phone="+33612345678",
                        phone_type="mobile", zone="Europe/Paris", country="FR", first_name="Jeanne",
                        data={"quote_number": "D-1"})  # fmt: skip
            session.add(lead)
            session.flush()
            tenant.ids["/api/campaigns"]["lead_id"] = lead.id
            # An agent's state goes by extension: each tenant's own, so another tenant's finds nothing.
            tenant.ids["/api/agents"]["extension"] = scope.agents.list()[0].extension  # type: ignore[assignment]
    return platform


# A person's data exported (admins, supervisors) or erased (admins only): not the agents' customer file.
GDPR_ROUTES = {
    ("GET", "/api/contacts/{contact_id}/gdpr-export"),
    ("POST", "/api/contacts/{contact_id}/erase"),
}


#: The customer file: contacts, accounts, interactions, tickets, scheduled callbacks.
CUSTOMER_FILE_PATHS = (
    *("/api/contacts", "/api/accounts", "/api/interactions", "/api/screen-pop", "/api/tickets"),
    "/api/callbacks",
)


def works_in_customer_file(method: str, path: str) -> bool:
    """Whether agents and supervisors may call this route: contacts, accounts, tickets, reading their setup."""
    if (method, path) in GDPR_ROUTES:
        return False
    if path.startswith(CUSTOMER_FILE_PATHS):
        return True
    setup = ("/api/custom-fields", "/api/teams", "/api/ticket-categories", "/api/schedule")
    return path.startswith(setup) and method == "GET"


def with_tickets(platform: Platform2, sessions: sessionmaker[Session], data_dir: Path) -> Platform2:
    """Both tenants (already given a contact) given teams, a category, and a ticket with a comment and a file."""
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with sessions.begin() as session:
        for tenant in (platform.acme, platform.demo):
            floor = ticket_floor(session, tenant.tenant_id)
            desk = TicketDesk(session, tenant.tenant_id)
            contact_id = tenant.ids["/api/contacts"]["contact_id"]
            ticket = desk.create(
                TicketInput("Colis jamais livré", floor.category.id, contact_id=contact_id),
                actor=None,
                now=now,
            )
            desk.comment(ticket, "Appel du transporteur", internal=True, actor=None, now=now)
            attachment = AttachmentStore(data_dir).save(
                session,
                ticket,
                file_name="bon.txt",
                content_type="text/plain",
                data=b"bon",
                actor=None,
                now=now,
            )
            tenant.ids["/api/tickets"] = {"ticket_id": ticket.id, "attachment_id": attachment.id}
            tenant.ids["/api/teams"] = {"team_id": floor.level1.id}
            tenant.ids["/api/ticket-categories"] = {"category_id": floor.category.id}
    return platform


#: What an agent does on an outbound campaign: join, leave; read a lead, walk its script, ask its survey.
CAMPAIGN_DESK_ROUTES = {
    ("POST", "/api/campaigns/{campaign}/join"),
    ("POST", "/api/campaigns/{campaign}/leave"),
    ("GET", "/api/campaigns/{campaign}/desk"),
    ("POST", "/api/campaigns/{campaign}/preview/dial"),
    ("POST", "/api/campaigns/{campaign}/preview/skip"),
    ("POST", "/api/campaigns/{campaign}/disposition"),
    ("GET", "/api/campaigns/{campaign}/leads/{lead_id}"),
    ("POST", "/api/campaigns/{campaign}/leads/{lead_id}/script"),
    ("GET", "/api/campaigns/{campaign}/leads/{lead_id}/survey"),
    ("POST", "/api/campaigns/{campaign}/leads/{lead_id}/survey"),
}
#: And a supervisor: see, start and stop its dialer too.
CAMPAIGN_RUN_ROUTES = CAMPAIGN_DESK_ROUTES | {
    ("GET", "/api/campaigns/{campaign}/run"),
    ("POST", "/api/campaigns/{campaign}/start"),
    ("POST", "/api/campaigns/{campaign}/stop"),
    ("POST", "/api/campaigns/{campaign}/quote-targets"),  # and feed a relance de devis from the quotes
}


def sells(method: str, path: str) -> bool:
    """Whether agents may call this route: quotes, orders, reading the catalogue."""
    if path.startswith(("/api/quotes", "/api/orders")):
        return True
    return path.startswith("/api/products") and method == "GET"


def manages_catalogue(method: str, path: str) -> bool:
    """Whether supervisors may call this route though it writes: sales, and the catalogue too."""
    return path.startswith(("/api/quotes", "/api/orders", "/api/products"))


def with_sales(platform: Platform2, sessions: sessionmaker[Session]) -> Platform2:
    """Both tenants (already given a contact) given a product, a draft quote and an order."""
    now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with sessions.begin() as session:
        for tenant in (platform.acme, platform.demo):
            fields = {
                "reference": "HS-1",
                "label": "Casque",
                "unit_price": Decimal("49.90"),
                "vat_rate": Decimal(20),
            }
            product = Catalogue(session, tenant.tenant_id).create(fields, now=now)
            sales = Sales(session, tenant.tenant_id)
            customer = {
                "contact_id": tenant.ids["/api/contacts"]["contact_id"],
                "valid_until": date(2026, 3, 31),
            }
            quote = sales.create_quote(customer, [LineInput(product="HS-1")], now=now)
            sold = sales.create_quote(customer, [LineInput(product="HS-1", quantity=Decimal(3))], now=now)
            sales.send(sold, today=date(2026, 3, 2), now=now)
            order = sales.take_order(sold, taken_by=None, today=date(2026, 3, 2), now=now)
            tenant.ids["/api/products"] = {"product_id": product.id}
            tenant.ids["/api/quotes"] = {"quote_id": quote.id}
            tenant.ids["/api/orders"] = {"order_id": order.id}
    return platform


def books_appointments(method: str, path: str) -> bool:
    """Whether agents may call this route: appointments, reading calendars."""
    if path.startswith("/api/appointments"):
        return True
    return path.startswith("/api/calendars") and method == "GET"


def plans_appointments(method: str, path: str) -> bool:
    """Whether supervisors may call this route though it writes: calendars and appointments."""
    return path.startswith(("/api/appointments", "/api/calendars"))


def with_appointments(platform: Platform2, sessions: sessionmaker[Session]) -> Platform2:
    """Both tenants (already given a contact) given a rep's calendar, a busy time and an appointment."""
    today = datetime.now(UTC)
    start = (today + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    every_day = {day: ["08:00-20:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    with sessions.begin() as session:
        for tenant in (platform.acme, platform.demo):
            user = next(u for u in TenantScope(session, tenant.tenant_id).users.list() if u.role == "agent")
            hours = CalendarInput(user.id, {"weekly": every_day}, timezone="UTC")
            calendar = Calendars(session, tenant.tenant_id).create(hours, now=today)
            busy = Calendars(session, tenant.tenant_id).add_busy(
                calendar, start + timedelta(hours=3), start + timedelta(hours=4), "Formation"
            )
            contact_id = tenant.ids["/api/contacts"]["contact_id"]
            given = AppointmentInput(
                calendar.id, start, start + timedelta(hours=1), "Visite", contact_id=contact_id
            )
            row = AppointmentBook(session, tenant.tenant_id).book(given, actor=None, now=today)
            tenant.ids["/api/calendars"] = {"calendar_id": calendar.id, "busy_id": busy.id}
            tenant.ids["/api/calendars/feed"] = {"token": calendar.feed_token}  # type: ignore[dict-item]
            tenant.ids["/api/appointments"] = {"appointment_id": row.id}
    return platform


def finished_call(session: Session, tenant_id: int, contact_id: int) -> Any:
    """The record of the tenant's recorded call, linked to the contact; its interaction id."""
    recorded = TenantScope(session, tenant_id).recordings.list()[0]
    at = recorded.started_at
    call = Interaction(
        tenant_id=tenant_id, interaction_id=recorded.interaction_id, channel="call", direction="inbound",
        number="+33612345678", contact_id=contact_id, started_at=at, ended_at=at, outcome="completed",
    )  # fmt: skip
    session.add(call)
    return recorded.interaction_id


def with_customer_file(platform: Platform2, sessions: sessionmaker[Session]) -> Platform2:
    """Both tenants given an account, a contact and a custom field, and their ids for the walks."""
    with sessions.begin() as session:
        for tenant in (platform.acme, platform.demo):
            customers = CustomerFile(session, tenant.tenant_id)
            account = customers.create_account({"name": "Client SA"}, phones=[PhoneInput("0140000000")])
            contact = customers.create_contact(
                {"first_name": "Marie", "last_name": "Curie", "account_id": account.id},
                phones=[PhoneInput("0612345678")],
            )
            field = CustomFields(session, tenant.tenant_id).define(
                entity="contact", key="loyalty", label_fr="Fidélité", label_en="Loyalty", type_="text"
            )
            tenant.ids["/api/contacts"] = {"contact_id": contact.id}
            tenant.ids["/api/accounts"] = {"account_id": account.id}
            tenant.ids["/api/custom-fields"] = {"field_id": field.id}
            tenant.ids["/api/interactions"] = {
                "interaction_id": finished_call(session, tenant.tenant_id, contact.id)
            }
            callback = ScheduledCallback(
                tenant_id=tenant.tenant_id, contact_id=contact.id, number="+33612345678",
                due_at=datetime.now(UTC) + timedelta(days=1), note="Devis", status="pending",
            )  # fmt: skip
            session.add(callback)
            session.flush()
            tenant.ids["/api/callbacks"] = {"callback_id": callback.id}
    return platform


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
        query = SAMPLE_QUERIES.get((self.method, self.path))
        return client.request(self.method, f"{url}?{query}" if query else url, json=body, headers=headers)


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
