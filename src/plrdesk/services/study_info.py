"""A short description of a study for `plrdesk info`: title and counts. Names no one.

Written against the plain DB-API connection rather than the ORM: `info` is the command a
researcher runs to check a file, and it must start in about the time the key derivation
takes (SQLAlchemy alone would add twice that in imports).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _by_kind(conn: Any, table: str) -> dict[str, int]:
    rows = conn.execute(f"SELECT kind, count(*) FROM {table} GROUP BY kind").fetchall()
    return {str(kind): int(n) for kind, n in rows}


def _one(conn: Any, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def summarise(conn: Any, path: Path) -> list[str]:
    """Lines describing the study held by the DB-API connection `conn`."""
    title = conn.execute("SELECT title FROM study").fetchone()[0]
    people = _by_kind(conn, "participant")
    sessions = _by_kind(conn, "session")
    withdrawn = _one(conn, "SELECT count(*) FROM participant WHERE withdrawn_on IS NOT NULL")
    entries = _one(conn, "SELECT count(*) FROM entry")
    flagged = _one(conn, "SELECT count(*) FROM entry WHERE safeguarding_flagged_at IS NOT NULL")
    themes = _one(conn, "SELECT count(*) FROM theme")
    codings = _one(conn, "SELECT count(*) FROM coding")
    per_version = conn.execute(
        "SELECT form, form_version, count(*) FROM consent GROUP BY form, form_version"
        " ORDER BY form, form_version"
    ).fetchall()

    def listing(counts: dict[str, int]) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"

    consents = ", ".join(f"{form} v{version}: {n}" for form, version, n in per_version)
    return [
        f"study:        {title}",
        f"file:         {path}",
        f"participants: {listing(people)} ({withdrawn} withdrawn)",
        f"sessions:     {listing(sessions)}",
        f"entries:      {entries} ({flagged} flagged for safeguarding)",
        f"themes:       {themes}, codings: {codings}",
        f"consents:     {consents or 'none'}",
    ]
