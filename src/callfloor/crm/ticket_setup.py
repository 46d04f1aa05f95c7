"""Setting up ticket work: teams (level 1 or 2, with members) and categories (SLA, defaults, checklist).

Admins write these; everyone who works tickets reads them. Names are unique per tenant (a
clash is :class:`~callfloor.crm.ticket_errors.DuplicateNameError`), members and default teams
are looked up in the tenant. SLA targets are business seconds, at most a year's worth of a
round-the-clock center, so a typo cannot set a due time centuries away.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm.ticket_errors import DuplicateNameError, refuse, text
from callfloor.storage.scope import TenantScope
from callfloor.storage.tickets import KINDS, PRIORITIES, Team, TeamMember, TicketCategory

MAX_SLA_S = 365 * 24 * 3600
MAX_STEPS = 50
CATEGORY_FIELDS = frozenset(
    {"name", "kind", "first_response_s", "resolution_s", "default_priority", "default_team_id", "checklist",
     "active"}
)  # fmt: skip


class TicketSetup:
    """Teams and ticket categories of one tenant."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)

    # -- teams ------------------------------------------------------------------------------

    def save_team(self, team: Team | None, name: str, level: int, member_ids: Sequence[int]) -> Team:
        """Create a team (``team`` None) or replace one's name, level and members."""
        cleaned = self._name(name, 64)
        same = self._no_autoflush(lambda: self.scope.teams.by_name(cleaned))
        if same is not None and same is not team:
            raise DuplicateNameError(f"a team is already called {cleaned!r}",
                                     f"une équipe s'appelle déjà {cleaned!r}", field="name")  # fmt: skip
        if level not in (1, 2):
            raise refuse("level", "a team is of level 1 or 2", "une équipe est de niveau 1 ou 2")
        members = [TeamMember(tenant_id=self.tenant_id, user_id=u) for u in self._members(member_ids)]
        if team is None:
            return self.scope.teams.add(Team(name=cleaned, level=level, members=members))
        team.name, team.level, team.members = cleaned, level, members
        self.session.flush()
        return team

    def _members(self, user_ids: Sequence[int]) -> list[int]:
        unique = list(dict.fromkeys(user_ids))
        for user_id in unique:
            user = self.scope.users.get(user_id)
            if user is None or user.role == "client_viewer":
                raise refuse("member_ids", f"no user {user_id} who works tickets",
                             f"pas d'utilisateur {user_id} qui traite les tickets")  # fmt: skip
        return unique

    def delete_team(self, team: Team) -> None:
        """Delete a team; its tickets and categories keep going without it."""
        self.scope.teams.delete(team)

    # -- categories -------------------------------------------------------------------------

    def create_category(self, values: Mapping[str, Any]) -> TicketCategory:
        """A new category; ``name``, ``kind`` and both SLA targets are required."""
        missing = [k for k in ("name", "kind", "first_response_s", "resolution_s") if values.get(k) is None]
        if missing:
            raise refuse(missing[0], "required", "obligatoire")
        category = TicketCategory(default_priority="normal", checklist=[], active=True)
        self._apply(category, values)
        return self.scope.ticket_categories.add(category)

    def update_category(self, category: TicketCategory, values: Mapping[str, Any]) -> TicketCategory:
        """Change the fields given; tickets already open keep the due times they were given."""
        self._apply(category, values)
        self.session.flush()
        return category

    def delete_category(self, category: TicketCategory) -> None:
        """Delete a category; its tickets keep their due times and lose their category."""
        self.scope.ticket_categories.delete(category)

    def _apply(self, category: TicketCategory, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - CATEGORY_FIELDS)
        if unknown:
            raise refuse(unknown[0], "unknown field", "champ inconnu")
        for key, value in values.items():
            setattr(category, key, self._category_value(key, value))
        if "name" in values:
            same = self._no_autoflush(lambda: self.scope.ticket_categories.by_name(category.name))
            if same is not None and same is not category:
                raise DuplicateNameError(
                    f"a category is already called {category.name!r}",
                    f"une catégorie s'appelle déjà {category.name!r}",
                    field="name",
                )

    def _category_value(self, key: str, value: Any) -> Any:
        if key == "name":
            return self._name(value, 100)
        if key in ("kind", "default_priority"):
            return _one_of(value, KINDS if key == "kind" else PRIORITIES, key)
        if key in ("first_response_s", "resolution_s"):
            if not isinstance(value, int) or not 0 < value <= MAX_SLA_S:
                raise refuse(key, f"seconds between 1 and {MAX_SLA_S}", f"secondes entre 1 et {MAX_SLA_S}")
            return value
        if key == "default_team_id":
            team = None if value is None else self.scope.teams.get(value)
            if value is not None and (team is None or team.level != 1):
                raise refuse(
                    key,
                    f"no level-1 team {value} (tickets start at level 1)",
                    f"pas d'équipe de niveau 1 {value} (un ticket commence au niveau 1)",
                )
            return value
        if key == "checklist":
            return self._steps(value or [])
        return bool(value)

    def _steps(self, steps: Sequence[str]) -> list[str]:
        if len(steps) > MAX_STEPS:
            raise refuse("checklist", f"at most {MAX_STEPS} steps", f"{MAX_STEPS} étapes au plus")
        cleaned = [text(s, f"checklist[{i}]", 500) for i, s in enumerate(steps)]
        for index, step in enumerate(cleaned):
            if not step:
                raise refuse(f"checklist[{index}]", "a step needs a text", "une étape doit avoir un texte")
        return cleaned

    def _name(self, value: str | None, max_length: int) -> str:
        cleaned = text(value or "", "name", max_length)
        if not cleaned:
            raise refuse("name", "a name is required", "un nom est obligatoire")
        return cleaned

    def _no_autoflush(self, look: Any) -> Any:
        with self.session.no_autoflush:
            return look()


def _one_of(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        choices = ", ".join(allowed)
        raise refuse(field, f"must be one of {choices}", f"doit être parmi {choices}")
    return str(value)
