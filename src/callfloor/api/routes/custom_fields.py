"""Custom field definitions of the caller's tenant: admins define them, the customer file reads them.

Agents and supervisors read the definitions (their labels and choices draw the forms); only
admins create, change or delete them. Deleting a definition leaves stored values in place, but
a later write that still carries the key is refused until it is dropped.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from callfloor.api.deps import Caller, require
from callfloor.api.errors import not_found
from callfloor.api.routes.contacts import Worker, refused_as_api_errors
from callfloor.core.roles import CONFIGURE
from callfloor.crm.custom_fields import CustomFields
from callfloor.storage.contacts import CustomField
from callfloor.storage.repositories import audit
from callfloor.storage.scope import TenantScope

router = APIRouter(prefix="/api/custom-fields", tags=["custom fields"])
Admin = Annotated[Caller, Depends(require(CONFIGURE))]


class CustomFieldSpec(BaseModel):
    """A field of contacts or accounts: its key in ``custom``, labels, type and choices."""

    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "account"]
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    label_fr: Annotated[str, Field(min_length=1, max_length=200)]
    label_en: Annotated[str, Field(min_length=1, max_length=200)]
    type: Literal["text", "number", "date", "bool", "choice"]
    choices: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=100)] = []


class CustomFieldOut(CustomFieldSpec):
    id: int


def _out(field: CustomField) -> CustomFieldOut:
    return CustomFieldOut.model_validate(field, from_attributes=True)


def _field(caller: Caller, field_id: int) -> CustomField:
    field = TenantScope(caller.session, caller.tenant_id).custom_fields.get(field_id)
    if field is None:
        raise not_found()
    return field


def _write(caller: Caller, body: CustomFieldSpec, field: CustomField | None) -> CustomField:
    spec = body.model_dump()
    spec["type_"] = spec.pop("type")
    with refused_as_api_errors():
        written = CustomFields(caller.session, caller.tenant_id).define(**spec, field=field)
    action = "custom_field.update" if field else "custom_field.create"
    audit(
        caller.session,
        action,
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=f"{body.entity}.{body.key}",
    )
    return written


@router.get("")
def list_fields(
    caller: Worker, entity: Annotated[Literal["contact", "account"] | None, Query()] = None
) -> list[CustomFieldOut]:
    """The tenant's definitions, one entity's when ``entity`` is given."""
    fields = TenantScope(caller.session, caller.tenant_id).custom_fields.list()
    return [_out(f) for f in fields if entity is None or f.entity == entity]


@router.post("", status_code=201)
def create_field(caller: Admin, body: CustomFieldSpec) -> CustomFieldOut:
    """Define a field; its key is unique per entity."""
    return _out(_write(caller, body, None))


@router.get("/{field_id}")
def get_field(caller: Worker, field_id: int) -> CustomFieldOut:
    """One definition."""
    return _out(_field(caller, field_id))


@router.put("/{field_id}")
def replace_field(caller: Admin, field_id: int, body: CustomFieldSpec) -> CustomFieldOut:
    """Replace a definition (values already stored are not rewritten)."""
    return _out(_write(caller, body, _field(caller, field_id)))


@router.delete("/{field_id}", status_code=204)
def delete_field(caller: Admin, field_id: int) -> Response:
    """Delete a definition."""
    field = _field(caller, field_id)
    TenantScope(caller.session, caller.tenant_id).custom_fields.delete(field)
    audit(
        caller.session,
        "custom_field.delete",
        tenant_id=caller.tenant_id,
        actor=caller.user,
        target=str(field_id),
    )
    return Response(status_code=204)
