"""The columns of contact, account and product files: their names in French and English.

A file from another CRM or typed in Excel names its columns as people do (« Nom », « Prénom »,
« Téléphone 2 », « N° client », ``last_name``, ``E-mail``): a header is folded (case, accents
and punctuation away, words joined by ``_``) and looked up in the kind's aliases, which give
the canonical column the importer reads and the exporter writes. Phones, e-mails and address
lines are numbered (``phone``, ``phone_2``…, ``address``, ``address_2``…); each phone column
carries the label its numbers get (``mobile``, ``phone`` a landline, ``work_phone``, ``fax``…).
A tenant's custom fields are ``custom.<key>`` columns, or named by their French or English label.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from callfloor.crm.fields import fold
from callfloor.crm.sheets import SheetError

KINDS = ("contacts", "accounts", "products")
CUSTOM_PREFIX = "custom."
MAX_ADDRESS_LINES = 4
_NUMBERED = re.compile(r"^(.*?)_?(\d{1,2})$")

_PHONE_ALIASES = {
    "mobile": ("mobile", "portable", "tel_portable", "telephone_portable", "gsm", "cellulaire", "cell"),
    "phone": ("phone", "telephone", "tel", "telephone_fixe", "tel_fixe", "fixe", "landline"),
    "work_phone": ("work_phone", "telephone_pro", "tel_pro", "telephone_professionnel", "telephone_bureau"),
    "home_phone": ("home_phone", "telephone_domicile", "tel_domicile", "telephone_perso", "tel_perso"),
    "fax": ("fax", "telecopie"),
    "other_phone": ("other_phone", "autre_telephone", "autre_tel"),
}
_EMAIL_ALIASES = {
    "email": ("email", "e_mail", "mail", "courriel", "adresse_email", "adresse_e_mail", "adresse_mail"),
    "work_email": ("work_email", "email_pro", "e_mail_pro", "courriel_pro"),
    "home_email": ("home_email", "email_perso", "e_mail_perso", "courriel_perso"),
    "other_email": ("other_email", "autre_email", "autre_e_mail"),
}
_ADDRESS_ALIASES = {
    "address": ("address", "adresse", "rue", "street", "adresse_ligne", "ligne_adresse"),
    "postal_code": ("postal_code", "code_postal", "cp", "zip", "zip_code", "postcode"),
    "city": ("city", "ville", "commune", "localite"),
    "country": ("country", "pays"),
}
_COMMON = {
    "customer_number": ("customer_number", "numero_client", "n_client", "no_client", "num_client",
                        "code_client", "ref_client", "reference_client", "id_client"),
    "tags": ("tags", "etiquettes", "mots_cles", "labels"),
    "notes": ("notes", "note", "commentaire", "commentaires", "remarques", "observations"),
}  # fmt: skip
_CONTACT = {
    "civility": ("civility", "civilite", "titre", "title", "salutation"),
    "first_name": ("first_name", "prenom", "firstname", "given_name"),
    "last_name": ("last_name", "nom", "lastname", "surname", "family_name", "nom_de_famille"),
    "company": ("company", "societe", "entreprise", "account", "compte", "raison_sociale", "organisation"),
    "account_number": ("account_number", "numero_compte", "n_compte", "code_compte", "numero_client_societe"),
    "language": ("language", "langue", "lang"),
    "timezone": ("timezone", "fuseau_horaire", "fuseau", "time_zone"),
}
_ACCOUNT = {
    "name": ("name", "nom", "raison_sociale", "societe", "entreprise", "company", "account", "compte"),
    "registration_number": ("registration_number", "siren", "siret", "numero_siren", "numero_siret"),
}
_PRODUCT = {
    "reference": ("reference", "ref", "sku", "code", "code_article", "reference_produit", "ref_article"),
    "label": ("label", "libelle", "designation", "nom", "name", "produit", "article"),
    "description": ("description", "descriptif"),
    "unit_price": ("unit_price", "prix", "prix_ht", "prix_unitaire", "prix_unitaire_ht", "price", "pu_ht"),
    "vat_rate": ("vat_rate", "tva", "taux_tva", "taux_de_tva", "vat", "tax_rate"),
    "active": ("active", "actif", "enabled"),
}

#: The label each phone column gives its numbers, per kind (a contact's « phone » is at home).
PHONE_LABELS: dict[str, dict[str, str]] = {
    "contacts": {"mobile": "mobile", "phone": "home", "work_phone": "work", "fax": "fax",
                 "other_phone": "other", "home_phone": "home"},
    "accounts": {"phone": "work", "mobile": "mobile", "home_phone": "home", "fax": "fax",
                 "other_phone": "other", "work_phone": "work"},
}  # fmt: skip
EMAIL_LABELS = {"email": "work", "home_email": "home", "other_email": "other", "work_email": "work"}

#: The scalar columns an export writes, in order (phones, e-mails, address and custom follow).
SCALARS: dict[str, tuple[str, ...]] = {
    "contacts": ("customer_number", "civility", "last_name", "first_name", "company", "account_number",
                 "language", "timezone", "tags", "notes"),
    "accounts": ("customer_number", "name", "registration_number", "tags", "notes"),
    "products": ("reference", "label", "description", "unit_price", "vat_rate", "active"),
}  # fmt: skip
ADDRESS_COLUMNS = ("address", "address_2", "address_3", "address_4", "postal_code", "city", "country")
NUMBERED = frozenset({*_PHONE_ALIASES, *_EMAIL_ALIASES, "address"})


def _table(kind: str) -> dict[str, str]:
    """Folded alias -> canonical base column, for one kind."""
    groups: tuple[Mapping[str, Sequence[str]], ...] = (_PRODUCT,)
    if kind != "products":
        own = _CONTACT if kind == "contacts" else _ACCOUNT
        groups = (own, _COMMON, _PHONE_ALIASES, _EMAIL_ALIASES, _ADDRESS_ALIASES)
    return {alias: canonical for group in groups for canonical, aliases in group.items() for alias in aliases}


ALIASES = {kind: _table(kind) for kind in KINDS}


def header_key(text: str) -> str:
    """A header folded to its lookup form: « Téléphone 2 » → ``telephone_2``, « N° client » → ``n_client``."""
    return fold(text).replace(" ", "_")


@dataclass(frozen=True, slots=True)
class Header:
    """What a file's header means: column index -> canonical column, and the columns ignored."""

    columns: dict[int, str]
    ignored: list[str]

    def has(self, *names: str) -> bool:
        """Whether the file has any of these canonical columns."""
        return any(name in self.columns.values() for name in names)


