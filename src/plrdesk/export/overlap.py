"""Words of an excluded entry repeated in an entry that would leave, found and held back.

The export leaves out a withdrawn participant's entries, entries flagged for safeguarding,
the entries of those admitted by a consent override (unless they are counted) and whole
sessions it does not count (everyone in them out, or a declined call). Their words still
leave when someone else's note repeats them: a practitioner writing down what the
withdrawn child said, a parent repeating a disclosure. So every entry that would leave
(one with a passage bound for a quote, an extract or a QDPX source) is compared with
every excluded entry, and one that shares `WINDOW` (8) or more words in a row is held
back: none of its passages leaves, until the researcher releases it in Prepare export.

Words are compared normalised: NFKC, case-folded, punctuation and zero-width characters
ignored, an apostrophe inside a word dropped ("Don't" and "dont" are one word). The
comparison is shingle hashing, not pairwise: every run of eight words of the excluded
entries goes into one dict, then each leaving entry's runs are looked up in it, so the
cost grows with the words read, not with (leaving x excluded) pairs.

The unit held back is the entry, not the coded span: a QDPX source carries the whole
entry, so a span that misses the repeated words would still take them out with it. The
held-back passages still count in every figure (the participant did raise the theme);
only their words stay in. The decision is kept as review decisions are
(`RedactionDecision`, layer `HELD_BACK`), under the entry's id and a digest of the words it
repeats: the same words repeated are not asked about again; new ones are.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.engine import REJECT
from plrdesk.domain import models as m
from plrdesk.domain.passages import Passage
from plrdesk.services.review_rules import HELD_BACK, HELD_BACK_RULE

WINDOW = 8  # words in a row that make a repeat
RULE = HELD_BACK_RULE  # the rule named in Prepare export's review list
EXCLUDED_HELD_BACK = "repeats the words of an excluded entry"

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# A word: letters or digits, with zero-width characters and inner apostrophes inside it.
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_INVISIBLE}]|['’](?=[^\W_]))*")
_DROP = str.maketrans("", "", _INVISIBLE + "'’")
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # _WORD's words in ASCII text, apostrophes gone


class EntryRow(Protocol):
    """What is read of an entry (export.passages.SessionEntry; not imported, as the
    summary model that imports this module is imported by that one)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def speaker_ref(self) -> str | None: ...
    @property
    def safeguarding_flagged_at(self) -> object: ...
    @property
    def text(self) -> str | None: ...


@dataclass(frozen=True)
class Word:
    text: str  # normalised
    start: int
    end: int  # in the text it was read from


def words(text: str) -> list[Word]:
    """The normalised words of `text`, with where each stands in it."""
    found = list(_WORD.finditer(text))
    return [Word(t, *w.span()) for t, w in zip(_normalised(found), found, strict=True)]


