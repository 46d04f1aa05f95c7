"""Users of the caller's tenant: supervisors read, admins manage.

Nobody can lock themselves out: deleting, deactivating or demoting oneself is refused.
A changed password or a deactivation revokes the user's tokens.
"""

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from callfloor.api.errors import ApiError, conflict, not_found
from callfloor.api.resources import Configurer, Observer
from callfloor.center.apply import apply_user
from callfloor.center.schema import Email, Password, PersonName, UserSpec
from callfloor.core.roles import TENANT_ROLES, Role
from callfloor.storage.models import User
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/users", tags=["users"])


class UserCreate(UserSpec):
    """A new user of the tenant, with the password they will log in with."""

    password: Password


class UserPatch(BaseModel):
    """Changes to a user; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    name: PersonName | None = None
    role: Role | None = None
    password: Password | None = None
    active: bool | None = None


class UserOut(BaseModel):
    """A user as the API shows it (never a hash)."""

    id: int
    email: str
    name: str
    role: str
    active: bool
    agent_id: int | None


def _out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        active=user.active,
        agent_id=user.agent.id if user.agent else None,
    )


def _user(caller: Observer, user_id: int) -> User:
    user = TenantScope(caller.session, caller.tenant_id).users.get(user_id)
    if user is None:
        raise not_found()
    return user


def _not_self(caller: Configurer, user: User) -> None:
    if user.id == caller.user.id:
        raise conflict(
            "Vous ne pouvez pas vous supprimer, vous désactiver ni changer votre propre rôle.",
            "You cannot delete, deactivate or change the role of your own account.",
            "cannot_change_self",
        )


@router.get("")
def list_users(caller: Observer) -> list[UserOut]:
    """The tenant's users."""
    return [_out(u) for u in TenantScope(caller.session, caller.tenant_id).users.list()]


@router.post("", status_code=201)
def create_user(body: UserCreate, caller: Configurer) -> UserOut:
    """Create a user in the caller's tenant."""
    if Platform(caller.session).email_taken(body.email):
        raise conflict(f"{body.email} est déjà utilisé.", f"{body.email} is already used.", "duplicate")
    scope = TenantScope(caller.session, caller.tenant_id)
    user, _ = apply_user(scope, body, caller.context.passwords)
    audit(
        caller.session,
        "user.create",
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=user.email,
        details={"role": user.role},
    )
    return _out(user)


@router.get("/{user_id}")
def get_user(user_id: int, caller: Observer) -> UserOut:
    """One user of the tenant."""
    return _out(_user(caller, user_id))


@router.patch("/{user_id}")
def update_user(user_id: int, body: UserPatch, caller: Configurer) -> UserOut:
    """Change a user; a new password or a deactivation ends their sessions."""
    user = _user(caller, user_id)
    changes = body.model_dump(exclude_unset=True, exclude={"password"})
    if (
        body.active is False or (body.role is not None and body.role != user.role)
    ) and user.id == caller.user.id:
        _not_self(caller, user)
    if body.role is not None and body.role not in TENANT_ROLES:
        raise ApiError(422, "invalid_role", "Rôle invalide pour un tenant.", "Invalid role for a tenant.")
    if body.email is not None and Platform(caller.session).email_taken(body.email, except_user_id=user.id):
        raise conflict(f"{body.email} est déjà utilisé.", f"{body.email} is already used.", "duplicate")
    for key, value in changes.items():
        setattr(user, key, value.value if isinstance(value, Role) else value)
    if body.password is not None:
        user.password_hash = caller.context.passwords.hash(body.password.get_secret_value())
    if body.password is not None or body.active is False:
        user.token_version += 1
    audit(
        caller.session,
        "user.update",
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=user.email,
        details={"changed": sorted(body.model_fields_set)},
    )
    return _out(user)


@router.delete("/{user_id}", status_code=204)
def delete_user(user_id: int, caller: Configurer) -> Response:
    """Delete a user (and their agent)."""
    user = _user(caller, user_id)
    _not_self(caller, user)
    audit(caller.session, "user.delete", tenant_id=caller.tenant_id, actor=caller.user, target=user.email)
    TenantScope(caller.session, caller.tenant_id).users.delete(user)
    return Response(status_code=204)
