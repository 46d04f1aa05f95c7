"""The menu of the pages: which sections each role sees.

Each section of the web (the agent desktop, the wallboard, the admin console, the client portal)
adds its entry here with the roles that may open it; the page's own route checks the role again,
the menu only spares people links they cannot follow.
"""

from dataclasses import dataclass

from callfloor.core.roles import Role


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for extraction, translate later"
    """``message`` unchanged, marked for the catalogue; the template translates it."""
    return message


@dataclass(frozen=True, slots=True)
class Section:
    """One entry of the menu."""

    href: str
    label: str  # a catalogue message id, translated when shown
    roles: frozenset[Role]


SECTIONS: list[Section] = [
    Section("/", N_("Home"), frozenset(Role)),
    Section("/portal", N_("Reports"), frozenset({Role.CLIENT_VIEWER, Role.SUPERVISOR, Role.ADMIN})),
    Section("/desk", N_("Desk"), frozenset({Role.AGENT, Role.SUPERVISOR})),
    Section("/wallboard", N_("Wallboard"), frozenset({Role.SUPERVISOR, Role.ADMIN})),
    Section("/admin", N_("Administration"), frozenset({Role.ADMIN})),
]


def sections_for(role: Role) -> list[Section]:
    """The entries ``role`` sees, in menu order."""
    return [section for section in SECTIONS if role in section.roles]
