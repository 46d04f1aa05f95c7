"""Writing the customer file: contacts and accounts with their phones, e-mails and addresses.

One tenant per service, like the storage repositories: every object it reads or links (an
account, an owner) is looked up in that tenant, so a body naming another tenant's id is refused
as unknown. Fields are cleaned by :mod:`callfloor.crm.fields`, custom values checked by
:mod:`callfloor.crm.custom_fields`; given lists of phones, e-mails or addresses replace the old.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm import CustomerFileError, DuplicateKeyError
from callfloor.crm import fields as f
from callfloor.crm.custom_fields import CustomFields
from callfloor.storage.contacts import Account, Contact, ContactEmail, ContactPhone, PostalAddress
from callfloor.storage.models import Tenant
from callfloor.storage.scope import TenantScope
from callfloor.storage.types import utcnow


@dataclass(frozen=True, slots=True)
class PhoneInput:
    """A number as typed (any format) and its label."""

    number: str
    label: str = "mobile"


@dataclass(frozen=True, slots=True)
class EmailInput:
    """An e-mail address and its label."""

    address: str
    label: str = "work"


@dataclass(frozen=True, slots=True)
class AddressInput:
    """A postal address: street lines, postal code, city, ISO-2 country, label."""

    lines: tuple[str, ...]
    postal_code: str = ""
    city: str = ""
    country: str = "FR"
    label: str = "home"


Owner = Contact | Account

_COMMON: dict[str, Callable[[Any], Any]] = {
    "customer_number": lambda v: f.optional_text(v, "customer_number", 40),
    "tags": lambda v: f.tags(v or []),
    "notes": lambda v: f.text(v or "", "notes", 10_000, multiline=True),
}
CONTACT_RULES: dict[str, Callable[[Any], Any]] = {
    **_COMMON,
    "civility": lambda v: f.optional_text(v, "civility", 10),
    "first_name": lambda v: f.text(v or "", "first_name", 100),
    "last_name": lambda v: f.text(v or "", "last_name", 100),
    "language": f.language,
    "timezone": f.timezone,
}
ACCOUNT_RULES: dict[str, Callable[[Any], Any]] = {
    **_COMMON,
    "name": lambda v: f.text(v or "", "name", 200),
    "registration_number": f.registration_number,
}


def _EMPTY_LISTS() -> dict[str, list[Any]]:  # noqa: N802 - reads as the constant it stands for
    """Empty lists for a new record: known empty, they are not loaded from the database when set."""
    return {"phones": [], "emails": [], "addresses": []}


class CustomerFile:
    """Create, change and delete one tenant's contacts and accounts."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.scope = TenantScope(session, tenant_id)
        tenant = session.get(Tenant, tenant_id)
        self.region = tenant.country if tenant else "FR"

    def create_contact(self, values: Mapping[str, Any], **lists: Sequence[Any] | None) -> Contact:
        """A new contact from ``values`` (field: value) and its ``phones``, ``emails``, ``addresses``."""
        contact = Contact(tags=[], custom={}, **_EMPTY_LISTS())
        self._apply(contact, CONTACT_RULES, values)
        self.scope.contacts.add(contact)
        self._set_lists(contact, **lists)
        return contact

    def update_contact(
        self, contact: Contact, values: Mapping[str, Any], **lists: Sequence[Any] | None
    ) -> Contact:
        """Change the fields named in ``values``; a list given (not None) replaces the old one."""
        self._apply(contact, CONTACT_RULES, values)
        self._set_lists(contact, **lists)
        contact.updated_at = utcnow()
        self.session.flush()
        return contact

    def create_account(self, values: Mapping[str, Any], **lists: Sequence[Any] | None) -> Account:
        """A new account from ``values`` and its ``phones``, ``emails``, ``addresses``."""
        if not (values.get("name") or "").strip():
            raise f.refuse("name", "an account needs a name", "un compte doit avoir un nom")
        account = Account(tags=[], custom={}, **_EMPTY_LISTS())
        self._apply(account, ACCOUNT_RULES, values)
        self.scope.accounts.add(account)
        self._set_lists(account, **lists)
        return account

    def update_account(
        self, account: Account, values: Mapping[str, Any], **lists: Sequence[Any] | None
    ) -> Account:
        """Change the fields named in ``values``; a list given (not None) replaces the old one."""
        if "name" in values and not (values["name"] or "").strip():
            raise f.refuse("name", "an account needs a name", "un compte doit avoir un nom")
        self._apply(account, ACCOUNT_RULES, values)
        self._set_lists(account, **lists)
        account.updated_at = utcnow()
        self.session.flush()
        return account

    def delete(self, obj: Owner) -> None:
        """Delete a contact (its phones, e-mails, addresses, consents go) or an account (contacts stay)."""
        repository = self.scope.contacts if isinstance(obj, Contact) else self.scope.accounts
        repository.delete(obj)  # type: ignore[arg-type]

    def _apply(
        self, obj: Owner, rules: Mapping[str, Callable[[Any], Any]], values: Mapping[str, Any]
    ) -> None:
        allowed = (
            set(rules) | {"custom", "owner_user_id"} | ({"account_id"} if isinstance(obj, Contact) else set())
        )
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise CustomerFileError(f"unknown fields {unknown}", f"champs inconnus {unknown}")
        for name, value in values.items():
            if name in rules:
                setattr(obj, name, rules[name](value))
        if "customer_number" in values:
            self._unique_customer_number(obj)
        if "custom" in values:
            entity = "contact" if isinstance(obj, Contact) else "account"
            obj.custom = CustomFields(self.session, self.tenant_id).validate(entity, values["custom"] or {})
        if "owner_user_id" in values:
            obj.owner_user_id = self._user(values["owner_user_id"])
        if isinstance(obj, Contact):
            if "account_id" in values:
                obj.account = self._account(values["account_id"])
            obj.name_folded = f.fold(f"{obj.last_name} {obj.first_name}")
        else:
            obj.name_folded = f.fold(obj.name)

    def _unique_customer_number(self, obj: Owner) -> None:
        number = obj.customer_number
        if number is None:
            return
        repository = self.scope.contacts if isinstance(obj, Contact) else self.scope.accounts
        with self.session.no_autoflush:
            same = repository.by_customer_number(number)
        if same is not None and same is not obj:
            raise DuplicateKeyError(
                f"customer number {number!r} is already used",
                f"le numéro client {number!r} est déjà utilisé",
                field="customer_number",
            )

    def _user(self, user_id: int | None) -> int | None:
        if user_id is not None and self.scope.users.get(user_id) is None:
            raise f.refuse("owner_user_id", f"no user {user_id}", f"pas d'utilisateur {user_id}")
        return user_id

    def _account(self, account_id: int | None) -> Account | None:
        if account_id is None:
            return None
        account = self.scope.accounts.get(account_id)
        if account is None:
            raise f.refuse("account_id", f"no account {account_id}", f"pas de compte {account_id}")
        return account

    def _set_lists(
        self,
        owner: Owner,
        phones: Sequence[PhoneInput] | None = None,
        emails: Sequence[EmailInput] | None = None,
        addresses: Sequence[AddressInput] | None = None,
    ) -> None:
        tenant = self.tenant_id
        if phones is not None:
            numbers = {
                f.phone(p.number, self.region): f.label(p.label, f.PHONE_LABELS, "phone") for p in phones
            }
            owner.phones = [ContactPhone(tenant_id=tenant, number=n, label=lbl) for n, lbl in numbers.items()]
        if emails is not None:
            found = {f.email(e.address): f.label(e.label, f.EMAIL_LABELS, "email") for e in emails}
            owner.emails = [ContactEmail(tenant_id=tenant, address=a, label=lbl) for a, lbl in found.items()]
        if addresses is not None:
            owner.addresses = [self._address(a) for a in addresses]
        self.session.flush()

    def _address(self, given: AddressInput) -> PostalAddress:
        if len(given.lines) > 4:
            raise f.refuse("address", "at most 4 lines", "4 lignes au plus")
        return PostalAddress(
            tenant_id=self.tenant_id,
            lines=[f.text(line, "address.lines", 200) for line in given.lines if line.strip()],
            postal_code=f.text(given.postal_code, "address.postal_code", 16),
            city=f.text(given.city, "address.city", 100),
            country=f.country(given.country),
            label=f.label(given.label, f.ADDRESS_LABELS, "address"),
        )
