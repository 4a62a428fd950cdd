"""The permission book of the demo study, against what its consents say by hand."""

from __future__ import annotations

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain.kinds import Permission
from plrdesk.services.permission_book import load_permission_book
from plrdesk.storage.study_file import StudyFile


def test_demo_permissions(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        book = load_permission_book(db, shipped_forms())
    # C5's assent says no to quotes (demo-study.json, consent K-for-C5): counted, never quoted.
    assert book.holds("C5", Permission.TAKE_PART)
    assert not book.holds("C5", Permission.QUOTE)
    assert book.holds("C1", Permission.QUOTE)
    assert book.is_withdrawn("C6")
    assert not book.is_withdrawn("P1")
    assert all(book.holds(f"P{n}", Permission.TAKE_PART) for n in range(1, 7))
