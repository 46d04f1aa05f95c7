"""The SIP trunks the server dials out through and registers with, read from storage.

Each trunk comes back as a plain frozen value with its password opened, so the SIP side never
touches the database or the secret key. Only active trunks of active tenants are loaded. A
password that does not open (the secret key changed, or the row was altered) leaves its trunk
out with an error in the log: the other trunks still work, and a trunk presenting no
credentials would only be refused by its provider.
"""

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from callfloor.storage.models import Trunk
from callfloor.storage.platform import Platform
from callfloor.storage.secretbox import SecretBox, SecretBoxError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrunkConfig:
    """One trunk, as the SIP side uses it (``password`` in clear, for digest answers)."""

    tenant_id: int
    name: str
    host: str
    port: int
    transport: str
    username: str | None
    password: str | None
    register: bool
    expires: int
    caller_id: str | None
    prefix: str


def load_trunks(sessions: sessionmaker[Session], box: SecretBox) -> list[TrunkConfig]:
    """The active trunks of active tenants, by tenant then name, their passwords opened with ``box``."""
    with sessions() as session:
        rows = Platform(session).active_trunks()
        return [config for row in rows if (config := _config(row, box)) is not None]


def _config(row: Trunk, box: SecretBox) -> TrunkConfig | None:
    password = None
    if row.password_sealed is not None:
        try:
            password = box.open(row.password_sealed)
        except SecretBoxError:
            log.error(
                "trunk %r of tenant %s left out: its password does not open (the secret key changed?)",
                row.name,
                row.tenant_id,
            )
            return None
    return TrunkConfig(
        tenant_id=row.tenant_id,
        name=row.name,
        host=row.host,
        port=row.port,
        transport=row.transport,
        username=row.username,
        password=password,
        register=row.register,
        expires=row.expires,
        caller_id=row.caller_id,
        prefix=row.prefix,
    )
