"""setuptools' PEP 517 backend, plus mypy in the build environment when CALLFLOOR_COMPILE is set.

Only the hooks that say what a build needs differ (see setup.py for what gets compiled). They
do not call setuptools' own, which only run setup.py to collect ``setup_requires`` (this project
has none; ``wheel`` is in pyproject.toml), as setup.py imports mypyc when compiling.
"""

import os

from setuptools.build_meta import *  # noqa: F403 - every other hook, unchanged

#: mypy ships mypyc, which compiles the hot modules; it type-checks what they import too, so the
#: libraries those reach (the simulator's scenario is a pydantic model read from YAML) must be
#: in the isolated build environment, or their types would be Any and the checks would fail.
COMPILE_REQUIRES = ["mypy>=1.10", "pydantic>=2.6", "pyyaml>=6.0", "types-PyYAML", "phonenumbers>=8.13"]


def _requires() -> list[str]:
    return COMPILE_REQUIRES if os.environ.get("CALLFLOOR_COMPILE", "") not in ("", "0") else []


def get_requires_for_build_wheel(config_settings: dict[str, str | list[str]] | None = None) -> list[str]:
    """mypy when compiling; nothing else beyond pyproject.toml's requirements."""
    return _requires()


def get_requires_for_build_editable(
    config_settings: dict[str, str | list[str]] | None = None,
) -> list[str]:
    """mypy when compiling; nothing else beyond pyproject.toml's requirements."""
    return _requires()
