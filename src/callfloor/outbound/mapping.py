"""Which column of a file holds which field: the ``--map`` given, then the headers people write.

``--map phone=Téléphone,first_name=Prénom`` names, for each field, the column that holds it;
a column is found by its exact header or by its folded form (case, accents and punctuation
away, as :func:`callfloor.crm.columns.header_key` folds it). A field or a column that does not
exist is a :class:`~callfloor.outbound.MappingError` that names the ones that do, before any
row is read. Columns the map leaves out are recognised by their usual names (« Téléphone »,
« Code postal », « N° devis »…) when the field is still free; the rest are ignored and listed.
Lead files may also carry extra text fields as ``data.<key>``.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from callfloor.crm.columns import header_key
from callfloor.outbound import MappingError

DATA_PREFIX = "data."
_DATA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True, slots=True)
class Field:
    """A field of an import: its name, how it is read, whether every row needs it, its aliases."""

    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int = 200


@dataclass(frozen=True, slots=True)
class Plan:
    """What the header means: field -> column index, and the headers no field took."""

    columns: dict[str, int]
    ignored: list[str]


def parse_map(text: str) -> dict[str, str]:
    """``"phone=Téléphone, first_name=Prénom"`` as ``{field: column}``."""
    mapping: dict[str, str] = {}
    for entry in (part for part in text.split(",") if part.strip()):
        field, sep, column = entry.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise MappingError(
                f"--map entry {entry.strip()!r}: write field=Column",
                f"entrée --map {entry.strip()!r} : écrire champ=Colonne",
            )
        mapping[field.strip()] = column.strip()
    return mapping


def plan(
    header: Sequence[str], fields: Sequence[Field], given: Mapping[str, str] | None = None,
    *, data_fields: bool = False,
) -> Plan:  # fmt: skip
    """Map the header's columns to ``fields``; :class:`MappingError` for what cannot be."""
    known = {f.name: f for f in fields}
    columns: dict[str, int] = {}
    for name, column in (given or {}).items():
        _check_field(name, known, data_fields)
        columns[name] = _column(header, column)
    taken = set(columns.values())
    aliases = {alias: f.name for f in fields for alias in (f.name, *f.aliases)}
    ignored = []
    for index, cell in enumerate(header):
        if index in taken or not cell.strip():
            continue
        found = _recognised(cell, aliases, data_fields)
        if found is None or found in columns:
            ignored.append(cell)
            continue
        columns[found] = index
    missing = [f.name for f in fields if f.required and f.name not in columns]
    if missing:
        raise MappingError(
            f"no column for {', '.join(missing)}: name it with --map {missing[0]}=<column>",
            f"aucune colonne pour {', '.join(missing)} : la nommer avec --map {missing[0]}=<colonne>",
        )
    return Plan(columns, ignored)


def _check_field(name: str, known: Mapping[str, Field], data_fields: bool) -> None:
    if name in known:
        return
    if data_fields and name.startswith(DATA_PREFIX) and _DATA_KEY.match(name[len(DATA_PREFIX) :]):
        return
    extra = f", {DATA_PREFIX}<key>" if data_fields else ""
    names = ", ".join(known) + extra
    raise MappingError(
        f"unknown field {name!r}; fields: {names}", f"champ inconnu {name!r} ; champs : {names}"
    )


def _column(header: Sequence[str], column: str) -> int:
    stripped = [cell.strip() for cell in header]
    if column in stripped:
        return stripped.index(column)
    folded = [header_key(cell) for cell in header]
    if header_key(column) and header_key(column) in folded:
        return folded.index(header_key(column))
    names = ", ".join(repr(cell) for cell in stripped if cell)
    raise MappingError(
        f"no column {column!r} in the file; its columns: {names}",
        f"pas de colonne {column!r} dans le fichier ; ses colonnes : {names}",
    )


def _recognised(cell: str, aliases: Mapping[str, str], data_fields: bool) -> str | None:
    text = cell.strip()
    if data_fields and text.lower().startswith(DATA_PREFIX):
        key = text[len(DATA_PREFIX) :].strip()
        return DATA_PREFIX + key if _DATA_KEY.match(key) else None
    return aliases.get(header_key(text))
