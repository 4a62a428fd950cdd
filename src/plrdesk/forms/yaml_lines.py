"""YAML to plain Python objects, remembering the line of every key and list item.

PyYAML's composer keeps each node's position; building the objects from the nodes
ourselves lets every later error (unknown key, duplicate id, bad expression) name the
line the researcher has to fix. Duplicate keys, which PyYAML silently accepts, are
refused here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[int | str, ...]


@dataclass
class LineMap:
    """Line (1-based) of each path into the document; the nearest known ancestor otherwise."""

    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class YamlProblem(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load(text: str) -> tuple[Any, LineMap]:
    """Parse YAML text into dicts/lists/scalars and a LineMap. Raises YamlProblem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML syntax: {exc.problem or exc.context}") from None
    lines = LineMap()
    if node is None:
        raise YamlProblem(1, "the file is empty")
    return _build(node, (), lines), lines


def _build(node: yaml.Node, path: Path, lines: LineMap) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1, "a key must be plain text")
            if key in result:
                raise YamlProblem(key_node.start_mark.line + 1, f"key {key!r} appears twice")
            lines.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, index), lines) for index, item in enumerate(node.value)]
    # Scalars: let PyYAML's safe constructor type them (int, bool, str, dates ...).
    return yaml.SafeLoader(yaml.serialize(node)).get_single_data()
