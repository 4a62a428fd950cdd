"""What a spreadsheet really does with the CSV's formula guard, asked of LibreOffice Calc
itself (its own CSV import, headless, as `soffice --convert-to` runs it): a guarded cell is
text, and the apostrophe stays in it as its first character; only a cell starting with "="
would have been a formula there. docs/export.md says so.

LibreOffice is not installed by CI (a large package); the test skips, saying so, where
`soffice` is missing. Install it with `apt-get install libreoffice-calc-nogui`."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from plrdesk.export.formats import write_export
from plrdesk.export.model import ExportBundle
from plrdesk.export.render_csv import cell

SOFFICE = shutil.which("soffice")
RISKY = [
    "=1+2",
    '=HYPERLINK("https://example.org","details")',
    "-1+2",
    "- and then she said it again",
    "+44 7700 900412",
    "@SUM(1,2)",
    "\t=1+2",
]
PLAIN = "Schools sometimes see us as outsiders"


def to_xlsx(source: Path, folder: Path) -> Path:
    """`source` opened by LibreOffice's CSV import (comma, double quote, UTF-8) and saved as
    .xlsx, in a profile of its own under `folder`."""
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / f"{source.stem}.xlsx"


def cells(path: Path) -> list[list[tuple[object, str]]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_guarded_cells_as_text_and_shows_the_apostrophe(
    demo_bundle: ExportBundle, tmp_path: Path
) -> None:
    first = demo_bundle.passages[0]
    rows = [dataclasses.replace(first, text=text) for text in [*RISKY, PLAIN]]
    bundle = dataclasses.replace(demo_bundle, passages=rows)
    ours = tmp_path / "quotes.csv"
    write_export(bundle, "csv", ours)
    # The same cells unguarded, to show which of them LibreOffice would evaluate.
    bare = tmp_path / "bare.csv"
    with bare.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows([["text"], *([t] for t in RISKY)])

    read = cells(to_xlsx(ours, tmp_path))
    quotes = [row[4] for row in read[1:]]
    assert [kind for _, kind in quotes] == ["s"] * len(quotes)  # no formula among them
    assert [value for value, _ in quotes] == [cell(t) for t in [*RISKY, PLAIN]]
    assert [value for value, _ in quotes][:-1] == [f"'{t}" for t in RISKY]  # shown as typed
    assert quotes[-1] == (PLAIN, "s")

    unguarded = [row[0] for row in cells(to_xlsx(bare, tmp_path))[1:]]
    formulas = [text for text, (_, kind) in zip(RISKY, unguarded, strict=True) if kind == "f"]
    assert formulas == [t for t in RISKY if t.startswith("=")]
