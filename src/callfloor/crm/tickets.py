"""Working tickets: create, comment, move through the status table, assign, triage and escalate.

One tenant per service, like the storage repositories: a category, team, user, contact or
account named by id is looked up in that tenant, so another tenant's id is refused as unknown.
Numbers (``T-2026-000123``, the year on the tenant's clock) come from the tenant's counter in
the caller's transaction. Due times come from the category's SLA in the tenant's business hours
(:mod:`callfloor.crm.sla`), and move when the resolution clock stops (pending, resolved) and
starts again.

Level-1 triage: an agent goes through the category's checklist, then resolves the ticket or
escalates it to a level-2 team with a reason; the answers and the reason are kept in the
history, which every change appends to. The first response is the first comment visible to the
customer, or the first status change, made by a user. Nothing here reads a clock: ``now`` is
an argument.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm import sla
from callfloor.crm import timeline_rows as _timeline_rows  # noqa: F401 - registers the timeline sources
from callfloor.crm.merge import CONTACT_REFERENCES
from callfloor.crm.outbox import ticket_changed
from callfloor.crm.ticket_errors import EscalationError, TicketClosedError, TicketError, refuse, text
from callfloor.crm.ticket_status import WORKED, TicketStatus, is_reopening, move
from callfloor.storage.models import User
from callfloor.storage.scope import TenantScope
from callfloor.storage.tickets import (
    CHANNELS,
    PRIORITIES,
    Team,
    Ticket,
    TicketCategory,
    TicketComment,
    TicketEvent,
    next_ticket_number,
)

# A merge of two contacts moves their tickets to the survivor.
CONTACT_REFERENCES.register(Ticket, Ticket.contact_id)

S = TicketStatus


@dataclass(frozen=True, slots=True)
class TicketInput:
    """A new ticket: what it is about and who it is for; unset values come from the category."""

    subject: str
    category_id: int
    description: str = ""
    priority: str | None = None
    contact_id: int | None = None
    account_id: int | None = None
    channel: str = "phone"
    interaction_id: str | None = None
    team_id: int | None = None
    assignee_id: int | None = None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class TicketDesk:
    """The tickets of one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)

    # -- creation ---------------------------------------------------------------------------

    def create(self, given: TicketInput, *, actor: User | None, now: datetime) -> Ticket:
        """A new ticket, numbered, with its SLA due times in the tenant's business hours."""
        category = self._category(given.category_id)
        ticket = Ticket(
            kind=category.kind,
            category=category,
            subject=self._subject(given.subject),
            description=text(given.description, "description", 20_000, multiline=True),
            priority=self._choice(given.priority or category.default_priority, PRIORITIES, "priority"),
            status=S.NEW.value,
            level=1,
            channel=self._choice(given.channel, CHANNELS, "channel"),
            interaction_id=text(given.interaction_id or "", "interaction_id", 255) or None,
            created_at=now,
            updated_at=now,
        )
        self._link(ticket, given)
        schedule = sla.schedule_of(self.scope)
        ticket.first_response_due, ticket.resolution_due = sla.due_times(schedule, now, category)
        ticket.number = self._number(schedule.local(now).year)
        self.scope.tickets.add(ticket)
        self._event(ticket, "created", actor, now, category=category.name, priority=ticket.priority,
                    team_id=ticket.team_id, first_response_due=_iso(ticket.first_response_due),
                    resolution_due=_iso(ticket.resolution_due))  # fmt: skip
        return ticket

    def _link(self, ticket: Ticket, given: TicketInput) -> None:
        category = ticket.category
        ticket.team = self._team(given.team_id, "team_id") if given.team_id else None
        if ticket.team is None and category is not None and category.default_team_id is not None:
            ticket.team = self.scope.teams.get(category.default_team_id)
        if ticket.team is not None and ticket.team.level != 1:
            raise refuse("team_id", "a new ticket starts at level 1", "un ticket commence au niveau 1")
        ticket.assignee_id = self._user(given.assignee_id, "assignee_id")
        ticket.contact_id = self._exists(self.scope.contacts, given.contact_id, "contact_id")
        ticket.account_id = self._exists(self.scope.accounts, given.account_id, "account_id")

    def _number(self, year: int) -> str:
        return f"T-{year}-{next_ticket_number(self.session, self.tenant_id, year):06d}"

    # -- work -------------------------------------------------------------------------------

    def comment(
        self, ticket: Ticket, body: str, *, internal: bool, actor: User | None, now: datetime
    ) -> TicketComment:
        """Add a comment; the first one the customer sees, by a user, is the first response."""
        self._not_closed(ticket)
        said = text(body, "body", 20_000, multiline=True)
        if not said:
            raise refuse("body", "a comment needs a text", "un commentaire doit avoir un texte")
        comment = TicketComment(tenant_id=self.tenant_id, author_id=actor.id if actor else None,
                                body=said, internal=internal, created_at=now)  # fmt: skip
        ticket.comments.append(comment)
        self.session.flush()
        first = not internal and self._responded(ticket, actor, now)
        self._event(
            ticket, "comment", actor, now, comment_id=comment.id, internal=internal, first_response=first
        )
        return comment

    def change_status(
        self,
        ticket: Ticket,
        new: TicketStatus,
        *,
        actor: User | None,
        now: datetime,
        checklist_answers: Sequence[str] | None = None,
    ) -> Ticket:
        """Move the ticket as the status table allows; resolving at level 1 may carry the checklist."""
        old = TicketStatus(ticket.status)
        move(ticket.number, old, new)
        data: dict[str, Any] = {"from": old.value, "to": new.value, "reopened": is_reopening(old, new)}
        if checklist_answers is not None:
            data["checklist"] = self._checklist(ticket, checklist_answers)
        ticket.status = new.value
        data["first_response"] = self._responded(ticket, actor, now)
        self._event(ticket, "status", actor, now, **data)
        self._clock(ticket, old, new, actor, now)
        return ticket

    def _clock(
        self, ticket: Ticket, old: TicketStatus, new: TicketStatus, actor: User | None, now: datetime
    ) -> None:
        """Stop the resolution clock while pending or resolved, start it again when worked."""
        stopped = (
            ticket.paused_at if old == S.PENDING else ticket.resolved_at if is_reopening(old, new) else None
        )
        if stopped is not None:
            ticket.resolution_due = sla.pushed(
                sla.schedule_of(self.scope), ticket.resolution_due, stopped, now
            )
            ticket.paused_at = ticket.resolved_at = None
            self._event(ticket, "sla_resumed", actor, now, resolution_due=_iso(ticket.resolution_due))
        if new == S.PENDING:
            ticket.paused_at = now
            self._event(ticket, "sla_paused", actor, now)
        if new == S.RESOLVED:
            ticket.resolved_at = now
        if new == S.CLOSED:
            ticket.closed_at = now

    def assign(
        self, ticket: Ticket, assignee_id: int | None, *, team_id: int | None = None,
        actor: User | None, now: datetime,
    ) -> Ticket:  # fmt: skip
        """Give the ticket to a user (None: nobody), and to a team of its level when one is named."""
        self._not_closed(ticket)
        team = self._team(team_id, "team_id") if team_id is not None else ticket.team
        if team is not None and team.level != ticket.level:
            raise refuse(
                "team_id",
                f"the ticket is at level {ticket.level}; escalate it to reach level 2",
                f"le ticket est au niveau {ticket.level} ; escaladez-le pour le niveau 2",
            )
        before = {"assignee_id": ticket.assignee_id, "team_id": ticket.team_id}
        ticket.assignee_id, ticket.team = self._user(assignee_id, "assignee_id"), team
        self.session.flush()
        self._event(ticket, "assigned", actor, now, before=before,
                    after={"assignee_id": ticket.assignee_id, "team_id": ticket.team_id})  # fmt: skip
        return ticket

    def escalate(
        self, ticket: Ticket, team_id: int, reason: str, checklist_answers: Sequence[str], *,
        actor: User | None, now: datetime,
    ) -> Ticket:  # fmt: skip
        """Level-1 triage ends in escalation: the checklist answered, a level-2 team, a reason."""
        if ticket.level != 1 or TicketStatus(ticket.status) not in WORKED:
            raise EscalationError(
                f"ticket {ticket.number} is at level {ticket.level}, {ticket.status}: "
                "only a level-1 ticket being worked is escalated",
                f"le ticket {ticket.number} est au niveau {ticket.level}, {ticket.status} : "
                "seul un ticket de niveau 1 en cours s'escalade",
            )
        team = self._team(team_id, "team_id")
        if team.level != 2:
            raise refuse("team_id", f"team {team.name!r} is not a level-2 team",
                         f"l'équipe {team.name!r} n'est pas de niveau 2")  # fmt: skip
        why = text(reason, "reason", 2000, multiline=True)
        if not why:
            raise refuse(
                "reason", "say why the ticket is escalated", "indiquez pourquoi le ticket est escaladé"
            )
        answers = self._checklist(ticket, checklist_answers)
        from_team = ticket.team_id
        ticket.level, ticket.team, ticket.assignee_id = 2, team, None
        self.session.flush()
        self._event(ticket, "escalated", actor, now, from_team_id=from_team, team_id=team.id, reason=why,
                    checklist=answers)  # fmt: skip
        return ticket

    # -- helpers ----------------------------------------------------------------------------

    def _checklist(self, ticket: Ticket, answers: Sequence[str]) -> list[dict[str, str]]:
        """The category's steps paired with their answers; every step must be answered."""
        steps = list(ticket.category.checklist) if ticket.category else []
        if len(answers) != len(steps):
            raise refuse("checklist_answers", f"{len(steps)} steps to answer, {len(answers)} answers given",
                         f"{len(steps)} étapes à renseigner, {len(answers)} réponses données")  # fmt: skip
        cleaned = [text(a, f"checklist_answers[{i}]", 2000, multiline=True) for i, a in enumerate(answers)]
        for index, answer in enumerate(cleaned):
            if not answer:
                raise refuse(f"checklist_answers[{index}]", f"step {steps[index]!r} is not answered",
                             f"l'étape {steps[index]!r} n'est pas renseignée")  # fmt: skip
        return [{"step": step, "answer": answer} for step, answer in zip(steps, cleaned, strict=True)]

    def _responded(self, ticket: Ticket, actor: User | None, now: datetime) -> bool:
        """Record the first response if this is it (an action by a user); whether it was."""
        ticket.updated_at = now
        if actor is None or ticket.first_response_at is not None:
            return False
        ticket.first_response_at = now
        return True

    def _event(self, ticket: Ticket, type_: str, actor: User | None, now: datetime, **data: Any) -> None:
        ticket.updated_at = now
        self.session.add(TicketEvent(tenant_id=self.tenant_id, ticket_id=ticket.id, type=type_, at=now,
                                     actor_id=actor.id if actor else None, data=data))  # fmt: skip
        self.session.flush()
        self.session.expire(ticket, ["events"])  # a read-only list: read again when next asked for
        ticket_changed(self.session, ticket, type_, now, data)  # the webhooks' delivery, in this transaction

    def _not_closed(self, ticket: Ticket) -> None:
        if ticket.status == S.CLOSED:
            raise TicketClosedError(
                f"ticket {ticket.number} is closed", f"le ticket {ticket.number} est clos"
            )

    def _subject(self, subject: str) -> str:
        said = text(subject, "subject", 200)
        if not said:
            raise refuse("subject", "a ticket needs a subject", "un ticket doit avoir un objet")
        return said

    @staticmethod
    def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
        if value not in allowed:
            choices = ", ".join(allowed)
            raise refuse(field, f"must be one of {choices}", f"doit être parmi {choices}")
        return value

    def _category(self, category_id: int) -> TicketCategory:
        category = self.scope.ticket_categories.get(category_id)
        if category is None or not category.active:
            raise refuse(
                "category_id", f"no active category {category_id}", f"pas de catégorie active {category_id}"
            )
        return category

    def _team(self, team_id: int, field: str) -> Team:
        team = self.scope.teams.get(team_id)
        if team is None:
            raise refuse(field, f"no team {team_id}", f"pas d'équipe {team_id}")
        return team

    def _user(self, user_id: int | None, field: str) -> int | None:
        user = None if user_id is None else self.scope.users.get(user_id)
        if user_id is not None and (user is None or user.role == "client_viewer"):
            raise refuse(
                field,
                f"no user {user_id} who works tickets",
                f"pas d'utilisateur {user_id} qui traite les tickets",
            )
        return user_id

    @staticmethod
    def _exists(repository: Any, object_id: int | None, field: str) -> int | None:
        if object_id is not None and repository.get(object_id) is None:
            raise refuse(field, f"{object_id} is unknown", f"{object_id} est inconnu")
        return object_id


__all__ = ["TicketDesk", "TicketError", "TicketInput"]
