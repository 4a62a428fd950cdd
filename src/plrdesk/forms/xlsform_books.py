"""The raw rows of an XLSForm workbook: .xlsx and .xlsm through openpyxl, the old Excel
97-2003 .xls through xlrd (which reads that format and nothing else).

The format is told by the file's first bytes, not its name: a zip (`PK`) is an Office Open
XML workbook, an OLE compound file is an old .xls. Sheets are chosen the way pyxform
chooses them (xls2json_backends.py): by name, ignoring case; a workbook with a single sheet
not named like an XLSForm sheet is the survey. As in pyxform, a sheet ends after 60 empty
rows in a row: what lies below that is not part of the form.
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from plrdesk.forms.problems import FormErrors, Problem

SHEETS = ("survey", "choices", "settings")
# Sheets pyxform knows: a lone sheet named one of these is not taken for the survey.
_XLSFORM_SHEETS = {*SHEETS, "external_choices", "entities", "osm"}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"
MAX_EMPTY_ROWS = 60
MAX_XLS_BYTES = 64 * 1024 * 1024  # xlrd reads the whole file into memory; forms are < 1 MB

RawRows = list[tuple[int, list[str]]]  # (spreadsheet row, 1-based; its cells as text)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A non-breaking space is a space (pyxform does the same).
    return str(value).replace("\xa0", " ").strip()


def read_raw(path: Path) -> dict[str, RawRows]:
    """The survey, choices and settings sheets that exist, as rows of text; FormErrors if
    the file is not a workbook this can read or has no survey sheet."""
    try:
        with path.open("rb") as stream:
            signature = stream.read(4)
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror or exc})") from None
    if signature == _OLE_SIGNATURE:
        sheets = _guarded(path, ".xls", _read_xls)
    elif signature.startswith(b"PK"):
        sheets = _guarded(path, ".xlsx", _read_xlsx)
    else:
        raise _fail(path, "not an Excel workbook (.xlsx, .xlsm or .xls)")
    if "survey" not in sheets:
        raise _fail(path, "the workbook has no 'survey' sheet")
    return sheets


def _fail(path: Path, message: str) -> FormErrors:
    return FormErrors([Problem(str(path), 1, message)])


def _guarded(
    path: Path, kind: str, read: Callable[[Path], dict[str, RawRows]]
) -> dict[str, RawRows]:
    try:
        result = read(path)
    except FormErrors:
        raise
    except Exception as exc:  # a damaged or foreign file can fail anywhere inside the reader
        reason = f"{type(exc).__name__}: {exc}"[:160]
        raise _fail(path, f"not a readable {kind} workbook ({reason})") from None
    return result


def _chosen(names: list[str]) -> dict[str, str]:
    """XLSForm sheet -> the workbook's sheet name."""
    found = {str(name).strip().casefold(): name for name in names}
    chosen = {wanted: found[wanted] for wanted in SHEETS if wanted in found}
    if len(names) == 1 and names[0].strip().casefold() not in _XLSFORM_SHEETS:
        chosen["survey"] = names[0]
    return chosen


def _rows(values: Iterable[Iterable[str]]) -> RawRows:
    """Non-empty rows with their numbers, up to a run of more than 60 empty rows."""
    rows: RawRows = []
    empty = 0
    for number, row in enumerate(values, start=1):
        texts = list(row)
        if any(texts):
            rows.append((number, texts))
            empty = 0
        elif rows:
            empty += 1
            if empty > MAX_EMPTY_ROWS:
                break
    return rows


def _read_xlsx(path: Path) -> dict[str, RawRows]:
    import openpyxl

    sheets: dict[str, RawRows] = {}
    with warnings.catch_warnings(), path.open("rb") as stream:
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
        # An .xlsm opens like an .xlsx: openpyxl reads its cells and never runs a macro.
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            for wanted, name in _chosen(list(book.sheetnames)).items():
                sheet = book[name]
                sheet.reset_dimensions()  # some writers record a wrong size
                values = sheet.iter_rows(values_only=True)
                sheets[wanted] = _rows([cell_text(v) for v in row] for row in values)
        finally:
            book.close()
    return sheets


def _read_xls(path: Path) -> dict[str, RawRows]:
    import xlrd  # type: ignore[import-untyped]

    if path.stat().st_size > MAX_XLS_BYTES:
        raise _fail(path, "the .xls file is larger than 64 MiB: that is not a form")
    book = xlrd.open_workbook(file_contents=path.read_bytes(), on_demand=True)
    try:
        sheets: dict[str, RawRows] = {}
        for wanted, name in _chosen(list(book.sheet_names())).items():
            sheet = book.sheet_by_name(name)
            rows = (_xls_row(sheet.row(r), book.datemode) for r in range(sheet.nrows))
            sheets[wanted] = _rows(rows)
        return sheets
    finally:
        book.release_resources()


def _xls_row(cells: list[Any], datemode: int) -> Iterator[str]:
    import xlrd

    for cell in cells:
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            yield cell_text(bool(cell.value))
        elif cell.ctype == xlrd.XL_CELL_DATE:
            yield _xls_date(cell.value, datemode)
        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            yield ""
        else:
            yield cell_text(cell.value)


def _xls_date(value: float, datemode: int) -> str:
    """A date cell as text, as openpyxl would give it (`2024-01-31 00:00:00`)."""
    import xlrd

    parts = xlrd.xldate_as_tuple(value, datemode)
    if parts[:3] == (0, 0, 0):
        return str(datetime.time(*parts[3:]))
    return str(datetime.datetime(*parts))
