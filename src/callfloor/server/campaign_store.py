"""A live campaign's leads: its lead book loaded from storage, and every attempt written back.

:class:`StoredLeads` is the :class:`~callfloor.core.dialer.model.LeadSource` a live dialer asks.
It wraps a :class:`~callfloor.core.dialer.leads.LeadBook` restored from the ``leads`` rows, whose
gate is the campaign's compliance (:class:`~callfloor.outbound.compliance.CampaignCompliance`,
décret 2022-1313 art. 1, the opposition list, consent): a lead the rules refuse is never handed
out, and its refusal is a ``blocked`` attempt row with the rules' decisions, the lead deferred
to when they would pass or, if never, exhausted. Each outcome the dialer records is an attempt
row (number, caller ID, agent, the rules applied when it was let through) and the lead's row
takes the book's new state. Times are the driver's clock, in seconds since the epoch.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.compliance.model import Verdict
from callfloor.core.dialer.leads import LeadBook, LeadState
from callfloor.core.dialer.lifecycle import LeadStatus
from callfloor.core.dialer.model import Lead, Outcome
from callfloor.core.dialer.retry_config import parse_policy
from callfloor.outbound.compliance import CampaignCompliance
from callfloor.outbound.opposition import OBJECTIONS, record_objection
from callfloor.storage.outbound import CallAttempt, Campaign
from callfloor.storage.outbound import Lead as LeadRow
from callfloor.storage.scope import TenantScope


def moment(seconds: float) -> datetime:
    """A driver's time as an aware datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def seconds(at: datetime | None) -> float | None:
    """A stored time (naive ones are UTC) as seconds since the epoch."""
    if at is None:
        return None
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).timestamp()


def rules_of(verdict: Verdict) -> list[dict[str, Any]]:
    """The decisions of a verdict as the attempt row keeps them."""
    decisions = verdict.decisions if verdict.allowed else (verdict.decisions + verdict.later)
    return [{"rule": d.rule_id, "outcome": d.outcome.value} for d in decisions]


@dataclass
class Pending:
    """What an attempt under way will write: known at the dial, the agent once connected."""

    number: str
    caller_id: str
    started: float
    rules: list[dict[str, Any]] = field(default_factory=list)
    agent: str | None = None
    interaction: str | None = None  # the conversation's record, once put through to an agent


