"""The platform-level reads and writes that no tenant scopes: tenants themselves, and login.

Only the superadmin's routes, the login, call routing, the recordings' purge, the trunks'
loading by the server and the CLI use this module.
"""

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callfloor.storage import ConflictError
from callfloor.storage.models import Number, Recording, Tenant, Trunk, User

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


class Platform:
    """Tenants, and users found by e-mail across tenants (for login only)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def tenants(self) -> Sequence[Tenant]:
        """Every tenant, in id order."""
        return self.session.scalars(select(Tenant).order_by(Tenant.id)).all()

    def tenant(self, tenant_id: int) -> Tenant | None:
        """The tenant with this id, or None."""
        return self.session.get(Tenant, tenant_id)

    def tenant_by_slug(self, slug: str) -> Tenant | None:
        """The tenant with this slug, or None."""
        return self.session.scalars(select(Tenant).where(Tenant.slug == slug)).one_or_none()

    def create_tenant(
        self, slug: str, name: str, *, timezone: str = "Europe/Paris", locale: str = "fr", country: str = "FR"
    ) -> Tenant:
        """A new tenant; its SIP realm is its slug."""
        if not SLUG.match(slug):
            raise ConflictError(f"invalid slug {slug!r}: lowercase letters, digits and dashes")
        if self.tenant_by_slug(slug) is not None:
            raise ConflictError(f"tenant {slug!r} exists")
        tenant = Tenant(
            slug=slug, name=name, timezone=timezone, locale=locale, country=country, sip_realm=slug
        )
        self.session.add(tenant)
        self.session.flush()
        return tenant

    def number(self, number: str) -> Number | None:
        """The entry of a normalised dialed number, whatever its tenant (for call routing)."""
        return self.session.scalars(select(Number).where(Number.number == number)).one_or_none()

    def expired_recordings(self, now: datetime, limit: int | None = None) -> Sequence[Recording]:
        """Recordings of every tenant whose retention date is past, the oldest due first (for the purge)."""
        query = (
            select(Recording)
            .where(Recording.retain_until <= now)
            .order_by(Recording.retain_until, Recording.id)
        )
        return self.session.scalars(query if limit is None else query.limit(limit)).all()

    def active_trunks(self) -> Sequence[Trunk]:
        """The active trunks of every active tenant, by tenant then name (for the SIP server)."""
        query = (
            select(Trunk)
            .join(Tenant, Tenant.id == Trunk.tenant_id)
            .where(Trunk.active, Tenant.active)
            .order_by(Trunk.tenant_id, Trunk.name)
        )
        return self.session.scalars(query).all()

    def user_by_email(self, email: str) -> User | None:
        """The user who logs in with ``email`` (any tenant), or None."""
        return self.session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()

    def email_taken(self, email: str, *, except_user_id: int | None = None) -> bool:
        """True when another user already logs in with ``email``."""
        user = self.user_by_email(email)
        return user is not None and user.id != except_user_id

    def save_superadmin(self, email: str, name: str, password_hash: str) -> User:
        """Create a platform superadmin, or reset an existing one's name and password."""
        user = self.user_by_email(email)
        if user is None:
            user = User(email=email.strip().lower(), name=name, role="superadmin", tenant_id=None)
            self.session.add(user)
        elif user.role != "superadmin":
            raise ConflictError(f"{email} is a user of a tenant")
        else:
            user.token_version += 1  # a new password ends the old sessions
        user.name, user.password_hash = name, password_hash
        self.session.flush()
        return user

    def is_empty(self) -> bool:
        """True when no tenant and no user exist yet (a fresh installation)."""
        return self.session.scalars(select(Tenant.id).limit(1)).first() is None and (
            self.session.scalars(select(User.id).limit(1)).first() is None
        )
