"""Cross-record checks of a study document, against itself and the study it goes into.

A `ref` may point at a record in the same file or one the study already holds (adding
notes to an existing study). Each fault names its JSON path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from plrdesk.domain.kinds import ParticipantKind
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.interchange.schema import StudyDocument


@dataclass
class KnownRecords:
    """What the target study already holds, by ref."""

    participants: dict[str, ParticipantKind] = field(default_factory=dict)
    consents: set[str] = field(default_factory=set)
    sessions: dict[str, set[str]] = field(default_factory=dict)  # ref -> participant refs
    entries: dict[str, str | None] = field(default_factory=dict)  # ref -> text
    themes: dict[str, str | None] = field(default_factory=dict)  # ref -> parent ref


def check(doc: StudyDocument, known: KnownRecords, *, merge: bool, source: str) -> None:
    """Raise InvalidDocument at the first broken reference or clash with existing records."""

    def fail(path: str, message: str) -> None:
        raise InvalidDocument(source, path, message)

    def unique(items: Iterable[str], list_path: str, existing: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        existing_set = set(existing)
        for index, ref in enumerate(items):
            if ref in seen:
                fail(f"{list_path}[{index}].ref", f"ref {ref!r} is used twice")
            if ref in existing_set and not merge:
                fail(
                    f"{list_path}[{index}].ref",
                    f"the study already has {what} {ref!r} (use --merge to update it)",
                )
            seen.add(ref)

    unique((p.ref for p in doc.participants), "participants", known.participants, "participant")
    unique((c.ref for c in doc.consents), "consents", known.consents, "consent")
    unique((s.ref for s in doc.sessions), "sessions", known.sessions, "session")
    unique((t.ref for t in doc.themes), "themes", known.themes, "theme")
    entry_refs = [
        (i, j, e.ref) for i, s in enumerate(doc.sessions) for j, e in enumerate(s.entries)
    ]
    seen_entries: set[str] = set()
    for i, j, ref in entry_refs:
        if ref in seen_entries:
            fail(f"sessions[{i}].entries[{j}].ref", f"ref {ref!r} is used twice")
        if ref in known.entries and not merge:
            fail(
                f"sessions[{i}].entries[{j}].ref",
                f"the study already has entry {ref!r} (use --merge to update it)",
            )
        seen_entries.add(ref)

    kinds = dict(known.participants) | {p.ref: p.kind for p in doc.participants}
    for i, p in enumerate(doc.participants):
        for j, guardian in enumerate(p.guardians):
            if guardian not in kinds:
                fail(f"participants[{i}].guardians[{j}]", f"no participant {guardian!r}")
            if guardian == p.ref:
                fail(
                    f"participants[{i}].guardians[{j}]",
                    "a participant cannot be their own guardian",
                )

    for i, c in enumerate(doc.consents):
        if c.participant not in kinds:
            fail(f"consents[{i}].participant", f"no participant {c.participant!r}")
        if c.on_behalf_of is not None:
            if c.on_behalf_of not in kinds:
                fail(f"consents[{i}].on_behalf_of", f"no participant {c.on_behalf_of!r}")
            if kinds[c.on_behalf_of] != ParticipantKind.CHILD:
                fail(f"consents[{i}].on_behalf_of", f"{c.on_behalf_of!r} is not a child")

    texts = dict(known.entries)
    for i, s in enumerate(doc.sessions):
        members = set(known.sessions.get(s.ref, set())) | set(s.participants)
        for j, ref in enumerate(s.participants):
            if ref not in kinds:
                fail(f"sessions[{i}].participants[{j}]", f"no participant {ref!r}")
        for j, e in enumerate(s.entries):
            if e.speaker is not None and e.speaker not in members:
                fail(
                    f"sessions[{i}].entries[{j}].speaker",
                    f"{e.speaker!r} is not a participant of session {s.ref!r}",
                )
            texts[e.ref] = e.text

    parents = dict(known.themes) | {t.ref: t.parent for t in doc.themes}
    for i, t in enumerate(doc.themes):
        if t.parent is not None and t.parent not in parents:
            fail(f"themes[{i}].parent", f"no theme {t.parent!r}")
        seen_chain = {t.ref}
        parent = t.parent
        while parent is not None:
            if parent in seen_chain:
                fail(f"themes[{i}].parent", "themes cannot be nested in a circle")
            seen_chain.add(parent)
            parent = parents.get(parent)

    for i, coding in enumerate(doc.codings):
        if coding.entry not in texts:
            fail(f"codings[{i}].entry", f"no entry {coding.entry!r}")
        if coding.theme not in parents:
            fail(f"codings[{i}].theme", f"no theme {coding.theme!r}")
        text = texts[coding.entry]
        if coding.end is not None:
            if text is None:
                fail(f"codings[{i}].end", f"entry {coding.entry!r} has no text to code a span of")
            elif coding.end > len(text):
                fail(
                    f"codings[{i}].end",
                    f"{coding.end} is past the end of entry {coding.entry!r}"
                    f" ({len(text)} characters)",
                )
