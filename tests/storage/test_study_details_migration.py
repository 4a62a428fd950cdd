"""Revision 0008: a study made before the study details had their own columns opens,
upgrades, and keeps its one contact line as the contact forms print."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path

from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.services.study_details import StudyDetails, set_study_details, study_details
from plrdesk.storage import cipher, migrate
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE


def make_study_at_0007(path: Path) -> None:
    """A study as plrdesk wrote it before 0008, with the details that version had."""
    study = StudyFile(path, cipher.connect(path, PASSPHRASE, must_exist=False))
    migrate.upgrade(study.engine, "0007")
    now = dt.datetime.now(dt.UTC).isoformat()
    study.raw_execute(
        "INSERT INTO study (id, title, researcher, organisation, contact, aims, endorsed_by,"
        " endorsed_on, created_at) VALUES"
        f" ('{uuid.uuid4().hex}', 'Old', 'Claire Beaumont', 'Brightpath Youth Trust',"
        " '01632 960123, researcher@example.org', '[\"An aim\"]', 'Lead commissioner',"
        f" '2008-11-10', '{now}')"
    )
    study.close()


def test_an_older_study_upgrades_and_keeps_its_contact_line(tmp_path: Path) -> None:
    path = tmp_path / "old.plr"
    make_study_at_0007(path)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        assert migrate.current_revision(study.engine) == migrate.HEAD
        details = study_details(db)
        assert details == StudyDetails(
            title="Old",
            researcher="Claire Beaumont",
            organisation="Brightpath Youth Trust",
            other_contact="01632 960123, researcher@example.org",
            aims=("An aim",),
            endorsed_by="Lead commissioner",
            endorsed_on=dt.date(2008, 11, 10),
        )
        row = db.scalars(select(m.Study)).one()
        assert row.contact == "01632 960123, researcher@example.org"  # what forms print


def test_the_new_columns_take_details_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.plr"
    make_study_at_0007(path)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        details = study_details(db)
        changed = dataclasses.replace(
            details,
            phone="020 7946 0000",
            endorser_role="Head of service",
            ethics_reference="ETH-1",
        )
        set_study_details(db, changed)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        again = study_details(db)
    assert (again.phone, again.endorser_role, again.ethics_reference) == (
        "020 7946 0000",
        "Head of service",
        "ETH-1",
    )
    assert again.other_contact == "01632 960123, researcher@example.org"
