"""A merge's first look at a table: each record's key, revision and a digest of its contents,
read as raw SQL text (no type conversion), so the tens of thousands of records two copies
share unchanged cost one string comparison each; only the records that differ are then
read whole, typed, through SQLAlchemy Core."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, select, text, tuple_
from sqlalchemy.orm import Session

from plrdesk.services.merge_tables import Spec

Row = dict[str, Any]
CHUNK = 500  # ids per IN (...) when reading whole rows


@dataclass(frozen=True, slots=True)
class Light:
    """One record as the first look sees it (raw values: ids as 32 hex digits)."""

    rev: str | None
    revs_json: str | None
    digest: str | None
    ref: str | None
    group: str | None
    position: int | None
    natural: tuple[Any, ...]

    def revs(self) -> list[str]:
        return list(json.loads(self.revs_json)) if self.revs_json else []


def _key_sql(spec: Spec) -> str:
    return " || ':' || ".join(f'"{c}"' for c in spec.key)


def _quoted(spec: Spec, column: str) -> str:
    # A JSON column holds SQL NULL or JSON 'null' for None, as the writer had it: the same.
    if isinstance(spec.table.c[column].type, JSON):
        return f"quote(nullif(\"{column}\", 'null'))"
    return f'quote("{column}")'


def light_index(db: Session, spec: Spec) -> dict[str, Light]:
    """Every record of the table by key (as tombstones spell it)."""
    names = {c.name for c in spec.table.columns}
    digest = " || '|' || ".join(_quoted(spec, c) for c in spec.compared()) or "NULL"
    parts = [
        _key_sql(spec),
        "rev" if spec.revisioned else "NULL",
        "revs" if spec.revisioned else "NULL",
        digest if spec.revisioned else "NULL",
        "ref" if spec.has_ref else "NULL",
        f'"{spec.group}"' if spec.group else "NULL",
        "position" if "position" in names else "NULL",
        *(f'"{c}"' for c in spec.natural),
    ]
    sql = f'SELECT {", ".join(parts)} FROM "{spec.table.name}"'
    return {
        row[0]: Light(row[1], row[2], row[3], row[4], row[5], row[6], tuple(row[7:]))
        for row in db.execute(text(sql))
    }


def raw(value: Any) -> Any:
    """A typed value as the light index holds it (a UUID as its hex digits)."""
    return value.hex if isinstance(value, uuid.UUID) else value


def whole_rows(db: Session, spec: Spec, keys: Iterable[str]) -> dict[str, Row]:
    """The records with these keys, every column typed, by key."""
    wanted = sorted(keys)
    found: dict[str, Row] = {}
    columns = [spec.table.c[c] for c in spec.key]
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        ids = [tuple(uuid.UUID(part) for part in key.split(":")) for key in chunk]
        where = (
            columns[0].in_([i[0] for i in ids]) if len(columns) == 1 else tuple_(*columns).in_(ids)
        )
        for mapping in db.execute(select(spec.table).where(where)).mappings():
            row = dict(mapping)
            found[spec.key_of(row)] = row
    return found
