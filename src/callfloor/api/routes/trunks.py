"""SIP trunks of the caller's tenant: supervisors read, admins manage.

Bodies are the center YAML's trunk spec. The password is write-only, like agents' SIP
passwords: it is sealed with a key derived from the application's secret key, and the API only
says whether one is set. A body without a password keeps the stored one.
"""

import copy
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, create_model

from callfloor.api.deps import Caller, directory_changes
from callfloor.api.resources import SpecResource, spec_router
from callfloor.center.apply import apply_trunk, trunk_spec
from callfloor.center.schema import TrunkSpec
from callfloor.storage.models import Trunk
from callfloor.storage.scope import TenantScope
from callfloor.storage.secretbox import SecretBox


def _out_model() -> type[BaseModel]:
    """The trunk spec's fields but the password, plus the id and whether a password is set."""
    shown: dict[str, Any] = {
        n: (f.annotation, f) for n, f in TrunkSpec.model_fields.items() if n != "password"
    }
    out: type[BaseModel] = create_model("TrunkOut", id=(int, ...), **shown, password_set=(bool, ...))
    return out


class TrunkResource(SpecResource[TrunkSpec, Trunk]):
    """A spec resource whose writes seal the password and whose view never shows it."""

    def __init__(self) -> None:
        super().__init__(
            name="trunk",
            spec=TrunkSpec,
            key="name",
            repository=lambda scope: scope.trunks,
            find=lambda scope, name: scope.trunks.by_name(name),
            apply=self._unsealed,
            to_spec=trunk_spec,
        )
        self.out = _out_model()

    @staticmethod
    def _unsealed(scope: TenantScope, spec: TrunkSpec, trunk: Trunk | None) -> Trunk:
        raise RuntimeError("trunk writes need the request's secret box")  # see write()

    def show(self, obj: Trunk) -> dict[str, Any]:
        """The API view: the spec without its password, the id, and whether a password is set."""
        shown = trunk_spec(obj).model_dump(mode="json", by_alias=True, exclude={"password"})
        return {"id": obj.id, **shown, "password_set": obj.password_sealed is not None}

    def write(self, caller: Caller, body: TrunkSpec, obj: Trunk | None) -> Trunk:
        """Create or replace a trunk, sealing its password with the application's secret key."""
        box = SecretBox.from_settings(caller.context.settings)
        # A copy per request, so concurrent requests never share an ``apply``.
        sealing = copy.copy(self)
        sealing.apply = lambda scope, spec, trunk: apply_trunk(scope, spec, box, trunk)
        return SpecResource.write(sealing, caller, body, obj)


# Trunks are SIP configuration: their writes drop the SIP directory's cache, as agents' and numbers' do.
router = APIRouter(dependencies=[Depends(directory_changes)])
router.include_router(spec_router(TrunkResource(), "/api/trunks", "trunks"))
