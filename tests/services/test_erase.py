"""`withdraw --erase`: everything a participant said or signed leaves the study, and with it
every decrypted page and WAL frame; the participant's row stays, marked withdrawn.

What "leaves every page" means is checked with tests.support.sqlcipher_pages, which decrypts
the file and its WAL without SQLCipher, so SQLCipher cannot vouch for itself. Each check has
a control: the same words are found before the erasure, and another participant's words are
still found after it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, or_, select

from plrdesk.domain import models as m
from plrdesk.services.study_dump import dump_document
from plrdesk.services.withdrawal import withdraw_participant
from plrdesk.storage.search import search_entries
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE
from tests.support.sqlcipher_pages import plaintext_everywhere

Cli = Callable[..., CliResult]

WINDOW = 24  # characters of a distinctive substring
CONTROL_REF = "C1"  # a participant nobody erases here


@dataclass
class Material:
    """What one participant said or signed, captured before an erasure."""

    ref: str
    entry_ids: set[uuid.UUID]
    consent_ids: set[uuid.UUID]
    coding_ids: set[uuid.UUID]
    phrases: list[str]  # one distinctive substring per entry text
    memos: list[str]  # memos of codings on their entries, found nowhere else
    words: list[str]  # words only they used


def _distinctive(text: str, elsewhere: str) -> str:
    for start in range(len(text) - WINDOW + 1):
        window = text[start : start + WINDOW]
        if window not in elsewhere:
            return window
    raise AssertionError(f"no distinctive {WINDOW}-character window in {text!r}")


def capture(study: StudyFile, ref: str) -> Material:
    with study.transaction() as db:
        person = db.scalars(select(m.Participant).filter_by(ref=ref)).one()
        entries = list(db.scalars(select(m.Entry).where(m.Entry.speaker_id == person.id)))
        consents = list(
            db.scalars(
                select(m.Consent).where(
                    or_(
                        m.Consent.participant_id == person.id,
                        m.Consent.on_behalf_of_id == person.id,
                    )
                )
            )
        )
        codings = [c for e in entries for c in e.codings]
        theirs = {e.ref for e in entries}
        doc = dump_document(db)
    schema = "\n".join(str(row[0]) for row in study.raw_execute("SELECT sql FROM sqlite_master"))
    # Everything else in the study, as text: a phrase counts as theirs only if it is not here.
    for session in doc["sessions"]:
        session["entries"] = [e for e in session.get("entries", []) if e["ref"] not in theirs]
    doc["codings"] = [c for c in doc.get("codings", []) if c["entry"] not in theirs]
    elsewhere = json.dumps(doc, ensure_ascii=False) + schema
    texts = [e.text for e in entries if e.text and len(e.text) >= WINDOW]
    assert texts, f"{ref} said nothing long enough to look for"
    their_words = {w for t in texts for w in re.findall(r"[a-z]{5,}", t.lower())}
    lowered = elsewhere.lower()
    # Not inside any other word ("times" is in "sometimes"), and not spelled only in a-f,
    # which a hex UUID could hold by chance.
    words = [w for w in their_words if w not in lowered and re.search(r"[g-z]", w)]
    return Material(
        ref=ref,
        entry_ids={e.id for e in entries},
        consent_ids={c.id for c in consents},
        coding_ids={c.id for c in codings},
        phrases=[_distinctive(t, elsewhere) for t in texts],
        memos=[c.memo for c in codings if c.memo and c.memo not in elsewhere],
        words=sorted(words),
    )


def _needles(material: Material) -> list[bytes]:
    return [s.encode("utf-8") for s in (*material.phrases, *material.memos)]


def found_in(plaintext: bytes, needles: list[bytes]) -> list[bytes]:
    return [n for n in needles if n in plaintext]


def add_signed_markers(study: StudyFile, ref: str) -> bytes:
    """Write a marker into each consent they signed or that was given for them."""
    marker = f"SIGNED-BY-{ref}-{uuid.uuid4().hex[:12]}"
    with study.transaction() as db:
        person = db.scalars(select(m.Participant).filter_by(ref=ref)).one()
        consents = list(
            db.scalars(
                select(m.Consent).where(
                    or_(
                        m.Consent.participant_id == person.id,
                        m.Consent.on_behalf_of_id == person.id,
                    )
                )
            )
        )
        assert consents
        for consent in consents:
            consent.answers = {**consent.answers, "note": f"{marker} answer"}
            consent.signature_png = f"PNG {marker} signature".encode()
    return marker.encode()


def assert_erased(study: StudyFile, material: Material, today: dt.date) -> None:
    with study.transaction() as db:
        person = db.scalars(select(m.Participant).filter_by(ref=material.ref)).one()
        assert person.withdrawn_on == today
        assert person.name  # the row stays, so the anonymiser still knows the name
        assert db.scalar(select(func.count()).where(m.Entry.speaker_id == person.id)) == 0
        assert db.scalar(select(func.count()).where(m.Entry.id.in_(material.entry_ids))) == 0
        assert db.scalar(select(func.count()).where(m.Coding.id.in_(material.coding_ids))) == 0
        assert db.scalar(select(func.count()).where(m.Consent.id.in_(material.consent_ids))) == 0
        for word in material.words:
            assert search_entries(db, word) == [], word
        for phrase in material.phrases:
            hits = {hit.entry_id for hit in search_entries(db, phrase)}
            assert not hits & material.entry_ids, phrase
    assert study.integrity_problems() == []


def assert_searchable(study: StudyFile, material: Material) -> None:
    """Control: before the erasure the index finds their words, and only in their entries."""
    assert material.words
    with study.transaction() as db:
        for word in material.words:
            hits = {hit.entry_id for hit in search_entries(db, word)}
            assert hits, word
            assert hits <= material.entry_ids, word


# -- through the command line ----------------------------------------------------------------


def test_cli_erase_removes_what_they_said_and_signed_from_every_page(
    cli: Cli, demo_path: Path
) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        target = capture(study, "C5")
        control = capture(study, CONTROL_REF)
        signed = add_signed_markers(study, "C5")
        assert_searchable(study, target)
    assert len(target.entry_ids) == 4
    assert len(target.consent_ids) == 2  # her assent and her carer's consent for her
    assert target.memos
    assert target.coding_ids
    before = plaintext_everywhere(demo_path, PASSPHRASE)
    assert found_in(before, [*_needles(target), signed]) == [*_needles(target), signed]
    words = [w.encode() for w in target.words]
    assert found_in(before.lower(), words) == words

    result = cli("withdraw", demo_path, "C5", "--erase", "--reason", "asked by her carer")

    assert result.code == 0, result.err
    assert "erased 4 entries and 2 consents" in result.out
    after = plaintext_everywhere(demo_path, PASSPHRASE)
    assert found_in(after, [*_needles(target), signed]) == []
    assert found_in(after.lower(), words) == []
    assert found_in(after, _needles(control)) == _needles(control)  # others are untouched
    assert not Path(f"{demo_path}-wal").exists()
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        assert_erased(study, target, dt.date.today())
        with study.transaction() as db:
            person = db.scalars(select(m.Participant).filter_by(ref="C5")).one()
            assert person.withdrawal_reason == "asked by her carer"


def test_plain_withdraw_keeps_what_they_said(cli: Cli, demo_path: Path) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        target = capture(study, "C5")

    result = cli("withdraw", demo_path, "C5")

    assert result.code == 0, result.err
    assert "withdrew C5" in result.out
    assert found_in(plaintext_everywhere(demo_path, PASSPHRASE), _needles(target)) == _needles(
        target
    )
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        assert capture(study, "C5") == target  # every entry, coding and consent is still there
        assert_searchable(study, target)
        with study.transaction() as db:
            person = db.scalars(select(m.Participant).filter_by(ref="C5")).one()
            assert person.withdrawn_on == dt.date.today()


# -- through the service, looking while the study is still open ------------------------------


@pytest.mark.parametrize("ref", ["C5", "G3"])  # a child, and a carer who signed for two children
def test_service_erase_and_vacuum_leave_no_page_or_wal_frame_with_their_words(
    demo_path: Path, ref: str
) -> None:
    today = dt.date(2009, 2, 1)
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        target = capture(study, ref)
        control = capture(study, CONTROL_REF)
        # Written in this same session, so older versions of these pages sit in WAL frames.
        signed = add_signed_markers(study, ref)
        needles = [*_needles(target), signed]
        words = [w.encode() for w in target.words]
        before = plaintext_everywhere(demo_path, PASSPHRASE)
        assert found_in(before, needles) == needles
        assert found_in(before.lower(), words) == words

        with study.transaction() as db:
            result = withdraw_participant(db, ref, on=today, erase=True)
        assert result.entries_erased == len(target.entry_ids)
        assert result.consents_erased == len(target.consent_ids)
        study.vacuum()

        open_now = plaintext_everywhere(demo_path, PASSPHRASE)  # main file + WAL + shm, live
        assert found_in(open_now, needles) == []
        assert found_in(open_now.lower(), words) == []
        assert found_in(open_now, _needles(control)) == _needles(control)
        assert_erased(study, target, today)

    closed = plaintext_everywhere(demo_path, PASSPHRASE)
    assert found_in(closed, needles) == []
    assert found_in(closed, _needles(control)) == _needles(control)


def test_a_guardian_erasure_takes_the_consents_they_signed_for_children(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        result = withdraw_participant(db, "G3", on=dt.date(2009, 2, 1), erase=True)
    assert result.consents_erased == 3  # their own verbal consent and one for each child
    with demo_study.transaction() as db:
        left = {
            c.ref
            for c in db.scalars(select(m.Consent))
            if "G3" in (c.participant.ref, c.on_behalf_of.ref if c.on_behalf_of else None)
        }
        assert left == set()
        # the children's own assents are theirs, not the carer's, and stay
        child_assents = db.scalars(
            select(m.Consent.ref)
            .join(m.Consent.participant)
            .where(m.Participant.ref.in_(["C4", "C5"]))
        ).all()
        assert sorted(child_assents) == ["K16", "K17"]
