"""Form versions never drift: stored on first use, consents keep their own wording,
silent edits are caught by `forms check --study`, consents are counted per version."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.services.study_forms import catalog_for, consents_per_version, drifted
from plrdesk.shipped import forms_dir
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult


def test_import_stores_every_form_version_the_study_uses(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        stored = {(s.form_id, s.version): s for s in db.scalars(select(m.StoredForm))}
        consent_forms = set(db.execute(select(m.Consent.form, m.Consent.form_version)).all())
        guides = set(db.execute(select(m.StudySession.guide, m.StudySession.guide_version)).all())
    assert {("parental-consent", "1"), ("child-assent", "1")} <= set(stored)
    assert set(consent_forms) <= set(stored)
    assert {(g, v) for g, v in guides if g} <= set(stored)
    text = (forms_dir() / "parental-consent.yaml").read_text()
    assert stored[("parental-consent", "1")].source == text


def test_consents_are_counted_per_form_version(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        counts = consents_per_version(db)
    assert counts[("child-assent", "1")] == 6
    assert counts[("practitioner-consent", "1")] == 6
    assert sum(counts.values()) == 22


def test_info_lists_consents_per_version(cli: Callable[..., CliResult], demo_path: Path) -> None:
    result = cli("info", demo_path)
    assert "child-assent v1: 6" in result.out


@pytest.fixture
def edited_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project with forms/ editable, for changing wording under a study."""
    home = tmp_path / "project"
    shutil.copytree(forms_dir(), home / "forms")
    shutil.copytree(forms_dir().parent / "resources", home / "resources")
    monkeypatch.setenv("PLRDESK_HOME", str(home))
    return home / "forms"


def reword(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_consent_keeps_its_own_wording_after_forms_change(
    demo_study: StudyFile, edited_forms: Path
) -> None:
    reword(edited_forms / "parental-consent.yaml", 'version: "1"', 'version: "2"')
    reword(
        edited_forms / "parental-consent.yaml",
        "I agree that my child may",
        "I am happy that my child may",
    )
    with demo_study.transaction() as db:
        catalog = catalog_for(db, shipped_forms())
    old, new = catalog.get("parental-consent", "1"), catalog.get("parental-consent", "2")
    assert old is not None
    assert new is not None
    old_take_part, new_take_part = old.item("take-part"), new.item("take-part")
    assert old_take_part is not None
    assert new_take_part is not None
    assert old_take_part.text != new_take_part.text


def test_forms_check_catches_reworded_text_without_a_new_version(
    cli: Callable[..., CliResult], demo_path: Path, edited_forms: Path
) -> None:
    assert cli("forms", "check", "--study", demo_path).code == 0
    reword(edited_forms / "child-assent.yaml", "take part", "join in")
    result = cli("forms", "check", "--study", demo_path)
    assert result.code == 5
    assert "child-assent.yaml:" in result.out
    assert "raise the version" in result.out
    with (
        StudyFile.open(demo_path, "plum kettle orbit seventeen") as study,
        study.transaction() as db,
    ):
        assert [d.form_id for d in drifted(db, shipped_forms())] == ["child-assent"]


def test_a_changed_form_with_a_new_version_is_fine(
    cli: Callable[..., CliResult], demo_path: Path, edited_forms: Path
) -> None:
    reword(edited_forms / "child-assent.yaml", 'version: "1"', 'version: "2"')
    reword(edited_forms / "child-assent.yaml", "take part", "join in")
    assert cli("forms", "check", "--study", demo_path).code == 0


def test_import_refuses_unknown_guides_questions_and_answers(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    import json

    base: dict[str, object] = {"format": "plrdesk-study", "version": 1}
    cases: list[tuple[dict[str, object], str]] = [
        (
            {"sessions": [{"ref": "S50", "kind": "other", "guide": "nope", "entries": []}]},
            "sessions[0].guide",
        ),
        (
            {
                "sessions": [
                    {
                        "ref": "S50",
                        "kind": "practitioner-interview",
                        "guide": "practitioner-interview",
                        "entries": [{"ref": "E500", "question": "hobbies", "text": "x"}],
                    }
                ]
            },
            "sessions[0].entries[0].question",
        ),
        (
            {
                "consents": [
                    {
                        "ref": "K50",
                        "participant": "P1",
                        "form": "practitioner-consent",
                        "form_version": "9",
                        "method": "written",
                        "given_on": "2009-01-01",
                    }
                ]
            },
            "consents[0].form_version",
        ),
        (
            {
                "consents": [
                    {
                        "ref": "K50",
                        "participant": "P1",
                        "form": "practitioner-consent",
                        "form_version": "1",
                        "method": "written",
                        "given_on": "2009-01-01",
                        "answers": {"take-part": True, "photos": True},
                    }
                ]
            },
            "consents[0].answers.photos",
        ),
    ]
    for extra, path in cases:
        data = tmp_path / "extra.json"
        data.write_text(json.dumps(base | extra))
        result = cli("import", demo_path, data)
        assert result.code == 5, (path, result.err)
        assert f": {path}: " in result.err
