"""Every study this process has open is guarded from its own outputs, counted per open: a
study opened twice (a command and the app's copy, two windows) stays guarded until the
last of them closes."""

from __future__ import annotations

from pathlib import Path

import pytest

from plrdesk.storage import files
from plrdesk.storage.errors import WouldOverwriteStudy


def test_a_study_open_twice_stays_guarded_until_both_close(tmp_path: Path) -> None:
    study = tmp_path / "renamed.dat"  # not a .plr name: only the open-study guard knows it
    study.write_bytes(b"x")
    with files.protected(study):
        with files.protected(study):
            pass  # one of the two closes
        with pytest.raises(WouldOverwriteStudy):
            files.refuse_study_target(study)
    files.refuse_study_target(study)  # both closed: no longer an open study
