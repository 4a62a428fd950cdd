"""Every error says what it is: a full disk, a read-only folder, a truncated file.

Before: with 0 bytes free every command said "wrong passphrase" (exit 3); a read-only
folder gave "wrong passphrase" too; a truncated file whose first page still decrypts was
"wrong passphrase" (exit 3). Now: "the disk is full (N MB free); nothing was changed"
(exit 1), "STUDY is on a read-only disk or folder" for commands that write while those
that read still work, and "damaged" (exit 4).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.support.files import digest
from tests.support.mounts import fill, make_read_only, tmpfs


@pytest.fixture
def small_disk(tmp_path: Path, demo_path: Path) -> Iterator[Path]:
    """The demo study alone on a 2 MB disk; yields the study's path there."""
    with tmpfs(tmp_path / "disk", "2m") as disk:
        study = disk / "demo.plr"
        shutil.copyfile(demo_path, study)
        yield study


def _big_document(tmp_path: Path) -> Path:
    doc = {
        "format": "plrdesk-study",
        "version": 1,
        "sessions": [
            {
                "ref": "BIG",
                "kind": "other",
                "entries": [
                    {"ref": f"B{n}", "text": f"note {n} " + "words " * 400} for n in range(400)
                ],
            }
        ],
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    return path


def test_no_space_at_all_is_a_full_disk_not_a_wrong_passphrase(
    cli: Callable[..., CliResult], small_disk: Path, tmp_path: Path
) -> None:
    fill(small_disk.parent)
    before = digest(small_disk)
    for args in (["info", small_disk], ["import", small_disk, _big_document(tmp_path), "--merge"]):
        result = cli(*args)
        assert result.code == 1, result
        assert f"{small_disk}: the disk is full (0.0 MB free); nothing was changed" in result.err
        assert result.err.count("\n") == 1
    assert digest(small_disk) == before


def test_an_import_that_runs_out_of_space_changes_nothing(
    cli: Callable[..., CliResult], small_disk: Path, tmp_path: Path
) -> None:
    before = digest(small_disk)
    result = cli("import", small_disk, _big_document(tmp_path), "--merge")
    assert result.code == 1, result
    assert "the disk is full" in result.err
    assert "nothing was changed" in result.err
    assert digest(small_disk) == before
    shutil.rmtree(small_disk.parent / "demo.plr.backups", ignore_errors=True)
    assert cli("check", small_disk).code == 0


def test_an_output_onto_a_full_disk_says_so_and_leaves_no_partial(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "usb", "64k") as usb:
        fill(usb)
        (usb / "filler").unlink()  # room for a small file only
        (usb / "other.txt").write_bytes(b"x" * 40_000)
        result = cli("dump", demo_path, "-o", usb / "dump.json", "--yes")
        assert result.code == 1, result
        assert "the disk is full" in result.err
        assert [p.name for p in usb.iterdir()] == ["other.txt"]


def test_a_read_only_folder_still_reads_and_refuses_writes_plainly(
    cli: Callable[..., CliResult], small_disk: Path, tmp_path: Path
) -> None:
    make_read_only(small_disk.parent)
    assert cli("info", small_disk).code == 0
    assert cli("check", small_disk).code == 0
    assert cli("dump", small_disk, "-o", tmp_path / "d.json", "--yes").code == 0
    exported = cli("export", small_disk, "--format", "md", "-o", tmp_path / "e.md")
    assert exported.code == 0, exported.err
    for args in (
        ["import", small_disk, _big_document(tmp_path), "--merge"],
        ["withdraw", small_disk, "C1"],
        ["passwd", small_disk],
    ):
        result = cli(*args)
        assert result.code == 1, result
        assert result.err == f"plrdesk: {small_disk} is on a read-only disk or folder\n"


def test_a_truncated_file_whose_first_page_decrypts_is_damaged(
    cli: Callable[..., CliResult], demo_path: Path
) -> None:
    data = demo_path.read_bytes()
    demo_path.write_bytes(data[: 4096 * 3])
    result = cli("info", demo_path)
    assert result.code == 4, result
    assert "damaged" in result.err
    assert "wrong passphrase" not in result.err
