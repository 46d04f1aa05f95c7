"""A tenant's own fields on contacts and accounts: their definitions, and the check of every value.

Values live in the ``custom`` JSON of the row, so a tenant adds a field without a migration;
the price is that the database cannot type them, hence the check on every write: a key the
tenant has not defined, or a value of the wrong type, is refused with the key named. Dates are
kept as ISO strings (``2026-03-14``), JSON having no date type.
"""

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from callfloor.crm import CustomFieldError, DuplicateKeyError
from callfloor.crm.fields import text
from callfloor.storage.contacts import CustomField
from callfloor.storage.scope import TenantScope

ENTITIES = ("contact", "account")
FIELD_TYPES = ("text", "number", "date", "bool", "choice")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TEXT_MAX = 1000


def _error(key: str, en: str, fr: str) -> CustomFieldError:
    return CustomFieldError(f"custom field {key!r}: {en}", f"champ personnalisé {key!r} : {fr}", field=key)


def check_value(definition: CustomField, value: Any) -> Any:
    """``value`` as stored for ``definition``; :class:`CustomFieldError` when its type is wrong."""
    key, kind = definition.key, definition.type
    if kind == "text" and isinstance(value, str):
        return text(value, f"custom.{key}", TEXT_MAX, multiline=True)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "number" and number and math.isfinite(value):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "date" and isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    if kind == "choice" and value in definition.choices:
        return value
    expected = {
        "text": ("a text", "un texte"),
        "number": ("a number", "un nombre"),
        "bool": ("true or false", "vrai ou faux"),
        "date": ("a date YYYY-MM-DD", "une date AAAA-MM-JJ"),
        "choice": (f"one of {definition.choices}", f"une valeur parmi {definition.choices}"),
    }[kind]
    raise _error(key, f"expected {expected[0]}, got {value!r}", f"attendu {expected[1]}, reçu {value!r}")


class CustomFields:
    """The custom field definitions of one tenant, and the check of ``custom`` values against them."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.scope = TenantScope(session, tenant_id)

    def validate(self, entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` checked against the entity's definitions; a None value drops its key."""
        definitions = self.scope.custom_fields.for_entity(entity)
        checked = {}
        for key, value in values.items():
            definition = definitions.get(key)
            if definition is None:
                raise _error(key, f"not defined for {entity}s", f"non défini pour les {entity}s")
            if value is not None:
                checked[key] = check_value(definition, value)
        return checked

    def define(
        self,
        *,
        entity: str,
        key: str,
        label_fr: str,
        label_en: str,
        type_: str,
        choices: Sequence[str] = (),
        field: CustomField | None = None,
    ) -> CustomField:
        """Create a definition (``field`` None) or replace ``field``'s; a key is unique per entity."""
        if entity not in ENTITIES:
            raise _error(key, f"entity must be one of {ENTITIES}", f"l'entité doit être parmi {ENTITIES}")
        if not _KEY.match(key):
            raise _error(key, "key must be lower-case letters, digits, _", "clé : minuscules, chiffres, _")
        if type_ not in FIELD_TYPES:
            raise _error(key, f"type must be one of {FIELD_TYPES}", f"le type doit être parmi {FIELD_TYPES}")
        cleaned = [text(c, f"{key}.choices", 100) for c in choices]
        if (type_ == "choice") != bool(cleaned) or len(set(cleaned)) != len(cleaned):
            raise _error(
                key, "choices: distinct values, for a choice only", "choix : distincts, type choix seul"
            )
        same = self.scope.custom_fields.by_key(entity, key)
        if same is not None and same is not field:
            raise DuplicateKeyError(
                f"custom field {key!r} already exists", f"le champ {key!r} existe déjà", field="key"
            )
        target = field or CustomField()
        target.entity, target.key, target.type, target.choices = entity, key, type_, cleaned
        target.label_fr = text(label_fr, "label_fr", 200)
        target.label_en = text(label_en, "label_en", 200)
        if field is None:
            self.scope.custom_fields.add(target)
        self.scope.session.flush()
        return target
