"""Prepare export: every redaction the export would make, shown in context for the
researcher to accept or reject, and the review saved in the study for the next export.

`proposed_redactions` runs the export's own summary builder once, dry (nothing is
written), with the study's anonymiser wrapped so that every text the export would send
is seen: the study's title and aims, theme names and descriptions, the entries that
quotes and QDPX sources come from, descriptors, question labels, guide titles and ids.
What the anonymiser did to them is grouped by (folded text, layer, label), the key a
review decision is stored under (`anonymise.decisions`), with each occurrence's context.
The descriptor warnings come from the same dry build.

The builder is handed in (`build`, in practice `plrdesk.export.build.build_summary`)
because services sit below export in the layers contract: the export counts with
services, so services may not import it back.

A rejected proposal is still listed (its decision shown as Keep) so it can be changed
back: when the study has decisions, each text is also redacted without them, and the
redactions a `reject` removed are listed from that pass.

`made_redactions` counts what the anonymiser did to those texts, by label: the figure the
review shows and the one the export's report gives (the export counts its own texts with
this function), so the two cannot disagree.

Entries that would leave but repeat an excluded entry's words (a withdrawn child's, a
safeguarding disclosure; export.overlap finds them, the builder holds them back) are
proposals too, of the layer `HELD_BACK`, first in the list: the reason ("repeats 9 words
of an excluded entry E12") and the repeated words marked in the entry. Redact (the
default) leaves the entry out; Keep releases it. Their decisions are kept in the same
table under that layer, which no anonymiser layer proposes.

Each proposal names the rule that found it; `Proposal.rule_text` puts it in words for the
review list (services.review_rules), the rule's own name where none are known for it.

`apply_review` stores the researcher's accepts and rejects (`record_decision`) and adds
missed names to the register (`add_to_register`); the audit log gets the counts and
record ids, never the words.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.decisions import add_to_register, load_decisions, record_decision
from plrdesk.anonymise.engine import ACCEPT, REJECT, Anonymiser
from plrdesk.anonymise.register import name_parts, register_from_study
from plrdesk.anonymise.text import fold, fold_key
from plrdesk.anonymise.types import Layer, Redacted, Redaction
from plrdesk.domain.models import Identifier
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.progress import Progress
from plrdesk.services.review_rules import (
    HELD_BACK,
    HELD_BACK_LABEL,
    HeldPassage,
    record_held_back,
    rule_text,
)

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

CONTEXT_CHARS = 40
MARK_OPEN, MARK_CLOSE = "«", "»"
ELLIPSIS = "…"
# What a missed name can be registered as (the labels it is then replaced by).
PEOPLE_KINDS = ("person", "child", "parent", "practitioner")
ADD_KINDS = (*PEOPLE_KINDS, "school", "place")
HELD_BACK_TEXT_CHARS = 60  # of the repeated words, in the list's Text column
_LAYER_ORDER = {HELD_BACK: -1, Layer.REGISTER.value: 0, Layer.PATTERN.value: 1, Layer.NAME.value: 2}


class ProposalKey(NamedTuple):
    """What a decision is about: the folded text (`text.fold_key`), the layer that proposed
    it and the label it is replaced by. Decisions are stored per (folded, layer)."""

    folded: str
    layer: str
    label: str


@dataclass(frozen=True)
class Occurrence:
    """One place a proposal was found: the words around it (about 40 characters each side,
    white space folded) and the matched text as it was written."""

    before: str
    match: str
    after: str
    needs_review: bool = False
    rule: str = ""

    @property
    def marked(self) -> str:
        """The context with the matched text marked: "… at «Castlebrook» reads …"."""
        return f"{self.before}{MARK_OPEN}{self.match}{MARK_CLOSE}{self.after}"


@dataclass
class Proposal:
    """Every redaction of the same text by the same layer under the same label."""

    key: ProposalKey
    text: str  # as first found, in the case it was written
    rule: str  # the rule that found it first ("registered", "first-name", "phone" ...)
    unsure: bool  # the anonymiser was not sure of at least one occurrence
    decision: str | None  # the stored decision: "accept", "reject", or None (none yet)
    occurrences: list[Occurrence] = field(default_factory=list)
    reason: str = ""  # why a held-back entry is held: "repeats 9 words of an excluded entry E12"

    @property
    def needs_review(self) -> bool:
        """The anonymiser was not sure, and the researcher has not decided yet."""
        return self.unsure and self.decision is None

    @property
    def label(self) -> str:
        return self.key.label

    @property
    def layer(self) -> str:
        return self.key.layer

    @property
    def count(self) -> int:
        return len(self.occurrences)

    @property
    def held_back(self) -> bool:
        """An entry left out for repeating an excluded entry's words (Redact: left out)."""
        return self.layer == HELD_BACK

    @property
    def rule_text(self) -> str:
        return rule_text(self.rule)

    @property
    def redact(self) -> bool:
        """What the next export does unless the researcher decides otherwise."""
        return self.decision != REJECT


