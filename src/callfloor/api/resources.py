"""The CRUD routes of a tenant object described by a center spec (skills, queues, dispositions).

Bodies are the same pydantic specs as the center YAML; answers are the spec plus the id.
Supervisors read, admins write; every lookup goes through the tenant's repository, so another
tenant's id answers 404. Writes are audited.
"""

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, create_model

from callfloor.api.deps import Caller, require
from callfloor.api.errors import ApiError, conflict, not_found
from callfloor.core.roles import CONFIGURE, OBSERVE
from callfloor.storage import UnknownReferenceError
from callfloor.storage.models import TenantOwned
from callfloor.storage.repositories import TenantRepository, audit
from callfloor.storage.scope import TenantScope

S = TypeVar("S", bound=BaseModel)
M = TypeVar("M", bound=TenantOwned)

Observer = Annotated[Caller, Depends(require(OBSERVE))]
Configurer = Annotated[Caller, Depends(require(CONFIGURE))]


def unknown_reference(exc: UnknownReferenceError) -> ApiError:
    """A body names a skill, queue or user the tenant does not have."""
    return ApiError(
        422,
        "unknown_reference",
        f"Référence inconnue : {exc.kind} {exc.name!r}",
        f"Unknown reference: {exc.kind} {exc.name!r}",
    )


class SpecResource(Generic[S, M]):
    """How one kind of object is found, written and shown."""

    def __init__(
        self,
        *,
        name: str,
        spec: type[S],
        key: str,
        repository: Callable[[TenantScope], TenantRepository[M]],
        find: Callable[[TenantScope, str], M | None],
        apply: Callable[[TenantScope, S, M | None], M],
        to_spec: Callable[[M], S],
    ) -> None:
        self.name, self.spec, self.key = name, spec, key
        self.repository, self.find, self.apply, self.to_spec = repository, find, apply, to_spec
        self.out: type[BaseModel] = create_model(
            f"{spec.__name__.removesuffix('Spec')}Out", __base__=spec, id=int
        )

    def show(self, obj: M) -> dict[str, Any]:
        """The API view: the spec plus the id."""
        return {"id": obj.id, **self.to_spec(obj).model_dump(mode="json", by_alias=True)}  # type: ignore[attr-defined]

    def write(self, caller: Caller, body: S, obj: M | None) -> M:
        """Create (``obj`` None) or replace an object, refusing a duplicate natural key."""
        scope = TenantScope(caller.session, caller.tenant_id)
        value = getattr(body, self.key)
        same_key = self.find(scope, value)
        if same_key is not None and same_key is not obj:
            raise conflict(f"« {value} » existe déjà.", f"{value!r} already exists.", "duplicate")
        try:
            written = self.apply(scope, body, obj)
        except UnknownReferenceError as exc:
            raise unknown_reference(exc) from exc
        action = f"{self.name}.{'update' if obj else 'create'}"
        audit(caller.session, action, tenant_id=caller.tenant_id, actor=caller.user, target=str(value))
        return written

    def get(self, caller: Caller, object_id: int) -> M:
        """The object in the caller's tenant, or 404."""
        obj = self.repository(TenantScope(caller.session, caller.tenant_id)).get(object_id)
        if obj is None:
            raise not_found()
        return obj


def spec_router(resource: SpecResource[S, M], prefix: str, tag: str) -> APIRouter:
    """List, read, create, replace and delete routes for ``resource``."""
    router = APIRouter(prefix=prefix, tags=[tag])
    spec, out = resource.spec, resource.out

    @router.get("", response_model=list[out])  # type: ignore[valid-type]
    def list_objects(caller: Observer) -> list[dict[str, Any]]:
        repo = resource.repository(TenantScope(caller.session, caller.tenant_id))
        return [resource.show(o) for o in repo.list()]

    @router.post("", status_code=201, response_model=out)
    def create_object(body: spec, caller: Configurer) -> dict[str, Any]:  # type: ignore[valid-type]
        return resource.show(resource.write(caller, body, None))

    @router.get("/{object_id}", response_model=out)
    def get_object(object_id: int, caller: Observer) -> dict[str, Any]:
        return resource.show(resource.get(caller, object_id))

    @router.put("/{object_id}", response_model=out)
    def replace_object(object_id: int, body: spec, caller: Configurer) -> dict[str, Any]:  # type: ignore[valid-type]
        return resource.show(resource.write(caller, body, resource.get(caller, object_id)))

    @router.delete("/{object_id}", status_code=204)
    def delete_object(object_id: int, caller: Configurer) -> Response:
        obj = resource.get(caller, object_id)
        resource.repository(TenantScope(caller.session, caller.tenant_id)).delete(obj)
        audit(
            caller.session,
            f"{resource.name}.delete",
            tenant_id=caller.tenant_id,
            actor=caller.user,
            target=str(object_id),
        )
        return Response(status_code=204)

    for route, summary in zip(
        router.routes,
        (
            f"List {tag}",
            f"Create one of {tag}",
            f"Read one of {tag}",
            f"Replace one of {tag}",
            f"Delete one of {tag}",
        ),
        strict=True,
    ):
        route.summary = summary  # type: ignore[attr-defined]
    return router
