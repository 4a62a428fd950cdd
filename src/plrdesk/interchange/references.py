"""Cross-record checks of a study document, against itself and the study it goes into.

A `ref` may point at a record in the same file or one the study already holds (adding
notes to an existing study). Each fault names its JSON path.

Duplicates that would break a unique constraint are caught here, before any write, so a
faulty file is reported as the file's fault (exit 5, with its path) and never looks like a
damaged study. A list that repeats a member, guardian or identifier is refused within one
file (it is a slip, and in a new session it cannot be stored); repeating under --merge what
the study already holds is not a fault: members are united, guardians replaced and
identifiers matched by text, so it changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

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
    entry_sessions: dict[str, str] = field(default_factory=dict)  # entry ref -> session ref
    # consent ref -> (who signed, on whose behalf), in the study's order
    consent_people: dict[str, tuple[str, str | None]] = field(default_factory=dict)


class FormLookup(Protocol):
    """What the checks need to know of the study's forms (plrdesk.forms.catalog.FormCatalog)."""

    def guide_questions(self, form_id: str) -> set[str] | None: ...

    def form_items(self, form_id: str, version: str) -> set[str] | None: ...

    def versions(self, form_id: str) -> list[str]: ...


def check(
    doc: StudyDocument,
    known: KnownRecords,
    *,
    merge: bool,
    source: str,
    forms: FormLookup | None = None,
) -> None:
    """Raise InvalidDocument at the first broken reference or clash with existing records.

    With `forms`, also check each session's guide and question ids, and each consent's form,
    version and answer keys against the forms the study can use.
    """

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
        (i, j, e.ref, s.ref) for i, s in enumerate(doc.sessions) for j, e in enumerate(s.entries)
    ]
    seen_entries: set[str] = set()
    for i, j, ref, session_ref in entry_refs:
        if ref in seen_entries:
            fail(f"sessions[{i}].entries[{j}].ref", f"ref {ref!r} is used twice")
        if ref in known.entries and not merge:
            fail(
                f"sessions[{i}].entries[{j}].ref",
                f"the study already has entry {ref!r} (use --merge to update it)",
            )
        stored_in = known.entry_sessions.get(ref, session_ref)
        if stored_in != session_ref:
            # A new session would insert a second row with this ref, an existing one would
            # update an entry it does not hold: say so instead.
            fail(
                f"sessions[{i}].entries[{j}].ref",
                f"entry {ref!r} belongs to session {stored_in!r};"
                f" an import cannot move it to {session_ref!r}",
            )
        seen_entries.add(ref)

    texts_seen: dict[str, int] = {}
    for i, identifier in enumerate(doc.identifiers):
        first = texts_seen.setdefault(identifier.text, i)
        if first != i:  # the message names where, never the identifying text itself
            fail(
                f"identifiers[{i}].text",
                f"the same text as identifiers[{first}] (list it once, with all its aliases)",
            )

    kinds = dict(known.participants) | {p.ref: p.kind for p in doc.participants}
    for i, p in enumerate(doc.participants):
        guardians: set[str] = set()
        for j, guardian in enumerate(p.guardians):
            if guardian not in kinds:
                fail(f"participants[{i}].guardians[{j}]", f"no participant {guardian!r}")
            if guardian == p.ref:
                fail(
                    f"participants[{i}].guardians[{j}]",
                    "a participant cannot be their own guardian",
                )
            if guardian in guardians:
                fail(f"participants[{i}].guardians[{j}]", f"guardian {guardian!r} is listed twice")
            guardians.add(guardian)

    _check_kind_changes(doc, known, fail)

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
        listed: set[str] = set()
        for j, ref in enumerate(s.participants):
            if ref not in kinds:
                fail(f"sessions[{i}].participants[{j}]", f"no participant {ref!r}")
            if ref in listed:
                fail(f"sessions[{i}].participants[{j}]", f"participant {ref!r} is listed twice")
            listed.add(ref)
        for j, e in enumerate(s.entries):
            if e.speaker is not None and e.speaker not in members:
                fail(
                    f"sessions[{i}].entries[{j}].speaker",
                    f"{e.speaker!r} is not a participant of session {s.ref!r}",
                )
            texts[e.ref] = e.text

    if forms is not None:
        _check_forms(doc, forms, fail)

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


def _check_kind_changes(
    doc: StudyDocument, known: KnownRecords, fail: Callable[[str, str], None]
) -> None:
    """Refuse to turn a stored child into another kind while any consent speaks for them.

    A child holds a permission only when a guardian's consent on their behalf and their own
    assent both grant it; as anyone else their own consent alone would, so the assent's
    "no"-wins reading and the guardian's consent would silently stop applying. A consent
    speaks for the person it is on behalf of, or else for the one who gave it; the file's
    consents replace the stored ones of the same ref (a merge may point one elsewhere).
    """
    subjects = {ref: behalf or giver for ref, (giver, behalf) in known.consent_people.items()}
    subjects |= {c.ref: c.on_behalf_of or c.participant for c in doc.consents}
    for i, p in enumerate(doc.participants):
        if (
            known.participants.get(p.ref) != ParticipantKind.CHILD
            or p.kind == ParticipantKind.CHILD
        ):
            continue
        speaking = [ref for ref, subject in subjects.items() if subject == p.ref]
        if speaking:
            which = (
                f"consents {', '.join(speaking)} speak"
                if len(speaking) > 1
                else f"consent {speaking[0]} speaks"
            )
            fail(
                f"participants[{i}].kind",
                f"{p.ref!r} is a child and {which} for them as a child;"
                f" their kind cannot become {p.kind.value!r} while a consent speaks for them",
            )


def _check_forms(doc: StudyDocument, forms: FormLookup, fail: Callable[[str, str], None]) -> None:
    for i, s in enumerate(doc.sessions):
        if s.guide is None:
            continue
        questions = forms.guide_questions(s.guide)
        if questions is None:
            fail(f"sessions[{i}].guide", f"no interview or focus-group guide {s.guide!r}")
            continue
        for j, e in enumerate(s.entries):
            if e.question is not None and e.question not in questions:
                fail(
                    f"sessions[{i}].entries[{j}].question",
                    f"guide {s.guide!r} has no question {e.question!r}",
                )
    for i, c in enumerate(doc.consents):
        versions = forms.versions(c.form)
        if not versions:
            fail(f"consents[{i}].form", f"no form {c.form!r}")
        items = forms.form_items(c.form, c.form_version)
        if items is None:
            fail(
                f"consents[{i}].form_version",
                f"form {c.form!r} has no version {c.form_version!r} (known: {', '.join(versions)})",
            )
            continue
        for key in c.answers:
            if key not in items:
                fail(f"consents[{i}].answers.{key}", f"form {c.form!r} has no item {key!r}")
