"""Accounts (companies, B2B) of the caller's tenant, with their phones, e-mails and addresses.

The same people work in accounts as in contacts (agents, supervisors, admins); client viewers
get 403. Deleting an account keeps its contacts, who become B2C. Writes are audited.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from callfloor.api.errors import not_found
from callfloor.api.routes.contacts import (
    AccountOut,
    ContactOut,
    Owned,
    Reader,
    Worker,
    account_out,
    contact_out,
    refused_as_api_errors,
)
from callfloor.crm.contacts import CustomerFile
from callfloor.crm.search import ContactSearch
from callfloor.storage.contacts import Account, Contact
from callfloor.storage.repositories import audit

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


class AccountPatch(Owned):
    """Changes to an account: only the fields given change."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    customer_number: Annotated[str, Field(max_length=40)] | None = None
    registration_number: Annotated[str, Field(max_length=20, description="SIREN or SIRET.")] | None = None
    tags: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=50)] | None = None
    custom: dict[str, Any] | None = None
    owner_user_id: int | None = None
    notes: Annotated[str, Field(max_length=10_000)] | None = None


class AccountIn(AccountPatch):
    """A new account; it needs a name."""

    name: Annotated[str, Field(min_length=1, max_length=200)]


class AccountPage(BaseModel):
    """One page of accounts, and how many match in all."""

    total: int
    limit: int
    offset: int
    items: list[AccountOut]


def _account(caller: Worker, account_id: int) -> Account:
    account = CustomerFile(caller.session, caller.tenant_id).scope.accounts.get(account_id)
    if account is None:
        raise not_found()
    return account


def _audit(caller: Worker, action: str, target: int) -> None:
    audit(caller.session, action, tenant_id=caller.tenant_id, actor=caller.user, target=str(target))


@router.get("")
def search_accounts(
    caller: Reader,
    q: Annotated[
        str | None, Query(max_length=200, description="Name, number, customer or SIREN/SIRET.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AccountPage:
    """Accounts matching ``q`` (all without it), by name."""
    page = ContactSearch(caller.session, caller.tenant_id).accounts(q, limit=limit, offset=offset)
    return AccountPage(
        total=page.total, limit=limit, offset=offset, items=[account_out(a) for a in page.items]
    )


@router.post("", status_code=201)
def create_account(caller: Worker, body: AccountIn) -> AccountOut:
    """A new account, with its phones, e-mails and addresses."""
    with refused_as_api_errors():
        account = CustomerFile(caller.session, caller.tenant_id).create_account(body.values(), **body.lists())
    _audit(caller, "account.create", account.id)
    return account_out(account)


@router.get("/{account_id}")
def get_account(caller: Reader, account_id: int) -> AccountOut:
    """One account."""
    return account_out(_account(caller, account_id))


@router.patch("/{account_id}")
def update_account(caller: Worker, account_id: int, body: AccountPatch) -> AccountOut:
    """Change the fields given; a list of phones, e-mails or addresses given replaces the old one."""
    account = _account(caller, account_id)
    with refused_as_api_errors():
        CustomerFile(caller.session, caller.tenant_id).update_account(account, body.values(), **body.lists())
    _audit(caller, "account.update", account.id)
    return account_out(account)


@router.delete("/{account_id}", status_code=204)
def delete_account(caller: Worker, account_id: int) -> Response:
    """Delete an account and its phones, e-mails and addresses; its contacts stay, without account."""
    CustomerFile(caller.session, caller.tenant_id).delete(_account(caller, account_id))
    caller.session.expire_all()  # the database set the contacts' account_id to NULL
    _audit(caller, "account.delete", account_id)
    return Response(status_code=204)


@router.get("/{account_id}/contacts")
def account_contacts(caller: Reader, account_id: int) -> list[ContactOut]:
    """The people of the account, by last name."""
    account = _account(caller, account_id)
    query = CustomerFile(caller.session, caller.tenant_id).scope.contacts.select()
    rows = caller.session.scalars(
        query.where(Contact.account_id == account.id).order_by(Contact.name_folded, Contact.id)
    )
    return [contact_out(c) for c in rows]
