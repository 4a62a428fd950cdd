"""Column types that SQLite lacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware moment, stored as ISO 8601 text with its offset.

    SQLAlchemy's SQLite DateTime drops the offset; a note typed at 10:00 in a
    British summer must not come back an hour out, so the offset is kept as written.
    Naive datetimes are refused rather than guessed.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a moment must carry its time zone")
        return value.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(str(value))
