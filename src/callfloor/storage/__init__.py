"""Storage: SQLAlchemy 2 models, tenant-scoped repositories and Alembic migrations.

SQLite is the embedded default, PostgreSQL the production store; both run every storage test.
Every tenant-owned row carries ``tenant_id`` and every repository takes the tenant as a
required argument, so no query path can forget it. The only unscoped reads (tenants, and the
user an e-mail address names at login) live in :mod:`callfloor.storage.platform`.

Errors: :class:`StorageError` is the root; :class:`NotFoundError`, :class:`ConflictError`,
:class:`UnknownReferenceError`, :class:`CenterConfigError` (a bad center YAML, with file
and line) and :class:`callfloor.storage.secretbox.SecretBoxError` (a sealed secret that does not
open) derive from it.
"""

from callfloor.yamlfile import YamlFileError


class StorageError(Exception):
    """Root of the storage exceptions."""


class NotFoundError(StorageError):
    """The object does not exist in this tenant."""


class ConflictError(StorageError):
    """The change would break a uniqueness or integrity rule."""


class UnknownReferenceError(StorageError):
    """A configuration names a skill, queue or user that does not exist in the tenant."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"unknown {kind} {name!r}")
        self.kind = kind
        self.name = name


class CenterConfigError(StorageError, YamlFileError):
    """A center configuration file is invalid; nothing was changed."""
