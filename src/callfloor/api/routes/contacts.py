"""Contacts of the caller's tenant: the customer file agents work in, and the caller-ID look-up.

Agents, supervisors and admins read and write contacts (agents keep the file up to date during
calls); client viewers see no personal data. Another tenant's contact is 404. Refused data
answers 422 (409 for a taken customer number) with the field named, in French and English.
Creations, changes, deletions and merges are audited.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import forbidden, not_found, refusals
from callfloor.core.roles import OBSERVE, Role
from callfloor.crm.consent import ConsentRegister
from callfloor.crm.contacts import AddressInput, CustomerFile, EmailInput, PhoneInput
from callfloor.crm.duplicates import DuplicateFinder
from callfloor.crm.merge import ContactMerger
from callfloor.crm.search import ContactSearch
from callfloor.storage.contacts import Account, Consent, Contact
from callfloor.storage.models import Tenant
from callfloor.storage.repositories import audit

#: Who works in the customer file: everybody of the tenant but the client viewer.
CUSTOMER_FILE = OBSERVE | {Role.AGENT}
Worker = Annotated[Caller, Depends(require(CUSTOMER_FILE))]
_MAYBE_READER = Annotated[Caller, Depends(require(CUSTOMER_FILE | {Role.CLIENT_VIEWER}))]


def customer_file_reader(caller: _MAYBE_READER) -> Caller:
    """Those who work in the customer file, and the client's viewers if the tenant lets them read it."""
    if caller.role is Role.CLIENT_VIEWER:
        tenant = caller.session.get(Tenant, caller.tenant_id)
        if tenant is None or not tenant.client_viewer_personal_data:
            raise forbidden()
    return caller


#: Read-only routes of the customer file (contacts, accounts, their history).
Reader = Annotated[Caller, Depends(customer_file_reader)]
router = APIRouter(prefix="/api/contacts", tags=["contacts"])
Short = Annotated[str, Field(max_length=200)]


refused_as_api_errors = refusals  # the family's refusals answered with their status and messages


class PhoneIn(BaseModel):
    """A number in any usual format; stored E.164 in the tenant's country."""

    number: Annotated[str, Field(max_length=40)]
    label: Literal["mobile", "work", "home", "fax", "other"] = "mobile"


class EmailIn(BaseModel):
    """An e-mail address; stored lower-cased."""

    address: Annotated[str, Field(max_length=254)]
    label: Literal["work", "home", "other"] = "work"


class AddressIn(BaseModel):
    """A postal address; ``country`` is ISO 3166-1 alpha-2."""

    lines: Annotated[list[Short], Field(max_length=4)] = []
    postal_code: Annotated[str, Field(max_length=16)] = ""
    city: Annotated[str, Field(max_length=100)] = ""
    country: Annotated[str, Field(max_length=2)] = "FR"
    label: Literal["home", "work", "billing", "delivery", "other"] = "home"


class Owned(BaseModel):
    """Phones, e-mails and addresses; a list given replaces the stored one, an absent one stays."""

    model_config = ConfigDict(extra="forbid")

    phones: Annotated[list[PhoneIn], Field(max_length=20)] | None = None
    emails: Annotated[list[EmailIn], Field(max_length=20)] | None = None
    addresses: Annotated[list[AddressIn], Field(max_length=10)] | None = None

    def lists(self) -> dict[str, Any]:
        """The service's inputs for the lists given."""
        return {
            "phones": None if self.phones is None else [PhoneInput(p.number, p.label) for p in self.phones],
            "emails": None if self.emails is None else [EmailInput(e.address, e.label) for e in self.emails],
            "addresses": None
            if self.addresses is None
            else [
                AddressInput(tuple(a.lines), a.postal_code, a.city, a.country, a.label)
                for a in self.addresses
            ],
        }

    def values(self) -> dict[str, Any]:
        """The fields given, lists aside."""
        return self.model_dump(exclude_unset=True, exclude={"phones", "emails", "addresses"})