@dataclass(frozen=True)
class ReviewSet:
    """What Prepare export shows: the proposals (those needing review first, then those
    the anonymiser was unsure of but the researcher decided, then the rest), the
    descriptor warnings of the summary, and the redactions the export would make by label
    (`made_redactions`: a Keep already stored makes none)."""

    proposals: list[Proposal]
    warnings: list[str]
    texts: int  # distinct texts the anonymiser looked at
    made: dict[str, int] = field(default_factory=dict)

    @property
    def redactions(self) -> int:
        return sum(self.made.values())

    @property
    def held_back(self) -> list[Proposal]:
        """The entries held back (or released) for repeating an excluded entry's words."""
        return [p for p in self.proposals if p.held_back]

    def get(self, key: ProposalKey) -> Proposal | None:
        return next((p for p in self.proposals if p.key == key), None)


@dataclass(kw_only=True)
class ReviewSaved(Changes):
    """What `apply_review` stored: counts, and the records under `added` / `updated`."""

    accepted: int = 0
    rejected: int = 0
    registered: int = 0


# -- the builder, as this module needs it -----------------------------------------------


class _Warnings(Protocol):
    @property
    def warnings(self) -> Sequence[str]: ...


class _Summary(Protocol):
    @property
    def disclosure(self) -> _Warnings: ...


class BuiltSummary(Protocol):
    @property
    def summary(self) -> _Summary: ...
    @property
    def held_back(self) -> Sequence[HeldPassage]: ...


class SummaryBuilder(Protocol):
    """`plrdesk.export.build.build_summary`'s shape: (db, forms, redact) -> a bundle."""

    def __call__(
        self,
        db: Session,
        forms: FormCatalog | None,
        anonymiser: Callable[[str], Redacted],
        /,
        *,
        progress: Progress | None = ...,
    ) -> BuiltSummary: ...


# -- proposals --------------------------------------------------------------------------


def made_redactions(texts: Iterable[Redacted]) -> dict[str, int]:
    """By label (most first, then by name), the redactions made in `texts`, each of which
    is one distinct text: what the review lists as "would redact" and what the export's
    report says it redacted. A redaction of nothing but white space or punctuation (no
    folded text: no proposal to list) is not counted."""
    counter = Counter(r.label for t in texts for r in t.redactions if fold_key(r.original))
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def study_anonymiser(db: Session) -> Anonymiser:
    """The anonymiser the export uses: the study's register and its stored decisions."""
    return Anonymiser(register_from_study(db), load_decisions(db))


def proposed_redactions(
    db: Session,
    forms: FormCatalog | None,
    anonymiser: Anonymiser,
    build: SummaryBuilder,
    *,
    progress: Progress | None = None,
) -> ReviewSet:
    """Every redaction `anonymiser` makes in what the export of the study would send,
    grouped for review, with the decisions it holds as each proposal's default."""
    seen: dict[str, Redacted] = {}

    def redact(text: str) -> Redacted:
        found = seen.get(text)
        if found is None:
            found = seen[text] = anonymiser.redact(text)
        return found

    bundle = build(db, forms, redact, progress=progress)
    warnings = list(bundle.summary.disclosure.warnings)
    decisions = dict(anonymiser.decisions)
    undecided = Anonymiser(anonymiser.register, None, anonymiser.first_names) if decisions else None
    groups: dict[ProposalKey, Proposal] = {}
    made: set[tuple[str, str]] = set()  # (folded, layer) of what the export does redact
    for text, redacted in seen.items():
        found = redacted.redactions
        made.update((fold_key(r.original), r.layer.value) for r in found)
        if undecided is not None:
            found = _with_rejected(found, undecided.redact(text).redactions, decisions)
        for r in found:
            key = ProposalKey(fold_key(r.original), r.layer.value, r.label)
            if not key.folded:
                continue
            proposal = groups.get(key)
            if proposal is None:
                proposal = groups[key] = Proposal(
                    key, r.original, r.rule, False, decisions.get((key.folded, key.layer))
                )
            proposal.unsure |= r.needs_review
            proposal.occurrences.append(occurrence(text, r))
    for held in bundle.held_back:
        key = ProposalKey(held.key, HELD_BACK, HELD_BACK_LABEL)
        groups[key] = held_back_proposal(held, decisions.get((key.folded, HELD_BACK)))
    for proposal in groups.values():
        if proposal.decision == REJECT and (proposal.key.folded, proposal.layer) in made:
            # Redacted in spite of the reject: a span widened to cover two overlapping
            # proposals ("Sam Jones Academy" from "Sam Jones" and "Jones Academy") is not
            # what either layer proposed, so no decision applies to it. Show the truth.
            proposal.decision = None
    proposals = sorted(
        groups.values(),
        key=lambda p: (
            not p.needs_review,
            not p.unsure,
            _LAYER_ORDER.get(p.layer, 3),
            -p.count,
            p.key,
        ),
    )
    return ReviewSet(proposals, warnings, len(seen), made_redactions(seen.values()))


