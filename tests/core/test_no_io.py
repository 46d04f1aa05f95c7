"""``callfloor.core`` stays sans I/O: no I/O module imported, no clock read, no global random."""

import ast
from pathlib import Path

import pytest

import callfloor.core

CORE = Path(callfloor.core.__file__).parent
FORBIDDEN_MODULES = {
    "asyncio",
    "socket",
    "selectors",
    "ssl",
    "select",
    "subprocess",
    "threading",
    "multiprocessing",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "httpx",
    "requests",
    "urllib",
    "http",
    "uvicorn",
    "psycopg",
    "sqlite3",
    "shutil",
    "tempfile",
    "io",
    "os",
    "pathlib",
    "time",
    "random",
    "logging",
}
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
}
FORBIDDEN_BUILTINS = {"open", "input", "print"}


def violations(source: str) -> list[str]:
    """What in ``source`` breaks the sans-I/O rule."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                if (func.value.id, func.attr) in FORBIDDEN_CALLS:
                    found.append(f"{func.value.id}.{func.attr}()")
            elif isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
                found.append(f"{func.id}()")
    return found


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_has_no_io(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import socket", ["socket"]),
        ("from sqlalchemy.orm import Session", ["sqlalchemy.orm"]),
        ("import asyncio.tasks", ["asyncio.tasks"]),
        ("from datetime import datetime\nx = datetime.now()", ["datetime.now()"]),
        ("import time as t\nt2 = time.monotonic()", ["time", "time.monotonic()"]),
        ("data = open('f').read()", ["open()"]),
        ("from dataclasses import dataclass", []),
        ("from .sip import digest", []),
    ],
)
def test_checker_catches_io(source: str, expected: list[str]) -> None:
    assert violations(source) == expected
