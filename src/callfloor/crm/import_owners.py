"""One imported row of contacts or accounts: found by its key, compared, written through the service.

A row's cells become the service's inputs (:class:`~callfloor.crm.contacts.CustomerFile`), so
a CSV row and an API call accept and refuse the same things. Only the columns the file has are
touched: a file without phone columns leaves phones alone; phone columns replace the phones;
the address columns replace the first postal address (the file carries one) and keep the others.
Before writing, the row is compared with what is stored, cleaned by the service's own rules:
a row equal to it is *unchanged* and nothing is written.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from callfloor.crm import CrmError, CustomerFileError
from callfloor.crm import fields as f
from callfloor.crm.columns import (
    ADDRESS_COLUMNS,
    CUSTOM_PREFIX,
    EMAIL_LABELS,
    PHONE_LABELS,
    Header,
    base_of,
)
from callfloor.crm.contacts import (
    ACCOUNT_RULES,
    CONTACT_RULES,
    AddressInput,
    CustomerFile,
    EmailInput,
    PhoneInput,
)
from callfloor.crm.custom_fields import CustomFields
from callfloor.storage.contacts import Account, Contact, ContactEmail

Owner = Contact | Account
Record = dict[str, str]
_TRUE = frozenset({"true", "vrai", "oui", "yes", "1", "x"})
_FALSE = frozenset({"false", "faux", "non", "no", "0"})


class RowError(CrmError):
    """A row the importer itself refuses (an ambiguous key, an unknown account, a bad value)."""

    def __init__(self, field: str, en: str, fr: str) -> None:
        super().__init__(en)
        self.field, self.en, self.fr = field, en, fr


def custom_value(kind: str, text: str) -> Any:
    """A custom cell as the field's type wants it (None when blank: the key is dropped)."""
    value = text.strip()
    if not value:
        return None
    if kind == "number":
        try:
            number = float(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return value  # the service names the field and the type it expected
        return int(number) if number.is_integer() and "." not in value and "," not in value else number
    if kind == "bool":
        lowered = value.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else value
    if kind == "date" and len(value) == 10 and value[2] == "/" and value[5] == "/":
        try:
            return date(int(value[6:]), int(value[3:5]), int(value[:2])).isoformat()  # JJ/MM/AAAA
        except ValueError:
            return value
    return value


class OwnerRows:
    """Writes rows of contacts (``kind`` contacts) or accounts, keyed by customer number or e-mail."""

    def __init__(self, session: Session, tenant_id: int, kind: str, header: Header, key: str) -> None:
        self.session, self.tenant_id, self.kind, self.key = session, tenant_id, kind, key
        self.model: type[Owner] = Contact if kind == "contacts" else Account
        self.entity = "contact" if kind == "contacts" else "account"
        self.rules = CONTACT_RULES if kind == "contacts" else ACCOUNT_RULES
        self.order = list(header.columns.values())
        self.columns = set(self.order)
        self.service = CustomerFile(session, tenant_id)
        self.custom = CustomFields(session, tenant_id)
        self.known: dict[str, list[Owner]] = {}  # upsert key -> records, this batch and those written
        self.accounts: dict[tuple[str, str], list[Account]] = {}  # (number|name, value) -> accounts

    # -- finding ----------------------------------------------------------------------------

    def key_of(self, record: Record) -> str | None:
        """The row's upsert key value, or None (the row then creates)."""
        if self.key == "customer_number":
            return record.get("customer_number", "").strip() or None
        emails = [record[c] for c in self._columns_of(EMAIL_LABELS) if record.get(c, "").strip()]
        return emails[0].strip().lower() if emails else None

    def prefetch(self, batch: Sequence[Record]) -> None:
        """Load, in one query each, the records and accounts this batch names."""
        keys = {k for k in map(self.key_of, batch) if k is not None and k not in self.known}
        for owner in self._by_keys(sorted(keys)):
            for key in self._keys_of_owner(owner) & keys:
                self.known.setdefault(key, []).append(owner)
        if self.kind == "contacts":
            self._prefetch_accounts(batch)

    def _by_keys(self, keys: list[str]) -> Sequence[Owner]:
        if not keys:
            return []
        model = self.model
        query = select(model).where(model.tenant_id == self.tenant_id)
        if self.key == "customer_number":
            query = query.where(model.customer_number.in_(keys))
        else:
            owner_column = ContactEmail.contact_id if model is Contact else ContactEmail.account_id
            owners = select(owner_column).where(
                ContactEmail.tenant_id == self.tenant_id, ContactEmail.address.in_(keys)
            )
            query = query.where(model.id.in_(owners))
        lists = (model.phones, model.emails, model.addresses)
        found = self.session.scalars(query.options(*(selectinload(a) for a in lists))).all()
        return cast(Sequence[Owner], found)

    def _keys_of_owner(self, owner: Owner) -> set[str]:
        if self.key == "customer_number":
            return {owner.customer_number} if owner.customer_number else set()
        return {e.address for e in owner.emails}

    def _prefetch_accounts(self, batch: Sequence[Record]) -> None:
        numbers = {r.get("account_number", "").strip() for r in batch} - {""}
        names = {f.fold(r.get("company", "")) for r in batch} - {""}
        if not numbers and not names:
            return
        query = select(Account).where(Account.tenant_id == self.tenant_id)
        for account in self.session.scalars(
            query.where(Account.customer_number.in_(numbers) | Account.name_folded.in_(names))
        ):
            for found in (("number", account.customer_number or ""), ("name", account.name_folded)):
                if found[1] in (numbers if found[0] == "number" else names):
                    bucket = self.accounts.setdefault(found, [])
                    bucket.extend([account] if account not in bucket else [])

    def _existing(self, record: Record) -> Owner | None:
        key = self.key_of(record)
        found = self.known.get(key, []) if key is not None else []
        if len(found) > 1:
            raise RowError(
                self.key, f"{key!r} names {len(found)} records", f"{key!r} désigne {len(found)} fiches"
            )
        return found[0] if found else None

    def _account_id(self, record: Record) -> int | None:
        number, name = record.get("account_number", "").strip(), f.fold(record.get("company", ""))
        if not number and not name:
            return None
        wanted = ("number", number) if number else ("name", name)
        found = self.accounts.get(wanted, [])
        if len(found) != 1:
            shown = number or record.get("company", "").strip()
            column = "account_number" if number else "company"
            what = ("no account", "aucun compte") if not found else ("several accounts", "plusieurs comptes")
            raise RowError(column, f"{what[0]} {shown!r}", f"{what[1]} {shown!r}")
        return found[0].id

    # -- writing ----------------------------------------------------------------------------

    def write(self, record: Record) -> str:
        """Create or update the row's record; ``created``, ``updated`` or ``unchanged``."""
        existing = self._existing(record)
        values = self._values(record, existing)
        lists = self._lists(record, existing)
        if existing is None:
            create = self.service.create_contact if self.kind == "contacts" else self.service.create_account
            owner = create(values, **lists)
            for key in self._keys_of_owner(owner):
                self.known.setdefault(key, []).append(owner)
            return "created"
        values = {name: v for name, v in values.items() if self._differs(existing, name, v)}
        lists = {
            name: v for name, v in lists.items() if v is not None and self._list_differs(existing, name, v)
        }
        if not values and not lists:
            return "unchanged"
        update = self.service.update_contact if self.kind == "contacts" else self.service.update_account
        update(existing, values, **lists)  # type: ignore[arg-type]
        return "updated"

    def _values(self, record: Record, existing: Owner | None) -> dict[str, Any]:
        values: dict[str, Any] = {n: record[n] for n in self.rules if n in self.columns}
        if "tags" in values:
            values["tags"] = [t.strip() for t in values["tags"].split(",") if t.strip()]
        if self.kind == "contacts" and self.columns & {"account_number", "company"}:
            values["account_id"] = self._account_id(record)
        customs = {n[len(CUSTOM_PREFIX) :]: record[n] for n in self.columns if n.startswith(CUSTOM_PREFIX)}
        if customs:
            kinds = {d.key: d.type for d in self.custom.scope.custom_fields.for_entity(self.entity).values()}
            given = {k: custom_value(kinds.get(k, "text"), v) for k, v in customs.items()}
            values["custom"] = {**(existing.custom if existing is not None else {}), **given}
        return values

    def _lists(self, record: Record, existing: Owner | None) -> dict[str, Any]:
        phone_labels = PHONE_LABELS[self.kind]
        lists: dict[str, Any] = {"phones": None, "emails": None, "addresses": None}
        if phone_columns := self._columns_of(phone_labels):
            cells = [(record[c].strip(), phone_labels[base_of(c)[0]]) for c in phone_columns]
            lists["phones"] = [PhoneInput(number, label) for number, label in cells if number]
        if email_columns := self._columns_of(EMAIL_LABELS):
            cells = [(record[c].strip(), EMAIL_LABELS[base_of(c)[0]]) for c in email_columns]
            lists["emails"] = [EmailInput(address, label) for address, label in cells if address]
        if self.columns & set(ADDRESS_COLUMNS):
            lists["addresses"] = self._addresses(record, existing)
        return lists

    def _columns_of(self, labels: dict[str, str]) -> list[str]:
        """The file's columns of one list (phones or e-mails), in the file's order."""
        return [c for c in self.order if base_of(c)[0] in labels]

    def _addresses(self, record: Record, existing: Owner | None) -> list[AddressInput]:
        others = list(existing.addresses) if existing is not None else []
        kept = [AddressInput(tuple(a.lines), a.postal_code, a.city, a.country, a.label) for a in others[1:]]
        lines = tuple(record.get(c, "") for c in ADDRESS_COLUMNS[:4] if record.get(c, "").strip())
        postal_code, city = record.get("postal_code", "").strip(), record.get("city", "").strip()
        if not (lines or postal_code or city):
            return kept
        label = others[0].label if others else ("home" if self.kind == "contacts" else "work")
        country = record.get("country", "").strip() or self.service.region
        return [AddressInput(lines, postal_code, city, country, label), *kept]

    # -- comparing --------------------------------------------------------------------------

    def _differs(self, owner: Owner, name: str, value: Any) -> bool:
        rule: Callable[[Any], Any] | None = self.rules.get(name)
        try:
            if name == "custom":
                return self.custom.validate(self.entity, value) != owner.custom
            cleaned = rule(value) if rule is not None else value
        except CustomerFileError:
            return True  # the service refuses it, naming the field
        return bool(cleaned != getattr(owner, name))

    def _list_differs(self, owner: Owner, name: str, given: list[Any]) -> bool:
        try:
            if name == "phones":
                stored = {p.number: p.label for p in owner.phones}
                return stored != {f.phone(p.number, self.service.region): p.label for p in given}
            if name == "emails":
                return {e.address: e.label for e in owner.emails} != {
                    f.email(e.address): e.label for e in given
                }
        except CustomerFileError:
            return True
        stored_addresses = [(a.lines, a.postal_code, a.city, a.country, a.label) for a in owner.addresses]
        wanted = [
            (
                [ln.strip() for ln in a.lines],
                a.postal_code.strip(),
                a.city.strip(),
                a.country.strip().upper(),
                a.label,
            )
            for a in given
        ]
        return stored_addresses != wanted
