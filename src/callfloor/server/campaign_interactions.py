"""A campaign's conversations in the customer file: notes kept during the call, the record at its end.

Theory of operation. When the dialer puts a person through to an agent (its ``Connect``), the
conversation gets an interaction id of its own, a UUID (the dialer's call ids start again with
every run, so they cannot name a record). The agent's desk reads it
(:attr:`callfloor.server.campaigns.DeskView.interaction`); during the call a note
(``POST /api/interactions/{id}/note``) or a contact chosen for the person
(``POST /api/interactions/{id}/contact``) is kept here, as the inbound floor keeps them with the
interaction's tally (:class:`callfloor.crm.interactions.OpenInteractions`). When the line goes
down the record is written, an outbound call ended ``outbound_ended`` for the reason
``campaign``, through the same :class:`~callfloor.crm.interactions.InteractionRecorder`: with the
notes, linked to the contact chosen, else the lead's, else the one its number names. Notes typed
after that (wrap-up) go to the record, as for an inbound call; the attempt row names the
interaction (:meth:`callfloor.server.campaign_store.StoredLeads.connected`).
"""

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callfloor.core.dialer.model import Lead
from callfloor.crm.interaction_notes import appended
from callfloor.crm.interactions import InteractionRecorder, InteractionStart, InteractionTally
from callfloor.storage.outbound import Lead as LeadRow
from callfloor.storage.scope import TenantScope

log = logging.getLogger(__name__)
#: The record's ``outcome_reason``: a campaign's conversation (an agent's own call out says its outcome).
CAMPAIGN_REASON = "campaign"


@dataclass(slots=True)
class Conversation:
    """A campaign call put through to an agent, until its record is written."""

    interaction: str
    call: str  # the dialer's call id
    agent: str
    lead: str
    number: str
    dialed_at: float
    connected_at: float
    notes: str = ""
    contact_id: int | None = None  # chosen by the agent during the call

    def note(self, note: str) -> str:
        """Append the agent's note (refused as :func:`~callfloor.crm.interaction_notes.appended` refuses)."""
        self.notes = appended(self.notes, note)
        return self.notes


class Conversations:
    """One campaign run's conversations: live ones by call, and each agent's last one (wrap-up)."""

    def __init__(self, sessions: sessionmaker[Session], tenant_id: int) -> None:
        self.sessions, self.tenant_id = sessions, tenant_id
        self.live: dict[str, Conversation] = {}  # by the dialer's call id
        self.last: dict[str, str] = {}  # agent -> the interaction id of their last conversation

    def connected(self, call: str, lead: Lead, agent: str, *, dialed_at: float, now: float) -> str:
        """The person of ``call`` is put through to ``agent``: the conversation's interaction id."""
        interaction = str(uuid.uuid4())
        self.live[call] = Conversation(interaction, call, agent, lead.id, lead.number, dialed_at, now)
        self.last[agent] = interaction
        return interaction

    def find(self, interaction: str) -> Conversation | None:
        """The live conversation of that interaction id (None: not one, or its record is written)."""
        return next((c for c in self.live.values() if c.interaction == interaction), None)

    def of_agent(self, agent: str) -> str | None:
        """The interaction id of the agent's last conversation (the one on their desk)."""
        return self.last.get(agent)

    def ended(self, call: str, now: float, region: str) -> None:
        """The line is down: the conversation's record is written (a failed write is logged, not raised)."""
        conversation = self.live.pop(call, None)
        if conversation is None:
            return
        try:
            with self.sessions.begin() as session:
                self._write(session, conversation, now, region)
        except SQLAlchemyError:
            log.exception("campaign call %s: the record of %s was lost", call, conversation.interaction)

    def _write(self, session: Session, conversation: Conversation, now: float, region: str) -> None:
        scope = TenantScope(session, self.tenant_id)
        lead = session.get(LeadRow, int(conversation.lead))
        contact = conversation.contact_id or (lead.contact_id if lead is not None else None)
        start = InteractionStart(
            conversation.interaction, conversation.dialed_at, direction="outbound", number=conversation.number
        )
        tally = InteractionTally(
            start, agent=conversation.agent, answered_at=conversation.connected_at,
            talk_s=max(0.0, now - conversation.connected_at), ended_at=now, outcome="outbound_ended",
            reason=CAMPAIGN_REASON, notes=conversation.notes, contact_id=contact,
        )  # fmt: skip
        agent = scope.agents.by_extension(conversation.agent)
        recorder = InteractionRecorder(session, self.tenant_id, region)
        recorder.write(tally, queue_id=None, agent_id=agent.id if agent is not None else None)
