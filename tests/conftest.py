"""Shared fixtures: every test gets its own config/data/temp folders and fresh studies.

A demo study is built once per test session (key derivation and import cost ~0.3 s)
and each test gets its own byte copy of that closed file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from plrdesk.cli.app import run
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.interchange.parse import parse_document
from plrdesk.services.study_import import import_document
from plrdesk.shipped import demo_study_json
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point home, XDG locations and the temp folder at a per-test folder; no stray env."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
        ("TMPDIR", "tmp"),
    ]:
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(folder))
    for var in ("PLRDESK_PASSPHRASE", "PLRDESK_NEW_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.plr"
    text = demo_study_json().read_text(encoding="utf-8")
    doc = parse_document(text, "demo")
    assert doc.study is not None
    with (
        StudyFile.create(path, PASSPHRASE, title=doc.study.title) as study,
        study.transaction() as db,
    ):
        import_document(db, doc, merge=False, source="demo", forms=shipped_forms(), new_study=True)
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh, closed copy of the demo study (safe to change)."""
    path = tmp_path / "demo.plr"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_study(demo_path: Path) -> Iterator[StudyFile]:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        yield study


@pytest.fixture
def empty_study_path(tmp_path: Path) -> Path:
    """A new, closed study with a title and nothing else."""
    path = tmp_path / "empty.plr"
    StudyFile.create(path, PASSPHRASE, title="Empty study").close()
    return path


@pytest.fixture
def empty_study(empty_study_path: Path) -> Iterator[StudyFile]:
    with StudyFile.open(empty_study_path, PASSPHRASE) as study:
        yield study


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run `plrdesk ARGS` in-process with the test passphrase in the environment."""

    def invoke(*args: str | Path, passphrase: str | None = PASSPHRASE) -> CliResult:
        if passphrase is None:
            monkeypatch.delenv("PLRDESK_PASSPHRASE", raising=False)
        else:
            monkeypatch.setenv("PLRDESK_PASSPHRASE", passphrase)
        capsys.readouterr()
        try:
            code = run([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help and usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke
