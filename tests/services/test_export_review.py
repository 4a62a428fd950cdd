"""Prepare export's service: every proposed redaction of what the export would send, in
context and grouped, with the researcher's stored decisions as defaults; the review saved
as decisions and register entries, audited without content."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.decisions import load_decisions
from plrdesk.anonymise.engine import ACCEPT, REJECT
from plrdesk.anonymise.types import Layer, Redaction
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.model import ExportBundle
from plrdesk.services.changes import Table
from plrdesk.services.export_review import (
    ProposalKey,
    ReviewSet,
    apply_review,
    occurrence,
    proposed_redactions,
    study_anonymiser,
)
from plrdesk.services.review_rules import HELD_BACK, rule_text
from plrdesk.storage.study_file import StudyFile

CASTLEBROOK = ProposalKey("castlebrook", "register", "school")
NORTHFIELD = ProposalKey("northfield", "register", "school")
ADEBAYO = ProposalKey("mr adebayo", "register", "person")


@pytest.fixture
def db(demo_study: StudyFile) -> Iterator[Session]:
    with demo_study.transaction() as session:
        yield session


def review(db: Session) -> ReviewSet:
    """What Prepare export shows now (a fresh anonymiser, as the app builds one)."""
    return proposed_redactions(db, shipped_forms(), study_anonymiser(db), build_summary)


def export(db: Session) -> ExportBundle:
    return build_summary(db, shipped_forms(), study_anonymiser(db).redact)


def everything_sent(bundle: ExportBundle) -> str:
    """The summary's JSON and the QDPX sources: all the text the formats carry."""
    return bundle.summary.to_json() + "\n".join(s.text for s in bundle.sources)


def describe_theme(db: Session, ref: str, description: str) -> None:
    theme = db.scalars(select(m.Theme).where(m.Theme.ref == ref)).one()
    theme.description = description
    db.flush()


def test_the_demo_proposals_are_its_registered_names_with_counts(db: Session) -> None:
    found = review(db)
    counts = {p.key: p.count for p in found.proposals}
    assert counts == {CASTLEBROOK: 2, NORTHFIELD: 1, ADEBAYO: 1}
    castlebrook = found.get(CASTLEBROOK)
    assert castlebrook is not None
    assert castlebrook.text == "Castlebrook"
    assert castlebrook.rule == "registered"
    assert castlebrook.redact
    assert castlebrook.decision is None
    assert not castlebrook.needs_review
    contexts = [o.marked for o in castlebrook.occurrences]
    assert any("anyone at «Castlebrook» reads them." in c for c in contexts), contexts
    assert all(len(o.before) <= 41 and len(o.after) <= 41 for o in castlebrook.occurrences)
    assert found.texts > 50  # titles, aims, themes, entries, descriptors, labels ...
    # The descriptor warnings are those of the summary the export would write.
    assert found.warnings == export(db).summary.disclosure.warnings
    assert len(found.warnings) == 5


def test_a_reject_persists_and_the_next_review_defaults_to_keep(db: Session) -> None:
    saved = apply_review(db, accepted=[], rejected=[CASTLEBROOK])
    assert saved.rejected == 1
    assert load_decisions(db) == {("castlebrook", "register"): REJECT}
    again = review(db)
    castlebrook = again.get(CASTLEBROOK)
    assert castlebrook is not None  # still listed, so it can be changed back
    assert castlebrook.decision == REJECT
    assert not castlebrook.redact
    assert castlebrook.count == 2
    assert "Castlebrook" in everything_sent(export(db))
    # Changed back: accepted, redacted again.
    apply_review(db, accepted=[CASTLEBROOK], rejected=[])
    back = review(db).get(CASTLEBROOK)
    assert back is not None
    assert (back.decision, back.redact) == (ACCEPT, True)
    assert "Castlebrook" not in everything_sent(export(db))


def test_an_added_name_joins_the_register_and_is_redacted_next_time(db: Session) -> None:
    describe_theme(db, "T3", "As the Oakwell youth club and Jo Bloggs found, Jo listens.")
    assert all("oakwell" not in p.key.folded for p in review(db).proposals)
    saved = apply_review(db, [], [], added=[("Oakwell", "place"), ("Jo Bloggs", "child")])
    assert saved.registered == 2
    assert len(saved.added_ids(Table.IDENTIFIER)) == 2
    identifiers = {i.text: (i.kind, i.aliases) for i in db.scalars(select(m.Identifier))}
    assert identifiers["Oakwell"] == ("place", [])
    assert identifiers["Jo Bloggs"] == ("child", ["Jo", "Bloggs"])  # a person's parts too
    found = {p.key: p for p in review(db).proposals}
    assert ProposalKey("oakwell", "register", "place") in found
    assert ProposalKey("jo bloggs", "register", "child") in found
    assert ProposalKey("jo", "register", "child") in found
    description = export(db).summary.themes[3].description
    assert description == "As the [place] youth club and [child] found, [child] listens."
    # Added again (in another case): the same identifier, not a second one.
    again = apply_review(db, [], [], added=[("OAKWELL", "place")])
    assert again.updated_ids(Table.IDENTIFIER) == saved.added_ids(Table.IDENTIFIER)[:1]


