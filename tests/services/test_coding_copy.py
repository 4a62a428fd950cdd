"""The blind coding copy: what goes into it, what never does, and the same ids."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId
from plrdesk.export.coding_copy import coding_copy_anonymisation
from plrdesk.services.coding_copy import CopyMade, CopyRequest, make_coding_copy
from plrdesk.services.entries import flag_safeguarding
from plrdesk.services.study_forms import catalog_for
from plrdesk.services.withdrawal import withdraw_participant
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE

COPY_PASSPHRASE = "violet harbour canoe ninety"


def make_copy(
    study: StudyFile, out: Path, coder: str = "Dana Mentor", *, anonymised: bool
) -> CopyMade:
    with study.transaction() as db:
        catalog = catalog_for(db, shipped_forms())
        anon = coding_copy_anonymisation(db, catalog) if anonymised else None
        return make_coding_copy(db, out, COPY_PASSPHRASE, CopyRequest(coder, anon), catalog)


def decrypted_content(path: Path) -> str:
    """Every value of every table of the copy, as text, case-folded: what a reader who
    has the passphrase could see in the file."""
    values: list[str] = []
    with StudyFile.open(path, COPY_PASSPHRASE) as copy:
        tables = [
            r[0] for r in copy.raw_execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in copy.raw_execute(f'SELECT * FROM "{table}"'):
                values += [
                    v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row
                ]
    return "\n".join(values).casefold()


def register_words(study: StudyFile) -> tuple[set[str], set[str]]:
    """The register in every form: whole names and their parts, identifiers and their
    aliases; and the participants' contacts."""
    words: set[str] = set()
    contacts: set[str] = set()
    with study.transaction() as db:
        for p in db.scalars(select(m.Participant)):
            words.add(p.name)
            words.update(part for part in re.split(r"[\s-]+", p.name) if len(part) > 2)
            if p.contact:
                contacts.add(p.contact)
        for i in db.scalars(select(m.Identifier)):
            words.add(i.text)
            words.update(i.aliases)
    return {w.casefold() for w in words}, {c.casefold() for c in contacts}


