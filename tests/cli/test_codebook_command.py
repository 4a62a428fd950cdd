"""`plrdesk codebook export|import`: the theme panel's codebook exchange from the command line.

Real study files throughout: a codebook exported from the demo study and imported into an
empty one gives the same codebook back; a bad codebook is one line naming the file and the
place, exit 5, and the study's bytes are unchanged; an output onto the study is refused.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.services.themes import list_themes
from plrdesk.storage.study_file import StudyFile
from tests.cli.test_output_guard import SPELLINGS, _listing, _spell
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest
from tests.support.mounts import fill, tmpfs

Cli = Callable[..., CliResult]

DEMO_NAMES = [
    "Relationships between professionals",
    "Knowing and using common tools",
    "Using the CAF",
    "Engaging children and parents",
    "Managing expectations and clarity of roles",
]


def tree(path: Path) -> list[tuple[str, str | None, str | None, str, int]]:
    """(name, parent's name, description, colour, depth) in reading order: what a codebook
    carries, whatever the refs."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        rows = list_themes(db)
    names = {row.id: row.name for row in rows}
    return [
        (
            r.name,
            names.get(r.parent_id) if r.parent_id else None,
            r.description,
            r.shown_colour,
            r.depth,
        )
        for r in rows
    ]


@pytest.mark.parametrize("fmt", ["qdc", "csv"])
def test_export_then_import_into_another_study_round_trips(
    cli: Cli, demo_path: Path, empty_study_path: Path, tmp_path: Path, fmt: str
) -> None:
    book = tmp_path / f"book.{fmt}"
    exported = cli("codebook", "export", demo_path, "--format", fmt, "-o", book)
    assert exported.code == 0, exported.err
    assert exported.out == f"exported 5 themes to {book} ({fmt})\n"

    imported = cli("codebook", "import", empty_study_path, book)
    assert imported.code == 0, imported.err
    assert imported.out == (f"imported the codebook {book} into {empty_study_path}: 5 new themes\n")
    assert tree(empty_study_path) == tree(demo_path)
    assert [name for name, *_ in tree(empty_study_path)] == DEMO_NAMES

    again = tmp_path / f"again.{fmt}"
    assert cli("codebook", "export", empty_study_path, "--format", fmt, "-o", again).code == 0
    if fmt == "qdc":  # the guids travel, so the second study's codebook is the same file
        assert again.read_bytes() == book.read_bytes()
    # The same file again changes nothing, and says so.
    repeat = cli("codebook", "import", empty_study_path, book)
    assert repeat.code == 0, repeat.err
    assert repeat.out.endswith(": nothing new: every theme in it is in the study already\n")


def test_the_format_follows_the_option_else_the_name(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    assert cli("codebook", "export", demo_path, "-o", tmp_path / "a.csv").code == 0
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbfref,name,parent_ref")
    assert cli("codebook", "export", demo_path, "-o", tmp_path / "b.xml").code == 0
    assert b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"' in (tmp_path / "b.xml").read_bytes()
    result = cli("codebook", "export", demo_path, "--format", "csv", "-o", tmp_path / "c.txt")
    assert result.code == 0
    assert (tmp_path / "c.txt").read_bytes().startswith(b"\xef\xbb\xbfref,")


def test_a_name_two_themes_share_is_exported_with_a_warning(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    book = tmp_path / "twice.csv"
    book.write_text("name,parent_ref\nOther,T1\nOther,T3\n", encoding="utf-8")
    assert cli("codebook", "import", demo_path, book).code == 0
    result = cli("codebook", "export", demo_path, "-o", tmp_path / "book.qdc")
    assert result.code == 0
    assert result.err == (
        "plrdesk: 'Other' names more than one theme; QualCoder keeps only the first of each"
        " name (rename one to keep both)\n"
    )


def test_a_codebook_from_qualcoder_imports_as_nested_themes(
    cli: Cli, empty_study_path: Path, tmp_path: Path
) -> None:
    """QualCoder writes categories as `isCodable="false"` codes holding their codes."""
    book = tmp_path / "Codebook-project.qdc"
    book.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"'
        ' xsi:schemaLocation="urn:QDA-XML:codebook:1.0 Codebook.xsd" origin="QualCoder"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Codes>\n'
        '<Code guid="6f1c2a4e-0b7d-4c1e-9a53-3d2b8e7f1a01" name="Trust" isCodable="true"'
        ' color="#F781F3">\n<Description>Who trusts whom</Description>\n</Code>\n'
        '<Code guid="6f1c2a4e-0b7d-4c1e-9a53-3d2b8e7f1a02" name="Transitions"'
        ' isCodable="false">\n'
        '<Code guid="6f1c2a4e-0b7d-4c1e-9a53-3d2b8e7f1a03" name="Año 7" isCodable="true"'
        ' color="#81BEF7">\n</Code>\n</Code>\n</Codes>\n</CodeBook>\n',
        encoding="utf-8",
    )
    result = cli("codebook", "import", empty_study_path, book)
    assert result.code == 0, result.err
    assert result.out.endswith(": 3 new themes\n")
    assert [(n, p, d, depth) for n, p, d, _c, depth in tree(empty_study_path)] == [
        ("Trust", None, "Who trusts whom", 0),
        ("Transitions", None, None, 0),
        ("Año 7", "Transitions", None, 1),
    ]


QDC_HEAD = '<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n'
GUID = "0b8f3c52-6a8e-4f55-9d6c-1e0f6a9b7c"

BAD = {
    "bad.csv": (
        "name,colour\nFine,#123456\nBroken,red\n",
        "bad.csv: line 3, column colour: 'red' is not a colour like #1f77b4",
    ),
    "nameless.csv": ("name,description\nFine,ok\n,no name\n", "nameless.csv: line 3, column name:"),
    "orphan.csv": (  # only the study can say T9 is not one of its themes
        "ref,name,parent_ref\nX1,Waiting lists,T9\n",
        "orphan.csv: line 2, column parent_ref: there is no theme T9 in this file or in the study",
    ),
    "loop.csv": (
        "ref,name,parent_ref\nA,First,B\nB,Second,A\n",
        "loop.csv: line 2, column parent_ref: 'First' would be inside itself",
    ),
    "broken.qdc": (
        QDC_HEAD + f'<Code guid="{GUID}01" name="Open"',
        "broken.qdc: line 3, column 1: this is not well-formed XML (unclosed token)",
    ),
    "twice.qdc": (
        QDC_HEAD
        + f'<Code guid="{GUID}01" name="One"/>\n<Code guid="{GUID}01" name="Two"/>\n'
        + "</Codes></CodeBook>\n",
        f"twice.qdc: line 4: the guid {GUID}01 is also the guid on line 3",
    ),
    "entity.qdc": (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<CodeBook/>\n',
        "entity.qdc: line 2: a codebook may not hold a DOCTYPE",
    ),
    "project.qdpx": (
        "PK\x03\x04 a zip",
        "project.qdpx: this is a zip archive (a .qdpx project, or an Excel workbook?)",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_codebook_is_one_line_naming_file_and_place_and_changes_nothing(
    cli: Cli, demo_path: Path, tmp_path: Path, name: str
) -> None:
    text, expected = BAD[name]
    book = tmp_path / "books" / name
    book.parent.mkdir()
    book.write_text(text, encoding="utf-8")
    before = _listing(demo_path.parent)
    result = cli("codebook", "import", demo_path, book)
    assert result.code == 5, result
    assert result.err.startswith(f"plrdesk: {tmp_path / 'books'}/{expected}"), result.err
    assert result.err.count("\n") == 1
    assert result.out == ""
    assert _listing(demo_path.parent) == before  # the study, and nothing left beside it


def test_a_file_that_is_wrong_in_itself_is_refused_before_the_passphrase(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    book = tmp_path / "bad.csv"
    book.write_text("name,colour\nBroken,red\n", encoding="utf-8")
    missing_key = tmp_path / "no-such-passphrase-file"
    result = cli("codebook", "import", demo_path, book, "--passphrase-file", missing_key)
    assert result.code == 5, result
    assert "bad.csv: line 2, column colour" in result.err


def test_a_missing_codebook_or_study_says_which(cli: Cli, demo_path: Path, tmp_path: Path) -> None:
    gone = cli("codebook", "import", demo_path, tmp_path / "gone.qdc")
    assert gone.code == 5
    assert (
        gone.err
        == f"plrdesk: {tmp_path / 'gone.qdc'}: cannot read it (No such file or directory)\n"
    )
    book = tmp_path / "book.qdc"
    assert cli("codebook", "export", demo_path, "-o", book).code == 0
    no_study = cli("codebook", "import", tmp_path / "nope.plr", book)
    assert no_study.code == 4
    assert no_study.err == f"plrdesk: {tmp_path / 'nope.plr'}: no such file\n"


def test_a_wrong_passphrase_changes_nothing(cli: Cli, demo_path: Path, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_text("name\nNew theme\n", encoding="utf-8")
    before = digest(demo_path)
    result = cli("codebook", "import", demo_path, book, passphrase="not the passphrase at all")
    assert result.code == 3
    assert digest(demo_path) == before


@pytest.mark.parametrize("how", SPELLINGS)
def test_an_export_onto_the_study_is_refused(
    cli: Cli, demo_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    target = _spell(demo_path, how, monkeypatch)
    before = _listing(demo_path.parent)
    result = cli("codebook", "export", demo_path, "--format", "qdc", "-o", target)
    assert result.code == 2, result
    assert result.err.count("\n") == 1
    assert "nothing was written" in result.err
    assert _listing(demo_path.parent) == before


def test_an_export_onto_another_study_or_into_no_folder_is_refused(
    cli: Cli, demo_path: Path, empty_study_path: Path, tmp_path: Path
) -> None:
    before = digest(empty_study_path)
    onto = cli("codebook", "export", demo_path, "-o", empty_study_path)
    assert onto.code == 2
    assert "cannot overwrite a plrdesk study file" in onto.err
    assert digest(empty_study_path) == before
    nowhere = cli("codebook", "export", demo_path, "-o", tmp_path / "no" / "book.qdc")
    assert nowhere.code == 2
    assert nowhere.err == f"plrdesk: {tmp_path / 'no'}: no such folder for the output\n"


def test_an_empty_study_has_no_qdc_but_an_empty_csv(
    cli: Cli, empty_study_path: Path, tmp_path: Path
) -> None:
    qdc = cli("codebook", "export", empty_study_path, "-o", tmp_path / "none.qdc")
    assert qdc.code == 1
    assert qdc.err == (
        f"plrdesk: {empty_study_path}: there are no themes to export yet; nothing was written\n"
    )
    assert not (tmp_path / "none.qdc").exists()
    csv = cli("codebook", "export", empty_study_path, "-o", tmp_path / "none.csv")
    assert csv.code == 0
    assert csv.out == f"exported 0 themes to {tmp_path / 'none.csv'} (csv)\n"


def test_an_export_onto_a_full_disk_says_so_and_leaves_no_partial(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "usb", "64k") as usb:
        fill(usb)
        result = cli("codebook", "export", demo_path, "-o", usb / "book.qdc")
        assert result.code == 1, result
        assert "the disk is full" in result.err
        assert result.err.count("\n") == 1
        assert [p.name for p in usb.iterdir()] == ["filler"]


def test_an_import_into_a_study_on_a_read_only_disk_is_refused(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    from tests.support.mounts import make_read_only

    book = tmp_path / "book.csv"
    book.write_text("name\nNew theme\n", encoding="utf-8")
    with tmpfs(tmp_path / "ro", "2m") as disk:
        study = disk / "demo.plr"
        shutil.copyfile(demo_path, study)
        make_read_only(disk)
        result = cli("codebook", "import", study, book)
        assert result.code == 1, result
        assert result.err == f"plrdesk: {study} is on a read-only disk or folder\n"
        # Reading still works there: the export is only a read.
        assert cli("codebook", "export", study, "-o", tmp_path / "out.qdc").code == 0


def test_help_lists_both_actions(cli: Cli) -> None:
    result = cli("codebook", "--help")
    assert result.code == 0
    assert "export" in result.out
    assert "import" in result.out
    for action in ("export", "import"):
        helped = cli("codebook", action, "--help")
        assert helped.code == 0
        assert f"usage: plrdesk codebook {action}" in helped.out
    assert cli("codebook").code == 2