def test_unsure_proposals_come_first_and_a_decision_is_their_default(db: Session) -> None:
    describe_theme(db, "T1", "Mr Okonkwo said the links with Northfield mattered most.")
    first = review(db).proposals[0]
    assert first.key == ProposalKey("mr okonkwo", "name", "person")
    assert first.needs_review
    assert first.unsure
    assert first.occurrences[0].marked == "«Mr Okonkwo» said the links with Northfield…"

    apply_review(db, accepted=[], rejected=[first.key])
    kept = review(db).get(first.key)
    assert kept is not None
    assert (kept.decision, kept.redact, kept.needs_review, kept.unsure) == (
        REJECT,
        False,
        False,
        True,
    )
    assert "Mr Okonkwo said" in export(db).summary.themes[0].description

    apply_review(db, accepted=[first.key], rejected=[])
    accepted = review(db).get(first.key)
    assert accepted is not None
    assert (accepted.decision, accepted.redact, accepted.needs_review) == (ACCEPT, True, False)
    assert export(db).summary.themes[0].description.startswith("[person] said")


def test_the_review_is_audited_with_counts_and_ids_only(db: Session) -> None:
    describe_theme(db, "T3", "The Oakwell youth club.")
    saved = apply_review(db, [NORTHFIELD], [CASTLEBROOK], added=[("Oakwell", "place")])
    event = db.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export-review")).one()
    assert event.detail == {"accepted": 1, "rejected": 1, "registered": 1}
    assert sorted(event.record_ids) == sorted(
        str(i) for ids in [*saved.added.values(), *saved.updated.values()] for i in ids
    )
    written = repr(event.detail) + repr(event.record_ids)
    for word in ("castlebrook", "northfield", "oakwell", "place", "school"):
        assert word not in written.casefold()


def test_bad_reviews_change_nothing(db: Session) -> None:
    with pytest.raises(ValueError, match="both"):
        apply_review(db, [CASTLEBROOK], [CASTLEBROOK])
    with pytest.raises(ValueError, match="place"):
        apply_review(db, [], [], added=[("Oakwell", "planet")])
    with pytest.raises(ValueError, match="empty"):
        apply_review(db, [], [], added=[("  ", "place")])
    assert load_decisions(db) == {}


def test_context_is_cut_at_words_with_white_space_folded() -> None:
    text = "one two three four five six seven eight\nnine ten SAM eleven twelve thirteen" * 2
    start = text.index("SAM")
    r = Redaction(start, start + 3, "SAM", "child", Layer.REGISTER)
    found = occurrence(text, r, width=20)
    assert found.marked == "…eight nine ten «SAM» eleven twelve…"
    whole = occurrence("Ask SAM.", Redaction(4, 7, "SAM", "child", Layer.REGISTER))
    assert whole.marked == "Ask «SAM»."


def test_a_reject_that_cannot_apply_is_not_shown_as_keep(db: Session) -> None:
    """Two registered terms overlapping make one widened redaction, which neither layer
    proposed as such: a reject of it changes nothing, and the review says Redact. (Not a
    school: "Sam Jones Academy" would be proposed whole by the school-name rule.)"""
    describe_theme(db, "T1", "The Sam Jones Farm trip.")
    apply_review(db, [], [], added=[("Sam Jones", "person"), ("Jones Farm", "place")])
    widened = next(p for p in review(db).proposals if p.text == "Sam Jones Farm")
    apply_review(db, [], [widened.key])
    again = review(db).get(widened.key)
    assert again is not None
    assert (again.decision, again.redact) == (None, True)
    assert export(db).summary.themes[0].description == "The [place] trip."


# C6, withdrawn, said in E90: "Said letters home should be in plain English so her mum does
# not have to ask what they mean." P3's quotable note E24 comes to repeat it.
RETOLD = " A pupil told me letters home should be in plain English so her mum does not have to."


def test_an_entry_repeating_a_withdrawn_childs_words_is_first_to_review(db: Session) -> None:
    e24 = db.scalars(select(m.Entry).where(m.Entry.ref == "E24")).one()
    e24.text = (e24.text or "") + RETOLD
    db.flush()
    found = review(db)
    first = found.proposals[0]
    assert found.held_back == [first]
    assert first.layer == HELD_BACK
    assert first.reason == "repeats 14 words of an excluded entry E90"
    assert first.rule == "repeats-excluded"
    assert first.rule_text == "repeats an excluded entry"
    assert (first.needs_review, first.redact, first.decision) == (True, True, None)
    assert first.text.startswith("letters home should be in plain English")
    (where,) = first.occurrences
    assert where.match == "letters home should be in plain English so her mum does not have to"
    assert where.before.endswith("A pupil told me ")
    # The anonymiser's proposals are unchanged by it, and the figure counts no entry.
    assert found.redactions == sum(export(db).made.values())
    assert "her mum does not have to" not in everything_sent(export(db))

    saved = apply_review(db, accepted=[], rejected=[first.key])  # Include: released
    assert saved.rejected == 1
    assert load_decisions(db)[(first.key.folded, HELD_BACK)] == REJECT
    released = review(db).get(first.key)
    assert released is not None
    assert (released.decision, released.redact, released.needs_review) == (REJECT, False, False)
    assert "her mum does not have to" in everything_sent(export(db))
    apply_review(db, accepted=[first.key], rejected=[])  # Leave out again
    assert "her mum does not have to" not in everything_sent(export(db))
    event = db.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export-review")).first()
    assert event is not None
    assert "mum" not in repr(event.detail) + repr(event.record_ids)


def test_every_rule_reads_in_words_and_an_unknown_one_by_its_name() -> None:
    assert rule_text("registered") == "registered name or identifier"
    assert rule_text("pupil-number") == "pupil number (UPN)"
    assert rule_text("social_handle") == "social handle"
    assert rule_text("") == "no rule named"
