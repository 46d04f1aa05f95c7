"""What every admin page shares: the admin-only access dependency."""

from typing import Annotated

from fastapi import Depends

from callfloor.core.roles import Role
from callfloor.web.access import Viewer, viewer

#: The viewer of an admin page; other roles get the 403 page.
Admin = Annotated[Viewer, Depends(viewer(frozenset({Role.ADMIN})))]
