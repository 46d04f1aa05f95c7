"""callfloor: an open-source contact-center platform.

Read ``ARCHITECTURE.md`` (shared design) for the layers; each subpackage's docstring says
what belongs in it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("callfloor")
except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
    __version__ = "0.0.0+unknown"