def held_back_proposal(held: HeldPassage, decision: str | None) -> Proposal:
    """A held-back entry as a row of the review: its repeated words (the start of them) as
    the text, the reason, and the entry with those words marked as its one occurrence."""
    said = " ".join(held.text[held.start : held.end].split())
    if len(said) > HELD_BACK_TEXT_CHARS:
        said = said[:HELD_BACK_TEXT_CHARS].rsplit(" ", 1)[0] + ELLIPSIS
    found = Redaction(
        held.start,
        held.end,
        held.text[held.start : held.end],
        HELD_BACK_LABEL,
        Layer.PATTERN,
        True,
        held.rule,
    )  # a Redaction only to place it in context (`occurrence`); no layer's
    key = ProposalKey(held.key, HELD_BACK, HELD_BACK_LABEL)
    return Proposal(
        key, said, held.rule, True, decision, [occurrence(held.text, found)], held.reason
    )


def _with_rejected(
    made: Sequence[Redaction], undecided: Iterable[Redaction], decisions: dict[tuple[str, str], str]
) -> list[Redaction]:
    """The redactions made, marked for review where the undecided pass was unsure (an
    accept took the mark away), plus those that a reject removed."""
    places = {(r.start, r.end, r.layer, r.label): r for r in made}
    for r in undecided:
        place = (r.start, r.end, r.layer, r.label)
        have = places.get(place)
        if have is not None:
            if r.needs_review and not have.needs_review:
                places[place] = r
        elif decisions.get((fold_key(r.original), r.layer.value)) == REJECT:
            places[place] = r
    return sorted(places.values(), key=lambda r: (r.start, r.end))


def occurrence(text: str, r: Redaction, width: int = CONTEXT_CHARS) -> Occurrence:
    """`r` in its context: up to `width` characters each side, cut at a word, white space
    folded, "…" where the text goes on."""
    start, end = max(0, r.start - width), min(len(text), r.end + width)
    before, after = text[start : r.start], text[r.end : end]
    if start > 0:
        cut = before.find(" ")
        before = ELLIPSIS + (before[cut + 1 :] if 0 <= cut < len(before) - 1 else before)
    if end < len(text):
        cut = after.rfind(" ")
        after = (after[:cut] if cut > 0 else after) + ELLIPSIS
    return Occurrence(
        _folded_space(before), r.original, _folded_space(after), r.needs_review, r.rule
    )


def _folded_space(text: str) -> str:
    """Runs of white space as one space, keeping a leading or trailing one."""
    if not text:
        return text
    inner = " ".join(text.split())
    lead = " " if text[0].isspace() and inner else ""
    trail = " " if text[-1].isspace() and inner else ""
    return f"{lead}{inner}{trail}" if inner else " "


# -- saving the review --------------------------------------------------------------------


def apply_review(
    db: Session,
    accepted: Sequence[ProposalKey],
    rejected: Sequence[ProposalKey],
    added: Sequence[tuple[str, str]] = (),
) -> ReviewSaved:
    """Store the researcher's review: `accepted` proposals are redacted from now on without
    asking, `rejected` ones are left in the text by the layer that proposed them, and each
    `added` (text, kind) joins the register as an identifier (a person's name with its
    parts as aliases, so "Jo" alone is caught too). Audited with counts and ids only."""
    both = {(k.folded, k.layer) for k in accepted} & {(k.folded, k.layer) for k in rejected}
    if both:
        raise ValueError("a proposal cannot be both accepted and rejected")
    for text, kind in added:
        if kind not in ADD_KINDS:
            raise ValueError(f"a missed name is one of {', '.join(ADD_KINDS)}, not {kind!r}")
        if not text.strip():
            raise ValueError("a missed name cannot be empty")
    changes = ReviewSaved()
    before = load_decisions(db)
    for keys, decision in ((accepted, ACCEPT), (rejected, REJECT)):
        for key in keys:
            if key.layer == HELD_BACK:
                decided = record_held_back(db, key.folded, key.label, decision)
            else:
                decided = record_decision(db, key.folded, key.layer, key.label, decision)
            if (fold_key(key.folded), key.layer) in before:
                changes.update(Table.REDACTION_DECISION, decided.id)
            else:
                changes.add(Table.REDACTION_DECISION, decided.id)
    changes.accepted, changes.rejected = len(accepted), len(rejected)
    known = {fold_key(text) for text in db.scalars(select(Identifier.text))}
    for text, kind in added:
        parts = name_parts(text) if kind in PEOPLE_KINDS else []
        aliases = [p for p in dict.fromkeys(parts) if fold(p) != fold(text.strip())]
        row = add_to_register(db, text, kind, aliases)
        if fold_key(row.text) in known:
            changes.update(Table.IDENTIFIER, row.id)
        else:
            changes.add(Table.IDENTIFIER, row.id)
            known.add(fold_key(row.text))
    changes.registered = len(added)
    audit.record(
        db,
        "export-review",
        [*_ids(changes.added), *_ids(changes.updated)],
        accepted=changes.accepted,
        rejected=changes.rejected,
        registered=changes.registered,
    )
    return changes


def _ids(bucket: dict[Table, list[uuid.UUID]]) -> list[uuid.UUID]:
    return [record_id for ids in bucket.values() for record_id in ids]
