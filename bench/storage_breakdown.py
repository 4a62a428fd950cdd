"""Where one plrdesk command spends its wall time, measured cold in a fresh process.

    python bench/storage_breakdown.py OUT.json import STUDY.plr DATA.json
    python bench/storage_breakdown.py OUT.json info STUDY.plr

Runs `plrdesk.__main__.main(ARGS)` after timing the module imports step by step, with
timers wrapped around named functions (found by dotted path; a name that no longer
exists is skipped, so the breakdown survives refactoring) and around every SQL statement
and ORM flush (SQLAlchemy events). Timers nest: each row has its total and its self
time (total minus the timed rows under it). Writes the rows to OUT.json; bench/storage.py
prints them. Only the standard library is imported before the timed imports.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# (label, "module:Attr.attr") timed around each call; order is only for display.
COMMON_TARGETS: tuple[tuple[str, str], ...] = (
    ("argument parsing", "plrdesk.cli.parser:build"),
    ("cipher.connect: PBKDF2 key derivation + pragmas", "plrdesk.storage.cipher:connect"),
    ("StudyFile.open", "plrdesk.storage.study_file:StudyFile.open"),
    ("migrate.schema_state (alembic)", "plrdesk.storage.migrate:schema_state"),
    ("StudyFile.close: WAL checkpoint", "plrdesk.storage.study_file:StudyFile.close"),
    ("COMMIT", "sqlalchemy.engine.default:DefaultDialect.do_commit"),
)
IMPORT_TARGETS: tuple[tuple[str, str], ...] = (
    ("parse_document", "plrdesk.interchange.parse:parse_document"),
    ("json.loads", "json:loads"),
    ("references.check", "plrdesk.interchange.references:check"),
    ("load the shipped forms", "plrdesk.cli.study_commands:shipped_forms"),
    ("passphrase strength (zxcvbn)", "plrdesk.cli.passphrase:check_strength"),
    ("StudyFile.create", "plrdesk.storage.study_file:StudyFile.create"),
    ("migrate.create_schema (alembic)", "plrdesk.storage.migrate:create_schema"),
    ("import_document", "plrdesk.services.study_import:import_document"),
    ("known_records", "plrdesk.services.study_import:known_records"),
    ("study_forms.catalog_for", "plrdesk.services.study_forms:catalog_for"),
    ("study_forms.store_used_forms", "plrdesk.services.study_forms:store_used_forms"),
)
INFO_TARGETS: tuple[tuple[str, str], ...] = (
    ("summarise", "plrdesk.services.study_info:summarise"),
)
# Imported one after another before main(), so each step's time is what it adds.
IMPORT_STEPS: dict[str, tuple[str, ...]] = {
    "import": (
        "sqlalchemy",
        "sqlalchemy.orm",
        "pydantic",
        "plrdesk.domain.models",
        "plrdesk.storage.migrate",
        "plrdesk.cli.app",
        "plrdesk.cli.study_commands",
        "plrdesk.interchange.parse",
        "plrdesk.services.study_import",
        "zxcvbn",
    ),
    "info": (
        "sqlalchemy",
        "sqlalchemy.orm",
        "plrdesk.domain.models",
        "plrdesk.storage.migrate",
        "plrdesk.cli.app",
        "plrdesk.cli.study_commands",
        "plrdesk.services.study_info",
    ),
}


@dataclass
class Node:
    total: float = 0.0
    calls: int = 0
    children: dict[str, Node] = field(default_factory=dict)
    note: str = ""


class Tree:
    """Nested timers: a stack of open labels, totals per path."""

    def __init__(self) -> None:
        self.root = Node()
        self.stack: list[tuple[Node, float]] = []

    def push(self, label: str) -> None:
        parent = self.stack[-1][0] if self.stack else self.root
        node = parent.children.setdefault(label, Node())
        self.stack.append((node, time.perf_counter()))

    def pop(self) -> Node:
        node, start = self.stack.pop()
        node.total += time.perf_counter() - start
        node.calls += 1
        return node

    @contextmanager
    def timed(self, label: str) -> Iterator[None]:
        self.push(label)
        try:
            yield
        finally:
            self.pop()

    def wrap(self, label: str, target: str) -> bool:
        """Time every call of `module:Attr.attr` under `label`; False if it does not exist."""
        module_name, _, attr_path = target.partition(":")
        try:
            owner: Any = importlib.import_module(module_name)
        except ImportError:
            return False
        *parents, name = attr_path.split(".")
        for part in parents:
            owner = getattr(owner, part, None)
            if owner is None:
                return False
        static = inspect.getattr_static(owner, name, None)
        if static is None:
            return False
        tree = self

        def timing(function: Callable[..., Any]) -> Callable[..., Any]:
            def timed_call(*args: Any, **kwargs: Any) -> Any:
                tree.push(label)
                try:
                    return function(*args, **kwargs)
                finally:
                    tree.pop()

            return timed_call

        if isinstance(static, classmethod):
            setattr(owner, name, classmethod(timing(static.__func__)))
        elif isinstance(static, staticmethod):
            setattr(owner, name, staticmethod(timing(static.__func__)))
        else:
            setattr(owner, name, timing(static))
        return True

    def watch_sqlalchemy(self) -> None:
        """Every DB-API execute, and every ORM flush, as nodes of the tree."""
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        from sqlalchemy.orm import Session

        rows_by_node: dict[int, int] = {}

        def before_execute(*args: Any) -> None:
            self.push("SQL execute: SQLite + SQLCipher + triggers")

        def after_execute(
            conn: Any, cursor: Any, stmt: Any, params: Any, ctx: Any, many: bool
        ) -> None:
            node = self.pop()
            if many and params and isinstance(params[0], tuple | list | dict):
                rows = len(params)  # executemany: one parameter set per row
            else:
                rows = str(stmt).count("), (") + 1  # one statement, maybe many VALUES rows
            rows_by_node[id(node)] = rows_by_node.get(id(node), 0) + rows
            node.note = f"{rows_by_node[id(node)]} rows"

        event.listen(Engine, "before_cursor_execute", before_execute)
        event.listen(Engine, "after_cursor_execute", after_execute)
        event.listen(Session, "before_flush", lambda *a: self.push("ORM flush"))
        event.listen(Session, "after_flush_postexec", lambda *a: self.pop())

    def rows(self) -> list[tuple[int, str, float, float, int, str]]:
        """(depth, label, total s, self s, calls, note) in first-seen order."""
        out: list[tuple[int, str, float, float, int, str]] = []

        def walk(node: Node, depth: int) -> None:
            for label, child in node.children.items():
                inner = sum(c.total for c in child.children.values())
                out.append(
                    (depth, label, child.total, child.total - inner, child.calls, child.note)
                )
                walk(child, depth + 1)

        walk(self.root, 0)
        return out


def breakdown(argv: list[str]) -> list[tuple[int, str, float, float, int, str]]:
    command = argv[0]
    tree = Tree()
    with tree.timed("module imports"):
        for module in IMPORT_STEPS.get(command, ()):
            with tree.timed(f"import {module}"):
                importlib.import_module(module)
    targets = COMMON_TARGETS + (IMPORT_TARGETS if command == "import" else INFO_TARGETS)
    missing = [label for label, target in targets if not tree.wrap(label, target)]
    tree.watch_sqlalchemy()
    from plrdesk.__main__ import main

    with tree.timed(f"plrdesk {command}: main()"):
        code = main(argv)
    if code != 0:
        raise SystemExit(f"plrdesk {' '.join(argv)} exited {code}")
    rows = tree.rows()
    rows += [
        (0, f"(not timed: {label} is not in this version)", 0.0, 0.0, 0, "") for label in missing
    ]
    return rows


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    result = breakdown(sys.argv[2:])
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        json.dump(result, handle)
