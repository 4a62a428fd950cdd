"""Dump a study to the interchange format (study-json-v1).

The output is canonical: lists in recorded order, optional keys left out when they are
empty, false or null. So dump -> import -> dump gives the same JSON.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.interchange.errors import Loc, json_path
from plrdesk.services.merge_dump import conflict_marker

JsonObject = dict[str, Any]


class UnwritableValue(ValueError):
    """The study holds a value that JSON has no way to write (NaN or infinity)."""


def dump_text(document: JsonObject) -> str:
    """The text of a dump file: strict JSON, which `import` (and any JSON reader) accepts.

    json.dumps would write NaN and Infinity, which are not JSON; a study imported before
    import refused them may still hold one in an attribute or answer."""
    try:
        return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError:
        found = next(_non_finite(document, ()), None)
        if found is None:
            raise
        where, value = found
        raise UnwritableValue(
            f"{where}: {json.dumps(value)} cannot be written as JSON;"
            " change it in the study and dump again"
        ) from None


def _non_finite(value: Any, loc: Loc) -> Iterator[tuple[str, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield json_path(loc), value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _non_finite(item, (*loc, i))


def moment(value: dt.datetime) -> str:
    """ISO 8601 with the offset as written, UTC as `Z`."""
    text = value.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _compact(obj: JsonObject, *required: str) -> JsonObject:
    """Drop optional keys whose value is None, False or empty."""
    return {
        key: value
        for key, value in obj.items()
        if key in required or not (value is None or value is False or value == [] or value == {})
    }


def dump_document(db: Session) -> JsonObject:
    study = db.scalars(select(m.Study)).one()
    endorsement = (
        _compact(
            {
                "by": study.endorsed_by,
                "role": study.endorser_role,
                "on": study.endorsed_on.isoformat() if study.endorsed_on else None,
                "notes": study.endorsement_notes,
            }
        )
        if study.endorsed_by
        else None
    )
    study_block = _compact(
        {
            "title": study.title,
            "researcher": study.researcher,
            "organisation": study.organisation,
            "contact": study.other_contact,  # the free line; phone and e-mail apart
            "phone": study.phone,
            "email": study.email,
            "ethics_reference": study.ethics_reference,
            "aims": list(study.aims),
            "endorsement": endorsement,
        },
        "title",
    )
    doc: JsonObject = {"format": "plrdesk-study", "version": 1, "study": study_block}
    doc["identifiers"] = [
        _compact({"text": i.text, "kind": i.kind, "aliases": list(i.aliases)}, "text", "kind")
        for i in db.scalars(select(m.Identifier).order_by(m.Identifier.position))
    ]
    doc["participants"] = [
        _participant(p)
        for p in db.scalars(
            select(m.Participant)
            .order_by(m.Participant.position)
            .options(
                selectinload(m.Participant.guardian_links).selectinload(m.Guardianship.guardian)
            )
        )
    ]
    doc["consents"] = [
        _consent(c)
        for c in db.scalars(
            select(m.Consent)
            .order_by(m.Consent.position)
            .options(selectinload(m.Consent.participant), selectinload(m.Consent.on_behalf_of))
        )
    ]
    sessions = db.scalars(
        select(m.StudySession)
        .order_by(m.StudySession.position)
        .options(
            selectinload(m.StudySession.members).selectinload(m.SessionMember.participant),
            selectinload(m.StudySession.call_attempts),
            selectinload(m.StudySession.entries).selectinload(m.Entry.speaker),
        )
    )
    doc["sessions"] = [_session(s) for s in sessions]
    themes = list(db.scalars(select(m.Theme).order_by(m.Theme.position)))
    refs = {t.id: t.ref for t in themes}
    doc["themes"] = [
        _compact(
            {
                "ref": t.ref,
                "name": t.name,
                "description": t.description,
                "parent": refs.get(t.parent_id) if t.parent_id else None,
                "colour": t.colour,
            },
            "ref",
            "name",
        )
        for t in themes
    ]
    entry_refs: dict[uuid.UUID, str] = {
        i: r for i, r in db.execute(select(m.Entry.id, m.Entry.ref))
    }
    doc["codings"] = [
        _compact(
            {
                "entry": entry_refs[c.entry_id],
                "theme": refs[c.theme_id],
                "start": c.start,
                "end": c.end,
                "memo": c.memo,
                "exemplar": c.exemplar,
                "coder": c.coder,  # absent: the study's researcher
            },
            "entry",
            "theme",
            *(("start", "end") if c.start is not None else ()),
        )
        for c in db.scalars(select(m.Coding).order_by(m.Coding.position))
    ]
    settings = {
        s.kind: _compact(
            {"descriptor_attributes": list(s.descriptor_attributes), "allow_unique": s.allow_unique}
        )
        for s in db.scalars(select(m.ExportSetting).order_by(m.ExportSetting.kind))
    }
    doc["export_settings"] = settings
    return _compact(doc, "format", "version", "study")


def _participant(p: m.Participant) -> JsonObject:
    return _compact(
        {
            "ref": p.ref,
            "kind": p.kind,
            "name": p.name,
            "contact": p.contact,
            "attributes": dict(p.attributes),
            "guardians": [g.ref for g in p.guardians],
            "withdrawn_on": p.withdrawn_on.isoformat() if p.withdrawn_on else None,
            "withdrawal_reason": p.withdrawal_reason,
        },
        "ref",
        "kind",
        "name",
    )


def _png(data: bytes | None) -> JsonObject | None:
    return {"media_type": "image/png", "data": _b64(data)} if data else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _consent(c: m.Consent) -> JsonObject:
    scan = (
        {"media_type": c.scan_media_type, "data": _b64(c.scan_image)}
        if c.scan_image and c.scan_media_type
        else None
    )
    confirmations = {
        key: moment(dt.datetime.fromisoformat(at)) for key, at in (c.confirmations or {}).items()
    }
    return _compact(
        {
            "ref": c.ref,
            "participant": c.participant.ref,
            "on_behalf_of": c.on_behalf_of.ref if c.on_behalf_of else None,
            "form": c.form,
            "form_version": c.form_version,
            "method": c.method,
            "given_on": c.given_on.isoformat(),
            "answers": dict(c.answers),
            "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            "signature": _png(c.signature_png),
            "second_signature": _png(c.second_signature_png),
            "scan": scan,
            "confirmations": confirmations,
            "recorded_by": c.recorded_by,
        },
        "ref",
        "participant",
        "form",
        "form_version",
        "method",
        "given_on",
        "answers",
    )


def _session(s: m.StudySession) -> JsonObject:
    return _compact(
        {
            "ref": s.ref,
            "kind": s.kind,
            "guide": s.guide,
            "participants": [p.ref for p in s.participants],
            "started_at": moment(s.started_at) if s.started_at else None,
            "ended_at": moment(s.ended_at) if s.ended_at else None,
            "call_attempts": [
                _compact(
                    {
                        "at": moment(a.at),
                        "outcome": a.outcome,
                        "minutes": a.minutes,
                        "note": a.note,
                    },
                    "at",
                    "outcome",
                )
                for a in s.call_attempts
            ],
            "entries": [_entry(e) for e in s.entries],
        },
        "ref",
        "kind",
    )


def _entry(e: m.Entry) -> JsonObject:
    safeguarding = (
        {"flagged_at": moment(e.safeguarding_flagged_at), "action": e.safeguarding_action}
        if e.safeguarding_flagged_at
        else None
    )
    return _compact(
        {
            "ref": e.ref,
            "question": e.question,
            "speaker": e.speaker.ref if e.speaker else None,
            "text": e.text,
            "verbatim": e.verbatim,
            "show_of_hands": dict(e.show_of_hands) if e.show_of_hands is not None else None,
            "at": moment(e.at) if e.at else None,
            "safeguarding": safeguarding,
            "follow_up": e.follow_up,
            "conflict": conflict_marker(e),  # a merge conflict copy (services/merge_dump.py)
        },
        "ref",
        *(("show_of_hands",) if e.show_of_hands is not None else ()),
    )