class ContactPatch(Owned):
    """Changes to a contact: only the fields given change."""

    account_id: int | None = None
    civility: Annotated[str, Field(max_length=10)] | None = None
    first_name: Annotated[str, Field(max_length=100)] | None = None
    last_name: Annotated[str, Field(max_length=100)] | None = None
    customer_number: Annotated[str, Field(max_length=40)] | None = None
    language: Annotated[str, Field(max_length=5)] | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    tags: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=50)] | None = None
    custom: dict[str, Any] | None = None
    owner_user_id: int | None = None
    notes: Annotated[str, Field(max_length=10_000)] | None = None


class ContactIn(ContactPatch):
    """A new contact: a person, with an account (B2B) or without (B2C)."""


class PhoneOut(PhoneIn):
    id: int


class EmailOut(EmailIn):
    id: int


class AddressOut(AddressIn):
    id: int


def owned_out(owner: Contact | Account) -> dict[str, Any]:
    """The phones, e-mails and addresses of a contact or an account, as the API shows them."""
    return {
        "phones": [PhoneOut.model_validate(p, from_attributes=True) for p in owner.phones],
        "emails": [EmailOut.model_validate(e, from_attributes=True) for e in owner.emails],
        "addresses": [AddressOut.model_validate(a, from_attributes=True) for a in owner.addresses],
    }


class _FileOut(BaseModel):
    """What contacts and accounts both show: tags, custom fields, owner, notes, times, coordinates."""

    tags: list[str]
    custom: dict[str, Any]
    owner_user_id: int | None
    notes: str
    created_at: datetime
    updated_at: datetime
    phones: list[PhoneOut]
    emails: list[EmailOut]
    addresses: list[AddressOut]


class ContactOut(_FileOut):
    """A contact as the API shows it."""

    id: int
    account_id: int | None
    account_name: str | None
    civility: str | None
    first_name: str
    last_name: str
    customer_number: str | None
    language: str | None
    timezone: str | None


def contact_out(c: Contact) -> ContactOut:
    """The API view of a contact."""
    shown = {name: getattr(c, name) for name in ContactOut.model_fields if hasattr(Contact, name)}
    shown["account_name"] = c.account.name if c.account else None
    return ContactOut.model_validate(shown | owned_out(c))


class AccountOut(_FileOut):
    """An account as the API shows it."""

    id: int
    name: str
    customer_number: str | None
    registration_number: str | None


def account_out(a: Account) -> AccountOut:
    """The API view of an account."""
    shown = {name: getattr(a, name) for name in AccountOut.model_fields if hasattr(Account, name)}
    return AccountOut.model_validate(shown | owned_out(a))


class ContactPage(BaseModel):
    """One page of a search, and the number of contacts found in all."""

    total: int
    limit: int
    offset: int
    items: list[ContactOut]


class CallerOut(BaseModel):
    """Who a number belongs to: contacts, and accounts whose number it is (a switchboard)."""

    contacts: list[ContactOut]
    accounts: list[AccountOut]


class DuplicateOut(BaseModel):
    """A contact that may be the same person, and why: ``phone``, ``email``, ``name``."""

    contact: ContactOut
    reasons: list[str]


class MergeRequest(BaseModel):
    """The contact to absorb into the one of the path (which survives)."""

    absorb: int


class ConsentIn(BaseModel):
    """A consent (``granted``) or an opposition, with its proof; ``recorded_at`` defaults to now."""

    channel: Literal["phone", "sms", "email", "mail"]
    purpose: Annotated[str, Field(max_length=40)]
    granted: bool
    source: Annotated[str, Field(min_length=1, max_length=500)]
    recorded_at: datetime | None = None


class ConsentOut(ConsentIn):
    id: int
    recorded_at: datetime
    recorded_by: int | None


def _consent_out(c: Consent) -> ConsentOut:
    return ConsentOut.model_validate(c, from_attributes=True)


def _contact(caller: Caller, contact_id: int) -> Contact:
    contact = CustomerFile(caller.session, caller.tenant_id).scope.contacts.get(contact_id)
    if contact is None:
        raise not_found()
    return contact


def _audit(caller: Caller, action: str, target: int) -> None:
    audit(caller.session, action, tenant_id=caller.tenant_id, actor=caller.user, target=str(target))


