"""No command writes its output over the study or a sidecar, by any spelling of the path.

Before: `dump s.plr -o s.plr --yes` replaced the encrypted study with plain JSON (exit 0),
`export`/`forms print` destroyed it the same way, `backup s.plr s.plr-wal` "succeeded".
Now each is refused with exit 2 and one line, and no byte on disk changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.storage import files
from plrdesk.storage.errors import WouldOverwriteStudy
from tests.conftest import CliResult
from tests.support.files import digest

SPELLINGS = ["same", "dot", "absolute", "parent", "symlink", "hardlink", "wal", "shm", "journal"]


def _spell(study: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(study.parent)
    if how == "same":
        return Path(study.name)
    if how == "dot":
        return Path(".") / study.name
    if how == "absolute":
        return study.resolve()
    if how == "parent":
        return Path("..") / study.parent.name / study.name
    if how == "symlink":
        link = study.with_name("innocent.json")
        link.symlink_to(study)
        return link
    if how == "hardlink":
        link = study.with_name("innocent.pdf")
        os.link(study, link)
        return link
    return study.with_name(study.name + f"-{how}")


def _listing(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _command(kind: str, study: Path, out: Path) -> list[str | Path]:
    if kind == "dump":
        return ["dump", study, "-o", out, "--yes"]
    if kind == "export":
        return ["export", study, "--format", "json", "-o", out]
    if kind == "forms print":
        return ["forms", "print", "parental-consent", "--study", study, "-o", out]
    return ["backup", study, out, "--overwrite"]


@pytest.mark.parametrize("how", SPELLINGS)
@pytest.mark.parametrize("kind", ["dump", "export", "forms print", "backup"])
def test_an_output_onto_the_study_is_refused_and_nothing_changes(
    cli: Callable[..., CliResult],
    demo_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    how: str,
) -> None:
    target = _spell(demo_path, how, monkeypatch)
    before = _listing(demo_path.parent)
    result = cli(*_command(kind, demo_path, target))
    assert result.code == 2, result
    assert result.err.count("\n") == 1
    assert "nothing was written" in result.err
    assert _listing(demo_path.parent) == before


def test_an_output_onto_another_study_is_refused_but_a_backup_may_replace_one(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.plr"
    assert cli("backup", demo_path, other).code == 0
    before = digest(other)
    refused = cli("dump", demo_path, "-o", other, "--yes")
    assert refused.code == 2
    assert "cannot overwrite a plrdesk study file" in refused.err
    assert digest(other) == before
    assert cli("backup", demo_path, other, "--overwrite").code == 0


def test_the_guard_knows_every_study_this_process_has_open(tmp_path: Path) -> None:
    study = tmp_path / "open.plr"
    study.write_bytes(b"x" * 4096)
    with files.protected(study):
        with pytest.raises(WouldOverwriteStudy, match=r"the study open\.plr's -wal file"):
            files.write_atomically(tmp_path / "open.plr-wal", b"{}", private=True)
        with pytest.raises(WouldOverwriteStudy, match="itself"):
            files.write_atomically(tmp_path / "." / "open.plr", b"{}", private=True)
    assert study.read_bytes() == b"x" * 4096


def test_writes_are_private_unless_asked_otherwise(tmp_path: Path) -> None:
    files.write_atomically(tmp_path / "private.json", b"{}", private=True)
    files.write_atomically(tmp_path / "shared.yaml", b"a: 1", private=False)
    assert (tmp_path / "private.json").stat().st_mode & 0o777 == 0o600
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "shared.yaml").stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["private.json", "shared.yaml"]


@pytest.mark.parametrize("target", ["demo.plr", "demo.plr-wal", "innocent.yaml"])
def test_a_converted_xlsform_never_lands_on_a_study(
    cli: Callable[..., CliResult], demo_path: Path, target: str
) -> None:
    from tests.forms.test_xlsform import HEADER, workbook

    (demo_path.parent / "demo.plr-wal").write_bytes(b"")  # as if the study were open
    if target == "innocent.yaml":
        (demo_path.parent / target).symlink_to(demo_path)
    xlsx = workbook(demo_path.parent / "form.xlsx", [HEADER, ["text", "name", "Your name"]])
    before = _listing(demo_path.parent)
    result = cli("forms", "import-xlsform", xlsx, "-o", demo_path.parent / target)
    assert result.code == 2, result
    assert "cannot overwrite a plrdesk study file" in result.err
    assert _listing(demo_path.parent) == before
