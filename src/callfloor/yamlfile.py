"""Loading YAML while remembering where every value stood, for errors with line numbers.

Used for every YAML a user writes (center configuration, simulator scenarios, IVR flows), so
every such file reports its problems the same way: ``path:line: where: message``.

PyYAML's composed node tree carries marks; we keep it beside the plain data and walk it along
a pydantic error location (``("queues", 2, "skills", "fr")``) to the line to report. Duplicate
keys, which PyYAML would silently collapse, are reported too.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

Location = tuple[str | int, ...]


class YamlFileError(Exception):
    """A YAML file is unreadable or invalid; ``problems`` are ``path:line: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class YamlDocument:
    """Plain data plus the node tree it came from."""

    path: str
    data: Any
    root: yaml.Node | None

    def line(self, loc: Location) -> int:
        """The 1-based line of the value at ``loc``, or of its nearest parent that exists."""
        node = self.root
        if node is None:
            return 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def problem(self, loc: Location, message: str) -> str:
        """``path:line: message`` for a value at ``loc``."""
        where = ".".join(str(p) for p in loc)
        return f"{self.path}:{self.line(loc)}: {where + ': ' if where else ''}{message}"

    def validation_problems(self, error: ValidationError) -> list[str]:
        """One ``path:line: message`` per pydantic error."""
        return [self.problem(tuple(e["loc"]), e["msg"]) for e in error.errors()]


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def _duplicate_keys(node: yaml.Node, path: str) -> list[str]:
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    problems.append(f"{path}:{key.start_mark.line + 1}: duplicate key {key.value!r}")
                seen.add(key.value)
            problems += _duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item, path)
    return problems


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse ``text``; syntax errors and duplicate keys raise :class:`CenterConfigError`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlFileError([f"{path}:{line}: invalid YAML: {exc.problem or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise YamlFileError([f"{path}:1: invalid YAML: {exc}"]) from exc
    if root is not None and (dups := _duplicate_keys(root, path)):
        raise YamlFileError(dups)
    return YamlDocument(path, data, root)


def load_yaml(path: Path) -> YamlDocument:
    """Read and parse a YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlFileError([f"{path}: cannot read: {exc}"]) from exc
    return parse_yaml(text, str(path))
