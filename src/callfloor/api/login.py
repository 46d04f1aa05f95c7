"""Logging in, shared by the JSON API and the web login form.

Failures are counted per account and per IP (:class:`callfloor.core.banlist.FailureWindow`);
past the limit the answer is 429 with ``Retry-After``, even for the right password, so a
brute-force attempt gains nothing by going on. Every attempt is audited, in its own
transaction, so a refused login is recorded too.
"""

import math
import time

from callfloor.api.context import AppContext
from callfloor.api.errors import ApiError
from callfloor.storage.models import Tenant, User
from callfloor.storage.platform import Platform
from callfloor.storage.repositories import audit


def _too_many(retry_after_s: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after_s))
    return ApiError(
        429,
        "too_many_attempts",
        f"Trop de tentatives de connexion. Réessayez dans {seconds} s.",
        f"Too many login attempts. Try again in {seconds} s.",
        headers={"Retry-After": str(seconds)},
    )


def invalid_credentials() -> ApiError:
    """The one answer for an unknown address, a wrong password or a disabled account."""
    return ApiError(
        401, "invalid_credentials", "Adresse ou mot de passe incorrect.", "Wrong e-mail or password."
    )


def log_in(context: AppContext, email: str, password: str, ip: str) -> User:
    """The user these credentials name, or an :class:`ApiError` (401 or 429)."""
    now = time.monotonic()
    account = email.strip().lower()
    checks = ((context.failures_by_account, account), (context.failures_by_ip, ip))
    with context.sessions.begin() as session:
        banned = [until for window, key in checks if (until := window.banned_until(key, now))]
        user = Platform(session).user_by_email(account)
        tenant_id = user.tenant_id if user else None
        if banned:
            audit(session, "login.blocked", tenant_id=tenant_id, actor_email=account, ip=ip)
            error = _too_many(max(banned) - now)
        elif _valid(context, session.get(Tenant, tenant_id) if tenant_id else None, user, password):
            assert user is not None  # noqa: S101 - _valid checked it
            for window, key in checks:
                window.record_success(key)
            if user.password_hash and context.passwords.needs_rehash(user.password_hash):
                user.password_hash = context.passwords.hash(password)
            audit(session, "login.success", tenant_id=tenant_id, actor=user, ip=ip)
            return user
        else:
            for window, key in checks:
                window.record_failure(key, now)
            audit(session, "login.failure", tenant_id=tenant_id, actor_email=account, ip=ip)
            error = invalid_credentials()
    raise error


def _valid(context: AppContext, tenant: Tenant | None, user: User | None, password: str) -> bool:
    matches = context.passwords.verify(user.password_hash if user else None, password)
    if user is None or not matches or not user.active:
        return False
    return tenant is None or tenant.active
