"""Optional mypyc build of the simulator's hot path; without CALLFLOOR_COMPILE it is pure Python.

    pip install -e .                     # pure Python, as always
    CALLFLOOR_COMPILE=1 pip install -e . # the modules below compiled with mypyc (needs a C compiler)

``_build_backend.py`` asks pip for mypy in the build environment only when compiling. The
compiled modules land next to their sources (``src/callfloor/**/*.so``, plus the shared
``src/callfloor_native__mypyc*.so``) and are imported instead of the ``.py`` files, which they
shadow until deleted: ``find src -name '*.so' -delete`` (a plain reinstall does not remove them).
Everything else about the package is in pyproject.toml.
"""

import os

from setuptools import setup

#: The modules a simulated day spends its time in (bench/README.md, "simulate.py"); compiled
#: together, so that calls between them are native calls.
COMPILED = [
    "src/callfloor/core/acd/engine.py",
    "src/callfloor/core/acd/model.py",
    "src/callfloor/core/acd/records.py",
    "src/callfloor/core/acd/router.py",
    "src/callfloor/core/acd/strategies.py",
    "src/callfloor/core/actions.py",
    "src/callfloor/core/events.py",
    "src/callfloor/core/floor.py",
    "src/callfloor/core/kpi/agent_time.py",
    "src/callfloor/core/kpi/figures.py",
    "src/callfloor/core/kpi/fold.py",
    "src/callfloor/core/kpi/service_level.py",
    "src/callfloor/core/log.py",
    "src/callfloor/sim/distributions.py",
    "src/callfloor/sim/run.py",
]


def compiling() -> bool:
    """Whether this build compiles: CALLFLOOR_COMPILE set to anything but "" or "0"."""
    return os.environ.get("CALLFLOOR_COMPILE", "") not in ("", "0")


ext_modules = []
if compiling():
    try:
        from mypyc.build import mypycify
    except ImportError as error:  # --no-build-isolation in an environment without mypy
        raise SystemExit(
            f"CALLFLOOR_COMPILE is set but mypyc is missing ({error}): pip install mypy"
        ) from None
    ext_modules = mypycify(COMPILED, opt_level="3", group_name="callfloor_native")
setup(ext_modules=ext_modules)
