"""One row of a contact list read into a lead, and two leads of the same number merged into one.

Every cell goes through a reader of :mod:`callfloor.outbound.values` or a rule of the customer
file (:mod:`callfloor.crm.fields`: lengths, control characters, e-mail addresses, countries,
time zones), so that a row is either a clean :class:`LeadRow` or a :class:`CellError` naming
the field at fault; nothing else escapes (the hypothesis tests hold this).

Merging (the same number twice in a file, or a number the campaign already has): the row
with the higher priority wins, the later one on a tie; each of its blank fields is filled from
the other, ``data`` keys too. The place (zone, country, subdivision) goes with the postal code
it was worked out from.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from callfloor.crm import RefusalError
from callfloor.crm import fields as crm_fields
from callfloor.outbound import values
from callfloor.outbound.mapping import DATA_PREFIX, Field, Plan
from callfloor.outbound.places import Place, place_of
from callfloor.outbound.values import CellError

LEAD_FIELDS: tuple[Field, ...] = (
    Field("phone", "phone", True, ("telephone", "tel", "numero", "numero_de_telephone", "phone_number",
                                   "mobile", "portable", "gsm", "telephone_portable", "number")),
    Field("first_name", "text", False, ("prenom", "firstname", "given_name"), 100),
    Field("last_name", "text", False, ("nom", "lastname", "surname", "nom_de_famille", "family_name"), 100),
    Field("company", "text", False, ("societe", "entreprise", "raison_sociale", "company_name"), 200),
    Field("email", "email", False, ("e_mail", "mail", "courriel", "adresse_email", "adresse_mail")),
    Field("postal_code", "text", False, ("code_postal", "cp", "zip", "zip_code", "postcode"), 16),
    Field("country", "country", False, ("pays",)),
    Field("subdivision", "text", False, ("departement", "state", "etat"), 8),
    Field("zone", "zone", False, ("fuseau", "fuseau_horaire", "timezone", "time_zone")),
    Field("priority", "priority", False, ("priorite", "prio")),
    # Extra fields, kept in the lead's ``data`` (scripts show them, quote follow-ups select on them).
    Field("customer_number", "text", False, ("numero_client", "n_client", "no_client", "code_client"), 40),
    Field("quote_number", "text", False, ("numero_devis", "n_devis", "no_devis", "devis", "ref_devis"), 40),
    Field("quote_amount", "amount", False, ("montant_devis", "total_devis", "quote_total")),
    Field("quote_sent_at", "date", False, ("date_devis", "date_envoi", "date_d_envoi", "quote_date")),
    Field("amount_due", "amount", False, ("montant_du", "reste_a_payer", "solde", "solde_du", "balance")),
    Field("due_date", "date", False, ("echeance", "date_echeance", "date_d_echeance")),
    Field("b2b", "flag", False, ("professionnel", "pro")),
    # A current contract with the tenant (L223-1 al. 4: canvassing about it needs no consent).
    Field("customer", "flag", False, ("client", "deja_client", "client_actuel", "existing_customer")),
    Field("notes", "text", False, ("note", "commentaire", "commentaires", "remarques", "observations"), 1000),
)  # fmt: skip
#: Fields stored in their own columns; every other field goes to ``data``.
COLUMNS = ("first_name", "last_name", "company", "email", "postal_code")
_PLACE_FIELDS = ("country", "subdivision", "zone", "phone")
_BY_NAME = {f.name: f for f in LEAD_FIELDS}
_YES = frozenset({"oui", "yes", "true", "vrai", "1", "x", "o", "y"})
_NO = frozenset({"non", "no", "false", "faux", "0", "n"})


@dataclass(frozen=True, slots=True)
class Context:
    """What reading a row needs to know of the tenant: its region, its zone, its way with dates."""

    region: str = "FR"
    zone: str = "Europe/Paris"
    month_first: bool = False


@dataclass(frozen=True, slots=True)
class LeadRow:
    """A lead read from a row (or from the database, to be merged with one)."""

    phone: str
    phone_type: str
    place: Place
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    email: str | None = None
    postal_code: str = ""
    priority: int = 0
    data: dict[str, Any] = field(default_factory=dict)


def cell(cells: Sequence[str], plan: Plan, name: str) -> str:
    """The text of field ``name`` in the row ('' when the column is absent or short)."""
    index = plan.columns.get(name)
    return cells[index] if index is not None and index < len(cells) else ""


class LeadParser:
    """Reads the rows of one file into leads, its fields resolved once for all rows."""

    def __init__(self, plan: Plan, context: Context) -> None:
        self.plan, self.context = plan, context
        self.fields = [(name, index, _BY_NAME.get(name) or Field(name, "text", max_length=500))
                       for name, index in plan.columns.items() if name not in _PLACE_FIELDS]  # fmt: skip

    def __call__(self, cells: Sequence[str]) -> LeadRow:
        """The lead a row holds; :class:`CellError` names the first field at fault."""
        context, width = self.context, len(cells)
        number = values.phone(cell(cells, self.plan, "phone"), context.region)
        given: dict[str, Any] = {}
        for name, index, spec in self.fields:
            text = cells[index] if index < width else ""
            value = _value(spec, text, context) if text and not text.isspace() else None
            if value is not None and value != "":
                given[name] = value
        place = place_of(number.region, number.zones, given.get("postal_code", ""), context.zone,
                         number=number.e164, country=self._place_field(cells, "country"))  # fmt: skip
        place = self._stated(place, cells)
        data = {
            k.removeprefix(DATA_PREFIX): v for k, v in given.items() if k not in COLUMNS and k != "priority"
        }
        columns = {k: v for k, v in given.items() if k in COLUMNS}
        return LeadRow(
            number.e164, number.type, place, priority=given.get("priority", 0), data=data, **columns
        )

    def _place_field(self, cells: Sequence[str], name: str) -> Any:
        text = cell(cells, self.plan, name)
        return _value(_BY_NAME[name], text, self.context) if text.strip() else None

    def _stated(self, place: Place, cells: Sequence[str]) -> Place:
        """The place with the zone and subdivision the file states, when it states them."""
        zone, subdivision = self._place_field(cells, "zone"), self._place_field(cells, "subdivision")
        if zone:
            place = replace(place, zone=zone)
        if subdivision:
            place = replace(place, subdivision=subdivision.upper())
        return place


def parse_lead(cells: Sequence[str], plan: Plan, context: Context) -> LeadRow:
    """The lead a row holds; :class:`CellError` names the first field at fault."""
    return LeadParser(plan, context)(cells)


def _value(spec: Field, text: str, context: Context) -> Any:
    """One non-blank cell read as its field wants it."""
    try:
        return _read(spec, text, context)
    except RefusalError as exc:
        raise CellError.of(spec.name.removeprefix(DATA_PREFIX), exc) from None


def _read(spec: Field, text: str, context: Context) -> Any:
    kind = spec.kind
    if kind == "text":
        return crm_fields.text(text, spec.name, spec.max_length)
    if kind == "email":
        return crm_fields.email(text)
    if kind == "country":
        return crm_fields.country(text)
    if kind == "zone":
        return crm_fields.timezone(text)
    if kind == "priority":
        return values.priority(text)
    if kind == "amount":
        return values.amount(text, spec.name)
    if kind == "date":
        found = values.day(text, spec.name, context.month_first)
        return found.isoformat() if found else None
    return _flag(spec.name, text)


def _flag(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _YES or lowered in _NO:
        return lowered in _YES
    raise CellError(name, f"{text!r} is neither yes nor no", f"{text!r} n'est ni oui ni non")


def merge(older: LeadRow, newer: LeadRow) -> LeadRow:
    """One lead of two with the same number: the higher priority (the newer on a tie) wins."""
    winner, loser = (older, newer) if older.priority > newer.priority else (newer, older)
    filled = {name: getattr(winner, name) or getattr(loser, name) for name in COLUMNS}
    place = loser.place if loser.postal_code and not winner.postal_code else winner.place
    return replace(winner, place=place, data={**loser.data, **winner.data}, **filled)
