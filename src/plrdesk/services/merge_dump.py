"""Merge conflict copies in study-json-v1 (extension `entries[].conflict`, docs/formats.md):
an entry that is another copy's version of entry `of`, from `source` (which copy, when).

`{"ref": "E95", ..., "conflict": {"of": "E3", "source": "laptop-b.plr, merged 2026-11-27"}}`
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.interchange.schema import StudyDocument

JsonObject = dict[str, object]


def conflict_marker(entry: m.Entry) -> JsonObject | None:
    """The dump's `conflict` object of `entry`, or None when it is no conflict copy."""
    original = entry.conflict_of
    if original is None:
        return None
    return {"of": original.ref, "source": entry.conflict_from or "another copy"}


def check_conflicts(db: Session, doc: StudyDocument, *, source: str) -> None:
    """Before an import writes anything: each `conflict.of` names an entry (of the file, or
    of the study when merging into it), and not the entry itself."""
    refs = {e.ref for s in doc.sessions for e in s.entries}
    known: set[str] | None = None
    for i, session in enumerate(doc.sessions):
        for j, item in enumerate(session.entries):
            if item.conflict is None:
                continue
            where = f"sessions[{i}].entries[{j}].conflict.of"
            if item.conflict.of == item.ref:
                raise InvalidDocument(source, where, "an entry cannot be a conflict copy of itself")
            if item.conflict.of in refs:
                continue
            known = known if known is not None else set(db.scalars(select(m.Entry.ref)))
            if item.conflict.of not in known:
                raise InvalidDocument(source, where, f"no entry has ref {item.conflict.of!r}")


def restore_conflicts(db: Session, doc: StudyDocument) -> None:
    """After an import wrote the entries: mark the conflict copies it holds."""
    db.flush()
    for session in doc.sessions:
        for item in session.entries:
            if item.conflict is None:
                continue
            original = db.scalar(select(m.Entry.id).where(m.Entry.ref == item.conflict.of))
            db.execute(
                update(m.Entry)
                .where(m.Entry.ref == item.ref)
                .values(conflict_of_id=original, conflict_from=item.conflict.source)
            )