def _tokens(text: str) -> list[str]:
    """The normalised words of `text` alone, as `words` gives them. ASCII text (most notes)
    is lower-cased and split once, a third of the time of reading it word by word."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower().replace("'", ""))
    return _normalised(_WORD.finditer(text))


def _normalised(found: Iterable[re.Match[str]]) -> list[str]:
    # Plain ASCII words (most) skip NFKC: a fifth of the time of normalising each one.
    out = []
    for match in found:
        w = match.group()
        if w.isascii():
            out.append(w.lower().replace("'", "") if "'" in w else w.lower())
        else:
            out.append(unicodedata.normalize("NFKC", w.translate(_DROP)).casefold())
    return out


@dataclass(frozen=True)
class Repeat:
    """A run of words in a leaving entry that stands, in the same order, in excluded ones."""

    start: int
    end: int  # the characters of the leaving entry's text
    words: int
    excluded: tuple[str, ...]  # the refs of the excluded entries it repeats
    said: str  # the repeated words, normalised (for the decision's digest)


class ShingleIndex:
    """Every `WINDOW`-word run of the excluded texts, with the entry it came from."""

    def __init__(self, window: int = WINDOW) -> None:
        self.window = window
        self._runs: dict[tuple[str, ...], str] = {}

    def __len__(self) -> int:
        return len(self._runs)

    def add(self, ref: str, text: str) -> None:
        for run in self._shingles(_tokens(text)):
            self._runs.setdefault(run, ref)

    def repeats(self, text: str) -> list[Repeat]:
        """The runs of `text` found in the index, longest first (then in text order):
        consecutive matching windows are one run, its words counted once."""
        get = self._runs.get
        hits = [get(s) for s in self._shingles(_tokens(text))]
        if not any(hits):
            return []
        found = list(_WORD.finditer(text))  # where the words stand: only for a repeat
        tokens = _normalised(found)
        runs: list[Repeat] = []
        first, refs = -1, list[str]()
        for i, ref in enumerate([*hits, None]):
            if ref is not None:
                if first < 0:
                    first, refs = i, []
                if ref not in refs:
                    refs.append(ref)
            elif first >= 0:
                last = i - 1 + self.window - 1  # the run's last word
                said = " ".join(tokens[first : last + 1])
                start, end = found[first].start(), found[last].end()
                runs.append(Repeat(start, end, last - first + 1, tuple(refs), said))
                first = -1
        return sorted(runs, key=lambda r: (-r.words, r.start))

    def _shingles(self, tokens: list[str]) -> Iterable[tuple[str, ...]]:
        # zip over shifted lists makes the tuples in C: a third of the time of slicing.
        return zip(*(tokens[k:] for k in range(self.window)), strict=False)


@dataclass(frozen=True)
class HeldBack:
    """An entry that would leave but repeats an excluded entry's words. `text` is its text
    as written, for the review screen in the encrypted study's app: never exported."""

    entry_id: uuid.UUID
    entry_ref: str
    speaker_ref: str | None
    session_ref: str
    text: str
    repeats: tuple[Repeat, ...]  # longest first
    key: str  # the decision's key (`decision_key`)
    released: bool = False  # the researcher let it leave as it is

    @property
    def start(self) -> int:
        return self.repeats[0].start

    @property
    def end(self) -> int:
        return self.repeats[0].end

    @property
    def rule(self) -> str:
        return RULE

    @property
    def reason(self) -> str:
        """ "repeats 9 words of an excluded entry E12" (and any others it repeats)."""
        longest = self.repeats[0]
        refs = list(dict.fromkeys(ref for r in self.repeats for ref in r.excluded))
        of = (
            f"an excluded entry {refs[0]}"
            if len(refs) == 1
            else f"excluded entries {', '.join(refs)}"
        )
        return f"repeats {longest.words} words of {of}"


def decision_key(entry_id: uuid.UUID, repeats: Iterable[Repeat]) -> str:
    """The entry's id and a digest of the words it repeats: a release holds while the same
    words are repeated, and a new repeat is asked about again."""
    said = "\n".join(sorted({r.said for r in repeats}))
    return f"{entry_id} {hashlib.sha256(said.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class Holding:
    """The passages as the export may use them, and every entry found repeating."""

    passages: list[Passage]
    found: list[HeldBack]

    @property
    def held(self) -> list[HeldBack]:
        return [h for h in self.found if not h.released]

    def notes(self) -> list[str]:
        """For the export's report (never written to a file): what was held back, by entry
        ref and number of words, never the words."""
        notes = []
        if held := self.held:
            n = len(held)
            notes.append(
                f"{n} {'entry' if n == 1 else 'entries'} held back, in no quote, extract or"
                f" source, for repeating an excluded entry's words"
                f" ({'; '.join(f'{h.entry_ref} {h.reason}' for h in held)}):"
                " run Prepare export in the app to review"
            )
        if released := [h for h in self.found if h.released]:
            refs = ", ".join(h.entry_ref for h in released)
            notes.append(
                f"released by the researcher, though they repeat an excluded entry: {refs}"
            )
        return notes