def canonical(kind: str, text: str, custom_labels: Mapping[str, str]) -> str | None:
    """The canonical column a header names, or None when it names none."""
    if text.strip().lower().startswith(CUSTOM_PREFIX):
        return CUSTOM_PREFIX + text.strip()[len(CUSTOM_PREFIX) :].strip()
    key, aliases = header_key(text), ALIASES[kind]
    if key in aliases:
        return aliases[key]  # a bare numbered column (« Téléphone ») is its first
    numbered = _NUMBERED.match(key)
    if numbered and numbered.group(1) in aliases and aliases[numbered.group(1)] in NUMBERED:
        index = int(numbered.group(2))
        base = aliases[numbered.group(1)]
        return base if index <= 1 else f"{base}_{index}"
    custom = custom_labels.get(key)
    return CUSTOM_PREFIX + custom if custom else None


def read_header(kind: str, cells: Sequence[str], custom_labels: Mapping[str, str]) -> Header:
    """The meaning of a header row; two columns meaning the same thing make the file unreadable."""
    columns: dict[int, str] = {}
    ignored = []
    for index, cell in enumerate(cells):
        name = canonical(kind, cell, custom_labels) if cell.strip() else None
        if name is None:
            ignored.extend([cell] if cell.strip() else [])
            continue
        if name in columns.values():
            raise SheetError(f"two columns mean {name!r}", f"deux colonnes signifient {name!r}")
        columns[index] = name
    if not columns:
        raise SheetError(
            f"no column of the header names a field of {kind}",
            f"aucune colonne de l'en-tête ne nomme un champ des {kind}",
        )
    return Header(columns, ignored)


def numbered(base: str, count: int) -> list[str]:
    """``base``, ``base_2``… ``base_<count>``."""
    return [base if i == 1 else f"{base}_{i}" for i in range(1, count + 1)]


def base_of(column: str) -> tuple[str, int]:
    """A numbered column's base and index: ``phone_2`` → (``phone``, 2)."""
    head, _, tail = column.rpartition("_")
    return (head, int(tail)) if tail.isdigit() and head in NUMBERED else (column, 1)
