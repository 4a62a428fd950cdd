"""Excluded words repeated elsewhere (export.overlap): an entry that would leave but repeats
eight or more words in a row of an excluded one (a withdrawn child's, a safeguarding
disclosure) is held back from every quote, extract and source until released; the
export's report says so by entry ref, never by the words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from plrdesk.cli import export_command
from plrdesk.cli.exit_codes import Exit
from plrdesk.export.model import ExportBundle
from plrdesk.export.overlap import ShingleIndex, words
from plrdesk.services.export_review import ProposalKey, apply_review
from plrdesk.services.review_rules import HELD_BACK, HELD_BACK_LABEL
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser
from tests.export.support import all_quotes, build, change, entry
from tests.export.test_cli import export_args, with_stand_in  # noqa: F401 - a fixture
from tests.support.files import PASSPHRASE

# C6 (withdrawn) said, in E90: "Said letters home should be in plain English so her mum
# does not have to ask what they mean." C2's quote E83 gains a retelling of it, after the
# coded span, so only the whole entry (a QDPX source) would carry it out.
C2_RETELLS = (
    "Someone who listens properly and doesn't just write it down and go. Her friend told"
    " us LETTERS home should be in plain-English, so her mum does not have to ask!"
)
REPEATED = "LETTERS home should be in plain-English, so her mum does not have to ask"
# C4's flagged disclosure, E87: "Said he sometimes feels worried about going home after
# school and would like someone to talk to about it." G1's quote E57 repeats 10 words.
G1_REPEATS = (
    "I only had to tell my story once, and then everyone seemed to know. My son said he"
    " sometimes feels worried about going home after school."
)


def test_words_are_compared_folded_without_punctuation() -> None:
    assert [w.text for w in words("Don’t  SAY, “plain-English”\u200b!")] == [
        "dont",
        "say",
        "plain",
        "english",
    ]
    text = "Ｆull width and zero\u200bwidth"
    assert [w.text for w in words(text)] == ["full", "width", "and", "zerowidth"]
    first = words(text)[0]
    assert text[first.start : first.end] == "Ｆull"


def test_a_run_of_eight_words_is_a_repeat_and_seven_are_not() -> None:
    index = ShingleIndex()
    index.add("E12", "one two three four five six seven eight nine ten")
    assert index.repeats("zero one two three four five six seven and on") == []
    text = "So: One, two; THREE four five six seven eight nine. Then more."
    (found,) = index.repeats(text)
    assert found.words == 9
    assert found.excluded == ("E12",)
    assert text[found.start : found.end] == "One, two; THREE four five six seven eight nine"


def test_runs_from_two_entries_are_told_apart_and_longest_comes_first() -> None:
    index = ShingleIndex()
    index.add("E1", "a b c d e f g h")
    index.add("E2", "p q r s t u v w x y")
    found = index.repeats("a b c d e f g h and then p q r s t u v w x y")
    assert [(r.words, r.excluded) for r in found] == [(10, ("E2",)), (8, ("E1",))]


def retell(db: Session) -> None:
    entry(db, "E83").text = C2_RETELLS
    entry(db, "E57").text = G1_REPEATS


def test_an_entry_repeating_withdrawn_or_flagged_words_is_held_back(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    before = build(demo_study, stand_in)
    assert "Someone who listens properly" in all_quotes(before)
    assert before.held_back == []
    change(demo_study, retell)
    bundle = build(demo_study, stand_in)
    assert [(h.entry_ref, h.reason) for h in bundle.held_back] == [
        ("E57", "repeats 10 words of an excluded entry E87"),  # the disclosure
        ("E83", "repeats 15 words of an excluded entry E90"),  # the withdrawn child
    ]
    (held,) = [h for h in bundle.held_back if h.entry_ref == "E83"]
    assert held.text[held.start : held.end] == REPEATED
    assert not held.released
    sent = everything_sent(bundle)
    for words_ in ("her mum does not have to ask", "worried about going home"):
        assert words_ not in sent
    # Nothing of the held entries leaves, not even the coded spans that missed the words.
    assert "Someone who listens properly" not in sent
    assert "tell my story once" not in sent
    # They still count: C2 and G1 raised their themes.
    assert _raised(bundle) == _raised(before)
    note = next(n for n in bundle.notes if "held back" in n)
    assert "E83 repeats 15 words of an excluded entry E90" in note
    assert "mum" not in note  # refs and counts, never the words
    assert "worried" not in note


def test_released_it_leaves_and_the_report_says_who_released_it(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    change(demo_study, retell)
    (e83,) = [h for h in build(demo_study, stand_in).held_back if h.entry_ref == "E83"]
    change(demo_study, lambda db: apply_review(db, [], [_key(e83.key)]))
    bundle = build(demo_study, stand_in)
    released = {h.entry_ref: h.released for h in bundle.held_back}
    assert released == {"E57": False, "E83": True}
    assert "Someone who listens properly" in all_quotes(bundle)
    assert "her mum does not have to ask" in everything_sent(bundle)
    assert any("released by the researcher" in n and "E83" in n for n in bundle.notes)
    # Held back again by an accept, and a new repeat in a released entry asks anew.
    change(demo_study, lambda db: apply_review(db, [_key(e83.key)], []))
    assert "Someone who listens properly" not in all_quotes(build(demo_study, stand_in))
    change(demo_study, lambda db: apply_review(db, [], [_key(e83.key)]))

    def retell_more(db: Session) -> None:
        entry(db, "E83").text = C2_RETELLS + " She said her teacher at St Aidan's helped most."

    change(demo_study, retell_more)  # E82's words too (C6 again): 8 of them
    (again,) = [h for h in build(demo_study, stand_in).held_back if h.entry_ref == "E83"]
    assert again.key != e83.key
    assert not again.released
    assert again.reason == "repeats 15 words of excluded entries E90, E82"


def test_seven_words_in_a_row_are_no_repeat(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def seven(db: Session) -> None:  # "in plain English so her mum does" and no more
        entry(db, "E83").text = "Someone who listens. Letters in plain English so her mum does."

    change(demo_study, seven)
    assert build(demo_study, stand_in).held_back == []


def test_the_command_leaves_it_out_and_says_so(
    demo_path: Path,
    tmp_path: Path,
    with_stand_in: WordListAnonymiser,  # noqa: F811 - the fixture
    capsys: pytest.CaptureFixture[str],
) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        change(study, retell)
    out = tmp_path / "summary.json"
    assert export_command.cmd_export(export_args(demo_path, "json", out, extracts=True)) == Exit.OK
    written = out.read_text(encoding="utf-8")
    assert "Someone who listens properly" not in written
    assert "mum does not have to ask" not in written
    doc = json.loads(written)
    assert doc["format"] == "plrdesk-summary"
    printed = capsys.readouterr().out.splitlines()
    (line,) = [p for p in printed if "held back" in p]
    assert line.startswith("note: 2 entries held back, in no quote, extract or source")
    assert "E83 repeats 15 words of an excluded entry E90" in line
    assert "mum" not in "\n".join(printed)


def everything_sent(bundle: ExportBundle) -> str:
    """Every text the formats carry: the summary's JSON, the CSV rows, the sources."""
    rows = [p.text for p in (*bundle.passages, *bundle.extract_rows)]
    return "\n".join([bundle.summary.to_json(), *rows, *(s.text for s in bundle.sources)])


def _raised(bundle: ExportBundle) -> dict[str, object]:
    return {t.name: t.raised_by for t in bundle.summary.themes}


def _key(key: str) -> ProposalKey:
    return ProposalKey(key, HELD_BACK, HELD_BACK_LABEL)
