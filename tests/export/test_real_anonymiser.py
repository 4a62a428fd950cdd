"""The export with the real anonymiser (plrdesk.anonymise.engine), chosen the way every
export chooses it (plrdesk.export.study): no registered name in any format. Skipped until
the engine lands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.export.build import build_summary
from plrdesk.export.formats import FORMATS, write_export
from plrdesk.export.study import study_anonymiser
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import register_terms
from tests.export.support import words_found
from tests.export.test_renderers import read_back


def test_no_registered_name_leaves_with_the_real_anonymiser(
    demo_study: StudyFile, demo_dump: dict[str, Any], tmp_path: Path
) -> None:
    pytest.importorskip("plrdesk.anonymise.engine")
    with demo_study.transaction() as db:
        bundle = build_summary(db, shipped_forms(), study_anonymiser(db))
    terms = [t.text for t in register_terms(demo_dump)]
    assert bundle.summary.methods.participants == {"practitioner": 6, "parent": 4, "child": 5}
    assert bundle.redaction_counts  # the demo's sources name schools and people
    for fmt, suffix in FORMATS.items():
        path = tmp_path / f"summary{suffix}"
        write_export(bundle, fmt, path)
        assert words_found(read_back(fmt, path).replace("\\", ""), terms) == [], fmt