class StoredLeads:
    """One campaign's lead book, gated by its compliance, kept in step with storage."""

    def __init__(self, sessions: sessionmaker[Session], tenant_id: int, campaign_id: int) -> None:
        self.sessions, self.tenant_id, self.campaign_id = sessions, tenant_id, campaign_id
        self.pending: dict[str, Pending] = {}  # by lead id, from the dial to the outcome
        self._rules: dict[str, list[dict[str, Any]]] = {}  # the rules that let a lead through
        with sessions() as session:
            campaign = self._campaign(session)
            policy = parse_policy(campaign.retry_rules) if campaign.retry_rules else None
            self.book = LeadBook(policy, gate=self._gate)
            rows = session.scalars(select(LeadRow).where(LeadRow.campaign_id == campaign_id)).all()
            for row in rows:
                self.book.restore(self._lead(row), self._state(row))

    # -- the lead source ----------------------------------------------------------------------

    def next_lead(self, now: float, agent: str | None = None) -> Lead | None:
        """The book's next lead, past compliance."""
        return self.book.next_lead(now, agent)

    def record(self, lead_id: str, outcome: Outcome, now: float, **details: Any) -> None:
        """The book records the outcome; the attempt row and the lead's row are written."""
        self.book.record(lead_id, outcome, now, **details)
        attempt = self.pending.pop(lead_id, None)
        disposition = details.get("disposition")
        with self.sessions.begin() as session:
            if attempt is not None:
                session.add(self._attempt(lead_id, outcome, attempt, now, disposition))
                self._dispose(session, attempt, disposition)
            row = self._store(session, lead_id, outcome, disposition)
            if disposition in OBJECTIONS and row is not None:
                name = self._campaign(session).name
                agent = attempt.agent if attempt is not None else None
                record_objection(session, self.tenant_id, row.phone, moment(now), campaign=name, agent=agent)

    def release(self, lead_id: str) -> None:
        """Not dialed after all."""
        self.book.release(lead_id)
        self.pending.pop(lead_id, None)

    def dialed(self, lead: Lead, caller_id: str, now: float) -> None:
        """The lead's attempt starts: what its row will say."""
        self.pending[lead.id] = Pending(lead.number, caller_id, now, self._rules.pop(lead.id, []))

    def connected(self, lead: Lead, agent: str, interaction: str | None = None) -> None:
        """The lead's person is put through to ``agent``; ``interaction``: the conversation's record."""
        if (attempt := self.pending.get(lead.id)) is not None:
            attempt.agent, attempt.interaction = agent, interaction

    # -- compliance ------------------------------------------------------------------------------

    def _gate(self, lead: Lead, now: float) -> float | None:
        """The rules' word on the lead now; a refusal is a ``blocked`` row (décret 2022-1313 art. 1)."""
        at = moment(now)
        with self.sessions.begin() as session:
            row = session.get(LeadRow, int(lead.id))
            if row is None:
                return math.inf
            verdict = CampaignCompliance(session, self._campaign(session)).check([row], at)[0].verdict
            if verdict.allowed:
                self._rules[lead.id] = rules_of(verdict)
                return None
            session.add(
                self._attempt(lead.id, Outcome.BLOCKED, Pending(lead.number, "", now, rules_of(verdict)), now)
            )
            until = seconds(verdict.not_before)
            row.status = LeadStatus.EXHAUSTED.value if until is None else row.status
            row.next_attempt_at = None if until is None else moment(until)
            row.last_outcome = Outcome.BLOCKED.value
            return math.inf if until is None else until

    # -- storage ---------------------------------------------------------------------------------

    def _campaign(self, session: Session) -> Campaign:
        campaign = session.get(Campaign, self.campaign_id)
        if campaign is None or campaign.tenant_id != self.tenant_id:
            raise LookupError(f"no campaign {self.campaign_id} for tenant {self.tenant_id}")
        return campaign

    def _attempt(
        self, lead_id: str, outcome: Outcome, attempt: Pending, now: float, disposition: str | None = None
    ) -> CallAttempt:
        return CallAttempt(
            tenant_id=self.tenant_id, campaign_id=self.campaign_id, lead_id=int(lead_id),
            started_at=moment(attempt.started), ended_at=moment(now), outcome=outcome.value,
            disposition=disposition, agent=attempt.agent, interaction_id=attempt.interaction,
            number=attempt.number, caller_id=attempt.caller_id or None, rules=attempt.rules,
        )  # fmt: skip

    def _store(
        self, session: Session, lead_id: str, outcome: Outcome, disposition: str | None
    ) -> LeadRow | None:
        row = session.get(LeadRow, int(lead_id))
        if row is None:
            return None
        state = self.book.state(lead_id)
        row.status, row.attempts = state.status.value, state.attempts
        row.next_attempt_at = None if state.due_at is None else moment(state.due_at)
        row.last_outcome, row.callback_agent = outcome.value, state.agent
        if disposition is not None:
            row.last_disposition = disposition
        row.updated_at = datetime.now(UTC)
        return row

    def _dispose(self, session: Session, attempt: Pending, disposition: str | None) -> None:
        """The disposition on the conversation's record too (written when the call ended)."""
        if attempt.interaction is None or disposition is None:
            return
        row = TenantScope(session, self.tenant_id).interactions.by_interaction_id(attempt.interaction)
        if row is not None:
            row.disposition = disposition

    @staticmethod
    def _lead(row: LeadRow) -> Lead:
        return Lead(str(row.id), row.phone, row.priority, row.callback_agent)

    @staticmethod
    def _state(row: LeadRow) -> LeadState:
        return LeadState(
            LeadStatus(row.status), row.attempts, seconds(row.next_attempt_at), row.callback_agent
        )