def hold_back(
    db: Session,
    passages: Sequence[Passage],
    entries: Mapping[uuid.UUID, Sequence[EntryRow]],
    counted_sessions: Iterable[m.StudySession],
    out: Collection[str],
    window: int = WINDOW,
) -> Holding:
    """Find the leaving entries of `passages` that repeat an excluded entry, and hold those
    not released back. `entries` are all the study's (export.passages.read_entries),
    `counted_sessions` those the export counts, `out` the refs it leaves out."""
    counted = {s.id for s in counted_sessions}
    # Every entry of a session the export does not count is out, whoever said it.
    uncounted = {e.id for sid, rows in entries.items() if sid not in counted for e in rows}
    leaving: dict[uuid.UUID, Passage] = {}
    for p in passages:
        # As export.passages lets them out: a participant's quotable passage, or a group
        # line of a counted session (in its QDPX source).
        if (
            p.excluded is None
            and p.entry_text
            and (p.may_quote if p.speaker_ref is not None else p.entry_id not in uncounted)
        ):
            leaving.setdefault(p.entry_id, p)
    excluded = [
        e
        for rows in entries.values()
        for e in rows
        if (
            e.safeguarding_flagged_at is not None
            or (e.speaker_ref is not None and e.speaker_ref in out)
            or e.id in uncounted
        )
        and e.text
        and e.id not in leaving  # what does leave is not excluded, whatever its session
    ]
    if not excluded or not leaving:
        return Holding(list(passages), [])
    index = ShingleIndex(window)
    for e in excluded:
        index.add(str(e.id), e.text or "")
    found: dict[uuid.UUID, list[Repeat]] = {}
    for entry_id, p in leaving.items():
        if repeats := index.repeats(p.entry_text):
            found[entry_id] = repeats
    if not found:
        return Holding(list(passages), [])
    # Found by id; said by ref, read for the few entries repeated only.
    refs = _refs(db, {uuid.UUID(i) for r in found.values() for rep in r for i in rep.excluded})
    decisions = {
        key: decision
        for key, decision in db.execute(
            select(m.RedactionDecision.folded, m.RedactionDecision.decision).where(
                m.RedactionDecision.layer == HELD_BACK
            )
        )
    }
    holding = []
    for entry_id, repeats in found.items():
        p = leaving[entry_id]
        repeats = [
            dataclasses.replace(r, excluded=tuple(refs.get(i, i) for i in r.excluded))
            for r in repeats
        ]
        key = decision_key(entry_id, repeats)
        holding.append(
            HeldBack(
                entry_id,
                p.entry_ref,
                p.speaker_ref,
                p.session_ref,
                p.entry_text,
                tuple(repeats),
                key,
                decisions.get(key) == REJECT,
            )
        )
    holding.sort(key=lambda h: leaving[h.entry_id].entry_position)
    held = {h.entry_id for h in holding if not h.released}
    return Holding([_held(p) if p.entry_id in held else p for p in passages], holding)


def _refs(db: Session, ids: set[uuid.UUID]) -> dict[str, str]:
    """str(entry id) -> its ref, a few hundred ids to a query (SQLite's limit on them)."""
    listed, refs = sorted(ids), {}
    for at in range(0, len(listed), 500):
        chunk = listed[at : at + 500]
        for entry_id, ref in db.execute(
            select(m.Entry.id, m.Entry.ref).where(m.Entry.id.in_(chunk))
        ):
            refs[str(entry_id)] = ref
    return refs


def _held(p: Passage) -> Passage:
    """The passage as one that does not leave but still counts: a participant's loses the
    quote permission for this export; a group line (it counts no one) is excluded."""
    if p.speaker_ref is None:
        return dataclasses.replace(p, excluded=EXCLUDED_HELD_BACK)
    return dataclasses.replace(p, may_quote=False)
