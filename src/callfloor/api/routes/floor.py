"""Skills, queues, dispositions and dialed numbers: the floor's configuration, as center specs."""

from fastapi import APIRouter, Depends

from callfloor.api.deps import directory_changes
from callfloor.api.resources import SpecResource, spec_router
from callfloor.center.apply import (
    apply_disposition,
    apply_number,
    apply_queue,
    apply_skill,
    disposition_spec,
    number_spec,
    queue_spec,
    skill_spec,
    tenant_number,
)
from callfloor.center.schema import DispositionSpec, NumberSpec, QueueSpec, SkillSpec
from callfloor.storage import UnknownReferenceError
from callfloor.storage.models import Disposition, Number, Queue, Skill
from callfloor.storage.scope import TenantScope


def _routing(router: APIRouter) -> APIRouter:
    """``router`` with its writes dropping the SIP directory's cache: numbers and queues route calls."""
    wrapped = APIRouter(dependencies=[Depends(directory_changes)])
    wrapped.include_router(router)
    return wrapped


skills = spec_router(
    SpecResource[SkillSpec, Skill](
        name="skill",
        spec=SkillSpec,
        key="name",
        repository=lambda scope: scope.skills,
        find=lambda scope, name: scope.skills.by_name(name),
        apply=apply_skill,
        to_spec=skill_spec,
    ),
    "/api/skills",
    "skills",
)

queues = spec_router(
    SpecResource[QueueSpec, Queue](
        name="queue",
        spec=QueueSpec,
        key="name",
        repository=lambda scope: scope.queues,
        find=lambda scope, name: scope.queues.by_name(name),
        apply=apply_queue,
        to_spec=queue_spec,
    ),
    "/api/queues",
    "queues",
)

dispositions = spec_router(
    SpecResource[DispositionSpec, Disposition](
        name="disposition",
        spec=DispositionSpec,
        key="code",
        repository=lambda scope: scope.dispositions,
        find=lambda scope, code: scope.dispositions.by_code(code),
        apply=apply_disposition,
        to_spec=disposition_spec,
    ),
    "/api/dispositions",
    "dispositions",
)


def _find_number(scope: TenantScope, number: str) -> Number | None:
    try:
        return scope.numbers.by_number(tenant_number(scope, number))
    except UnknownReferenceError:
        return None  # not a number at all: apply_number says so with a 422


numbers = spec_router(
    SpecResource[NumberSpec, Number](
        name="number",
        spec=NumberSpec,
        key="number",
        repository=lambda scope: scope.numbers,
        find=_find_number,
        apply=apply_number,
        to_spec=number_spec,
    ),
    "/api/numbers",
    "numbers",
)

# numbers and queues route calls
queues, numbers = _routing(queues), _routing(numbers)
