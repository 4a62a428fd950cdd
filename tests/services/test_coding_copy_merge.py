"""Bringing the second coder's codings back from a coding copy onto the original words."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.engine import remap_span
from plrdesk.anonymise.types import Layer, Redacted, Redaction
from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId, ThemeId
from plrdesk.services.coding_copy import edits_of
from plrdesk.services.coding_copy_merge import (
    NotACodingCopy,
    codings_from_copy,
    given_text,
    to_original,
)
from plrdesk.services.codings import code_passage, remove_coding
from plrdesk.services.note_texts import save_entry_text
from plrdesk.services.themes import create_theme
from plrdesk.services.withdrawal import withdraw_participant
from plrdesk.storage.study_file import StudyFile
from tests.services.test_coding_copy import COPY_PASSPHRASE, make_copy

NAMED = "Northfield"  # a registered school's alias, in the demo's entry E2


def bring_back(study: StudyFile, copy_path: Path) -> tuple[list[m.Coding], list[str]]:
    """codings_from_copy, its rows added and committed as a merge would."""
    with (
        StudyFile.open(copy_path, COPY_PASSPHRASE) as copy,
        copy.transaction() as source,
        study.transaction() as target,
    ):
        found = codings_from_copy(target, source)
        found.add_to(target)
        return list(found.codings), list(found.refused)


def entry_with(db: Session, words: str) -> m.Entry:
    return next(e for e in db.scalars(select(m.Entry)) if words in (e.text or ""))


@pytest.fixture
def copied(demo_study: StudyFile, tmp_path: Path) -> Path:
    out = tmp_path / "copy.plr"
    make_copy(demo_study, out, anonymised=True)
    return out


def code_in_copy(
    copy_path: Path, ref: str, find: str, through: str, *, from_middle: bool = True
) -> uuid.UUID:
    """In the copy, code entry `ref` from the middle (or start) of `find` to the end of
    `through`."""
    with StudyFile.open(copy_path, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        entry = db.scalars(select(m.Entry).filter_by(ref=ref)).one()
        theme = db.scalars(select(m.Theme).order_by(m.Theme.position)).first()
        assert theme is not None
        text = entry.text or ""
        start = text.index(find) + (len(find) // 2 if from_middle else 0)
        end = text.index(through) + len(through)
        coded = code_passage(db, EntryId(entry.id), ThemeId(theme.id), start, end)
        return coded.coding_id


def test_a_coding_touching_a_redacted_name_covers_the_whole_name(
    demo_study: StudyFile, copied: Path
) -> None:
    with demo_study.transaction() as db:
        e2 = entry_with(db, f"At {NAMED} the head")
        ref, original = e2.ref, e2.text or ""
    coding_id = code_in_copy(copied, ref, "[school]", "rings her direct")
    codings, refused = bring_back(demo_study, copied)
    assert refused == []
    assert [c.id for c in codings] == [coding_id]
    with demo_study.transaction() as db:
        coding = db.get(m.Coding, coding_id)
        assert coding is not None
        assert coding.start is not None
        assert original[coding.start : coding.end] == f"{NAMED} the head rings her direct"
        assert coding.coder == "Dana Mentor"
        assert coding.exemplar is False


def test_plain_words_land_on_the_same_words_and_whole_entries_stay_whole(
    demo_study: StudyFile, copied: Path
) -> None:
    with demo_study.transaction() as db:
        e2 = entry_with(db, f"At {NAMED} the head")
        ref, original = e2.ref, e2.text or ""
    code_in_copy(copied, ref, "a child", "worried about the move", from_middle=False)
    with StudyFile.open(copied, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        entry = db.scalars(select(m.Entry).filter_by(ref="E1")).one()
        theme = db.scalars(select(m.Theme).order_by(m.Theme.position.desc())).first()
        assert theme is not None
        whole = code_passage(db, EntryId(entry.id), ThemeId(theme.id), None, None).coding_id
    codings, _ = bring_back(demo_study, copied)
    assert len(codings) == 2
    with demo_study.transaction() as db:
        spans = {c.id: (c.start, c.end) for c in db.scalars(select(m.Coding))}
        assert spans[whole] == (None, None)
        (start, end) = next(
            v for k, v in spans.items() if k != whole and k in {c.id for c in codings}
        )
        assert start is not None
        assert end is not None
        assert original[start:end] == "a child is worried about the move"


def test_merging_again_adds_nothing_not_even_what_was_removed_since(
    demo_study: StudyFile, copied: Path
) -> None:
    with demo_study.transaction() as db:
        ref = entry_with(db, f"At {NAMED} the head").ref
    coding_id = code_in_copy(copied, ref, "[school]", "the head")
    first, _ = bring_back(demo_study, copied)
    assert len(first) == 1
    assert bring_back(demo_study, copied) == ([], [])
    with demo_study.transaction() as db:
        remove_coding(db, coding_id)  # type: ignore[arg-type]
    assert bring_back(demo_study, copied) == ([], [])


def test_an_entry_changed_here_since_is_refused_with_a_line(
    demo_study: StudyFile, copied: Path
) -> None:
    with demo_study.transaction() as db:
        e2 = entry_with(db, f"At {NAMED} the head")
        ref = e2.ref
        save_entry_text(db, EntryId(e2.id), (e2.text or "") + " Added later.")
    code_in_copy(copied, ref, "[school]", "the head")
    codings, refused = bring_back(demo_study, copied)
    assert codings == []
    assert len(refused) == 1
    assert refused[0].startswith(f"{ref}: its text changed here")


def test_an_erased_participants_words_get_no_coding_back(
    demo_study: StudyFile, copied: Path
) -> None:
    with demo_study.transaction() as db:
        e2 = entry_with(db, f"At {NAMED} the head")
        ref = e2.ref
        speaker = e2.speaker
        assert speaker is not None
    code_in_copy(copied, ref, "[school]", "the head")
    with demo_study.transaction() as db:
        withdraw_participant(db, speaker.ref, on=dt.date(2009, 2, 1), erase=True)
    codings, refused = bring_back(demo_study, copied)
    assert codings == []
    assert refused == [f"{ref}: deleted here since the copy was made; its coding stays there"]
    with demo_study.transaction() as db:
        assert db.scalars(select(m.CodingCopyEntry).filter_by(entry_id=e2.id)).first() is None


def test_a_coders_edit_of_the_copy_text_is_followed_back(
    demo_study: StudyFile, copied: Path
) -> None:
    with demo_study.transaction() as db:
        e2 = entry_with(db, f"At {NAMED} the head")
        ref, original = e2.ref, e2.text or ""
    with StudyFile.open(copied, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        entry = db.scalars(select(m.Entry).filter_by(ref=ref)).one()
        save_entry_text(db, EntryId(entry.id), "(typo fixed) " + (entry.text or ""))
    code_in_copy(copied, ref, "[school]", "the head")
    codings, refused = bring_back(demo_study, copied)
    assert refused == []
    assert len(codings) == 1
    assert original[codings[0].start : codings[0].end] == f"{NAMED} the head"


def test_a_theme_the_second_coder_added_comes_with_its_codings(
    demo_study: StudyFile, copied: Path
) -> None:
    with StudyFile.open(copied, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        made = create_theme(db, "Summer gap")
        entry = db.scalars(select(m.Entry).filter_by(ref="E3")).one()
        code_passage(db, EntryId(entry.id), made.theme_id, 0, 10)
    codings, _ = bring_back(demo_study, copied)
    with demo_study.transaction() as db:
        theme = db.get(m.Theme, made.theme_id)
        assert theme is not None
        assert theme.name == "Summer gap"
        assert db.get(m.Coding, codings[0].id) is not None
        assert len(set(db.scalars(select(m.Theme.ref)))) == len(list(db.scalars(select(m.Theme))))


def test_a_study_that_is_no_copy_of_this_one_is_refused(
    demo_study: StudyFile, empty_study: StudyFile
) -> None:
    with (
        demo_study.transaction() as target,
        empty_study.transaction() as source,
        pytest.raises(NotACodingCopy, match="not a coding copy"),
    ):
        codings_from_copy(target, source)


# -- the mapping itself ------------------------------------------------------------------


def redact_words(text: str, chosen: set[int]) -> Redacted:
    """`text` with the chosen words replaced by [child]: a stand-in anonymiser."""
    redactions, pos = [], 0
    for i, word in enumerate(text.split(" ")):
        if i in chosen and word:
            redactions.append(Redaction(pos, pos + len(word), word, "child", Layer.REGISTER))
        pos += len(word) + 1
    parts, last = [], 0
    for r in redactions:
        parts += [text[last : r.start], r.replacement]
        last = r.end
    parts.append(text[last:])
    return Redacted(text, "".join(parts), redactions)


@given(
    words=st.lists(st.text("abcdefgh", min_size=1, max_size=9), min_size=1, max_size=12),
    seed=st.integers(0, 10_000),
)
def test_a_span_mapped_out_and_back_covers_the_same_words(words: list[str], seed: int) -> None:
    rng = random.Random(seed)
    text = " ".join(words)
    redacted = redact_words(text, {i for i in range(len(words)) if rng.random() < 0.4})
    edits = edits_of(redacted)
    assert given_text(text, edits) == redacted.text
    start = rng.randrange(len(text))
    end = rng.randrange(start + 1, len(text) + 1)
    out = remap_span(redacted, start, end)
    assert out is not None
    back = to_original(edits, *out)
    assert back is not None
    # the words coded come back whole: the span grows only to the edges of redacted names
    assert back[0] <= start
    assert back[1] >= end
    for r in redacted.redactions:
        if back[0] < r.end and r.start < back[1]:
            assert back[0] <= r.start
            assert back[1] >= r.end
    outside = [(a, b) for a, b in [(back[0], start), (end, back[1])] if a < b]
    for a, b in outside:
        assert any(r.start <= a and b <= r.end for r in redacted.redactions)
