"""YAML to plain Python objects, remembering the line of every key and list item.

PyYAML's composer keeps each node's position; building the objects from the nodes
ourselves lets every later error (unknown key, duplicate id, bad expression) name the
line the researcher has to fix. Duplicate keys, which PyYAML silently accepts, are
refused here.

Form files come from whoever can write to the forms folder, so the loader is limited:
a size cap, no aliases, no tags, and a nesting cap (docs/forms.md, "Limits"). Each limit
is checked while composing, before anything is built, so a hostile file costs no more
than reading it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[int | str, ...]

MAX_BYTES = 1024 * 1024
"""The largest form file read (1 MiB); the shipped forms are 2 to 6 KB."""
MAX_DEPTH = 20
"""Deepest nesting allowed; a form needs 8 (form > sections > items > choices > label)."""

TOO_BIG = "the file is larger than 1 MiB, the most a form file may be (forms are a few KB)"
NO_ALIASES = "YAML aliases (*name) are not allowed in form files"
NO_TAGS = "YAML tags (!name, !!name) are not allowed in form files; put text in quotes instead"
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep (a form needs at most 8)"

# A plain `<<` or `=` resolves to these; with no aliases they can only mean the text itself.
_AS_TEXT = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}


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


class _FormLoader(yaml.SafeLoader):
    """SafeLoader that refuses, while composing, what could blow up building the objects.

    An alias is refused before it is resolved: a billion-laughs file stops at its first
    `*name`, and a recursive alias never becomes a cycle. The depth cap keeps PyYAML's
    recursive composer (and `_build`) far from Python's recursion limit.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        is_alias = self.check_event(yaml.AliasEvent)
        event = self.current_event  # the event check_event just peeked at
        line = event.start_mark.line + 1
        if is_alias:
            raise YamlProblem(line, NO_ALIASES)
        if getattr(event, "tag", None) is not None:  # None unless the file wrote a tag
            raise YamlProblem(line, NO_TAGS)
        if self._depth >= MAX_DEPTH:
            raise YamlProblem(line, TOO_DEEP)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def too_big(text: str) -> bool:
    # len(text) counts characters, never more than the UTF-8 bytes: skip encoding a huge text.
    return len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES


def load(text: str) -> tuple[Any, LineMap]:
    """Parse YAML text into dicts/lists/scalars and a LineMap. Raises YamlProblem."""
    if too_big(text):
        raise YamlProblem(1, TOO_BIG)
    try:
        loader = _FormLoader(text)  # checks every character first: may raise ReaderError
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # a control character; it carries no line
        line = text.count("\n", 0, exc.position) + 1
        raise YamlProblem(
            line, f"YAML syntax: {exc.reason} (character #x{exc.character:04x})"
        ) from None
    lines = LineMap()
    if node is None:
        raise YamlProblem(1, "the file is empty")
    return _build(node, (), lines, loader), lines


def _build(node: yaml.Node, path: Path, lines: LineMap, loader: _FormLoader) -> Any:
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
            result[key] = _build(value_node, (*path, key), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, index), lines, loader) for index, item in enumerate(node.value)
        ]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: _FormLoader) -> Any:
    """A scalar typed by PyYAML's safe rules (int, bool, str, dates ...)."""
    if node.tag in _AS_TEXT:
        return node.value
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):  # e.g. 2024-13-45 looks like a date
        raise YamlProblem(
            node.start_mark.line + 1, f"{node.value!r} looks like a date or number but is not one"
        ) from None
