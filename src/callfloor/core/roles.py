"""Who a user is on the floor, and what each role may see.

The roles are the call center's own: a platform ``superadmin`` runs the whole installation,
an ``admin`` configures one tenant (a client company of the center), a ``supervisor``
watches and steers the floor, an ``agent`` takes interactions and a ``client_viewer`` (the
outsourcing client) sees only the reports it is allowed to see.
"""

from enum import StrEnum


class Role(StrEnum):
    """A user's role; every user has exactly one."""

    SUPERADMIN = "superadmin"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"
    CLIENT_VIEWER = "client_viewer"


#: Roles that belong to a tenant (a superadmin belongs to the platform, not to a tenant).
TENANT_ROLES: frozenset[Role] = frozenset(Role) - {Role.SUPERADMIN}

#: Roles allowed to change a tenant's configuration.
CONFIGURE: frozenset[Role] = frozenset({Role.SUPERADMIN, Role.ADMIN})

#: Roles allowed to read a tenant's configuration and the floor's live state.
OBSERVE: frozenset[Role] = CONFIGURE | {Role.SUPERVISOR}

#: Roles allowed to read a tenant's KPIs and reports: those who observe, and the client's viewers.
REPORTS: frozenset[Role] = OBSERVE | {Role.CLIENT_VIEWER}