def test_a_plain_copy_is_blind_and_keeps_every_id(demo_study: StudyFile, tmp_path: Path) -> None:
    out = tmp_path / "copy.plr"
    made = make_copy(demo_study, out, anonymised=False)
    with demo_study.transaction() as db:
        original = db.scalars(select(m.Study)).one()
        entries = {e.id: e.text for e in db.scalars(select(m.Entry))}
        themes = {t.id: t.name for t in db.scalars(select(m.Theme))}
        sessions = set(db.scalars(select(m.StudySession.id)))
        assert db.scalar(select(text("count(*)")).select_from(m.Coding)) > 0
        record = db.get(m.CodingCopy, made.copy_id)
        assert record is not None
        assert record.coder == "Dana Mentor"
    with StudyFile.open(out, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        study = db.scalars(select(m.Study)).one()
        assert study.copy_of_id == original.id
        assert study.copy_coder == "Dana Mentor"
        assert study.researcher == "Dana Mentor"
        assert study.id == made.copy_id
        assert list(db.scalars(select(m.Coding))) == []
        copied = {e.id: e.text for e in db.scalars(select(m.Entry))}
        assert copied == {i: entries[i] for i in copied}  # word for word, under the same ids
        assert {t.id: t.name for t in db.scalars(select(m.Theme))} == themes
        assert set(db.scalars(select(m.StudySession.id))) == sessions
        assert list(db.scalars(select(m.Consent))) == []
        assert list(db.scalars(select(m.Identifier))) == []
        assert all(p.contact is None for p in db.scalars(select(m.Participant)))
    # the demo has a withdrawn child and a flagged disclosure: all else goes
    assert made.withdrawn_entries + made.safeguarding_entries > 0
    assert (
        len(copied)
        == made.entries
        == len(entries) - made.withdrawn_entries - made.safeguarding_entries
    )


def test_an_anonymised_copy_holds_no_name_no_contact_anywhere(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    out = tmp_path / "copy.plr"
    made = make_copy(demo_study, out, anonymised=True)
    assert made.redactions > 0
    names, contacts = register_words(demo_study)
    content = decrypted_content(out)
    found = sorted(w for w in names if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", content))
    assert found == []
    assert [c for c in contacts if c in content] == []
    assert "[school]" in content  # the demo's notes name schools: labels stand in for them
    with StudyFile.open(out, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        # nothing of where names were: the replacement map stays in the original
        assert list(db.scalars(select(m.CodingCopyEntry))) == []
        assert list(db.scalars(select(m.CodingCopy))) == []
    with demo_study.transaction() as db:
        assert len(list(db.scalars(select(m.CodingCopyEntry)))) == made.entries


def test_an_anonymised_copy_names_people_by_descriptor_and_keeps_ids(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    out = tmp_path / "copy.plr"
    made = make_copy(demo_study, out, anonymised=True)
    with demo_study.transaction() as db:
        people = {p.id: p for p in db.scalars(select(m.Participant))}
        entry_ids = set(db.scalars(select(m.Entry.id)))
    with StudyFile.open(out, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        copied = list(db.scalars(select(m.Participant)))
        assert copied
        for p in copied:
            assert p.id in people
            assert p.name != people[p.id].name
            assert p.attributes == {}
            assert p.contact is None
        copied_entries = set(db.scalars(select(m.Entry.id)))
        assert copied_entries <= entry_ids
        assert len(copied_entries) == made.entries
        assert list(db.scalars(select(m.Guardianship))) == []


def test_withdrawn_and_flagged_entries_are_left_out(demo_study: StudyFile, tmp_path: Path) -> None:
    with demo_study.transaction() as db:
        spoken = db.scalars(select(m.Entry).where(m.Entry.speaker_id.is_not(None))).all()
        withdrawn = spoken[0].speaker
        assert withdrawn is not None
        withdraw_participant(db, withdrawn.ref, on=dt.date(2009, 1, 5))
        theirs = {e.id for e in spoken if e.speaker_id == withdrawn.id}
        flagged = next(e for e in spoken if e.speaker_id != withdrawn.id)
        flag_safeguarding(db, EntryId(flagged.id), "told the safeguarding lead")
        everyone = {
            e.id
            for e in db.scalars(select(m.Entry))
            if e.safeguarding_flagged_at is None
            and (e.speaker is None or e.speaker.withdrawn_on is None)
        }
    for anonymised in (False, True):
        out = tmp_path / f"copy-{anonymised}.plr"
        made = make_copy(demo_study, out, anonymised=anonymised)
        assert made.withdrawn_entries >= len(theirs)
        assert made.safeguarding_entries >= 1
        with StudyFile.open(out, COPY_PASSPHRASE) as copy, copy.transaction() as db:
            assert set(db.scalars(select(m.Entry.id))) == everyone
            assert not (theirs | {flagged.id}) & everyone
            assert db.get(m.Participant, withdrawn.id) is None


def test_an_existing_file_is_never_replaced(demo_study: StudyFile, tmp_path: Path) -> None:
    out = tmp_path / "copy.plr"
    out.write_bytes(b"someone's file")
    with pytest.raises(Exception, match="already exists"):
        make_copy(demo_study, out, anonymised=False)
    assert out.read_bytes() == b"someone's file"


def test_the_copy_opens_only_with_its_own_passphrase(demo_study: StudyFile, tmp_path: Path) -> None:
    out = tmp_path / "copy.plr"
    make_copy(demo_study, out, anonymised=True)
    with pytest.raises(Exception, match="passphrase"):
        StudyFile.open(out, PASSPHRASE)


def test_a_coder_is_needed() -> None:
    with pytest.raises(ValueError, match="coder"):
        CopyRequest("  ")


def test_an_entry_repeating_a_flagged_one_stays_out_of_an_anonymised_copy(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    """A disclosure's sentence said again in another note would reach the second coder: the
    export holds such an entry back for review (export.overlap); a copy leaves it out."""
    said = "he said his stepdad locks him out of the flat when he is late home"
    with demo_study.transaction() as db:
        spoken = db.scalars(
            select(m.Entry).where(m.Entry.speaker_id.is_not(None)).order_by(m.Entry.position)
        ).all()
        flagged, repeating, other = spoken[0], spoken[5], spoken[6]
        flagged.text = f"Told me that {said}."
        repeating.text = f"Her friend also heard that {said}, she thinks."
        other.text = "He said he is late home some days."  # a few words alike: stays
        db.flush()
        flag_safeguarding(db, EntryId(flagged.id), "told the safeguarding lead")
    out = tmp_path / "copy.plr"
    made = make_copy(demo_study, out, anonymised=True)
    assert made.repeating_entries == 1
    assert "1 repeating an excluded entry's words" in made.summary()
    with StudyFile.open(out, COPY_PASSPHRASE) as copy, copy.transaction() as db:
        copied = set(db.scalars(select(m.Entry.id)))
    assert repeating.id not in copied
    assert flagged.id not in copied
    assert other.id in copied
    assert said not in decrypted_content(out)