@router.get("")
def search_contacts(
    caller: Reader,
    *,
    q: Annotated[
        str | None, Query(max_length=200, description="Name, number, e-mail, company or customer number.")
    ] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    number: Annotated[str | None, Query(max_length=40)] = None,
    email: Annotated[str | None, Query(max_length=254)] = None,
    company: Annotated[str | None, Query(max_length=200)] = None,
    customer_number: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ContactPage:
    """Contacts matching every criterion given (``q`` matches any field), by last name."""
    page = ContactSearch(caller.session, caller.tenant_id).search(
        q,
        name=name,
        number=number,
        email=email,
        company=company,
        customer_number=customer_number,
        limit=limit,
        offset=offset,
    )
    return ContactPage(
        total=page.total, limit=limit, offset=offset, items=[contact_out(c) for c in page.items]
    )


@router.get("/lookup")
def lookup(caller: Worker, number: Annotated[str, Query(max_length=40)]) -> CallerOut:
    """Caller ID: the contacts and accounts a number (any format) belongs to, for the screen pop."""
    found = ContactSearch(caller.session, caller.tenant_id).find_by_number(number)
    return CallerOut(
        contacts=[contact_out(c) for c in found.contacts],
        accounts=[account_out(a) for a in found.accounts],
    )


@router.post("", status_code=201)
def create_contact(caller: Worker, body: ContactIn) -> ContactOut:
    """A new contact, with its phones, e-mails and addresses."""
    with refused_as_api_errors():
        contact = CustomerFile(caller.session, caller.tenant_id).create_contact(body.values(), **body.lists())
    _audit(caller, "contact.create", contact.id)
    return contact_out(contact)


@router.get("/{contact_id}")
def get_contact(caller: Reader, contact_id: int) -> ContactOut:
    """One contact."""
    return contact_out(_contact(caller, contact_id))


@router.patch("/{contact_id}")
def update_contact(caller: Worker, contact_id: int, body: ContactPatch) -> ContactOut:
    """Change the fields given; a list of phones, e-mails or addresses given replaces the old one."""
    contact = _contact(caller, contact_id)
    with refused_as_api_errors():
        CustomerFile(caller.session, caller.tenant_id).update_contact(contact, body.values(), **body.lists())
    _audit(caller, "contact.update", contact.id)
    return contact_out(contact)


@router.delete("/{contact_id}", status_code=204)
def delete_contact(caller: Worker, contact_id: int) -> Response:
    """Delete a contact with its phones, e-mails, addresses and consents (right to erasure)."""
    CustomerFile(caller.session, caller.tenant_id).delete(_contact(caller, contact_id))
    _audit(caller, "contact.delete", contact_id)
    return Response(status_code=204)


@router.get("/{contact_id}/duplicates")
def duplicates(caller: Worker, contact_id: int) -> list[DuplicateOut]:
    """Contacts that may be the same person, those sharing most signs first."""
    found = DuplicateFinder(caller.session, caller.tenant_id).candidates(_contact(caller, contact_id))
    return [DuplicateOut(contact=contact_out(d.contact), reasons=list(d.reasons)) for d in found]


@router.post("/{contact_id}/merge")
def merge(caller: Worker, contact_id: int, body: MergeRequest) -> ContactOut:
    """Absorb contact ``absorb`` into this one, which keeps everything and survives."""
    survivor, absorbed = _contact(caller, contact_id), _contact(caller, body.absorb)
    with refused_as_api_errors():
        ContactMerger(caller.session, caller.tenant_id).merge(survivor, absorbed, actor=caller.user)
    return contact_out(survivor)


@router.get("/{contact_id}/consents")
def consents(caller: Reader, contact_id: int) -> list[ConsentOut]:
    """The contact's consents and oppositions, oldest first."""
    history = ConsentRegister(caller.session, caller.tenant_id).history(_contact(caller, contact_id))
    return [_consent_out(c) for c in history]


@router.post("/{contact_id}/consents", status_code=201)
def record_consent(caller: Worker, contact_id: int, body: ConsentIn) -> ConsentOut:
    """Record a consent or an opposition; the latest for a channel and purpose is in force."""
    contact = _contact(caller, contact_id)
    with refused_as_api_errors():
        consent = ConsentRegister(caller.session, caller.tenant_id).record(
            contact, **body.model_dump(), recorded_by=caller.user
        )
    return _consent_out(consent)
