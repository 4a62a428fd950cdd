"""Reading an XLSForm workbook for `xlsform.py`: each sheet as rows of text by column.

Only the `survey`, `choices` and `settings` sheets are read (names matched ignoring case).
The first non-empty row of a sheet is its header. Column names are matched ignoring case
and through pyxform's aliases (`caption` = `label`, `bind::relevant` = `relevant`, ...);
a translated column keeps its language: `label::English (en)` becomes the key
`label::English (en)`. Cells become stripped text: `1.0` is "1", TRUE is "true".
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plrdesk.forms.problems import FormErrors, Problem

SHEETS = ("survey", "choices", "settings")
TRANSLATED = ("label", "hint", "constraint_message")  # the columns read in one language
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls

_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "bind::relevant": "relevant",
    "bind::required": "required",
    "bind::constraint": "constraint",
    "constraint message": "constraint_message",
    "constraining message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "bind::jr:constraintmsg": "constraint_message",
    "calculate": "calculation",
    "bind::calculate": "calculation",
    "readonly": "read_only",
    "bind::readonly": "read_only",
    "control::appearance": "appearance",
    "list name": "list_name",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "control::jr:count": "repeat_count",
    "set form title": "form_title",
    "set form id": "form_id",
}
# Columns read by the converter: a second column with the same key is an error.
_READ = {
    "type",
    "name",
    "relevant",
    "required",
    "constraint",
    "appearance",
    "parameters",
    "calculation",
    "choice_filter",
    "default",
    "read_only",
    "trigger",
    "list_name",
    "form_title",
    "form_id",
    "version",
    "default_language",
    *TRANSLATED,
}


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet row, 1-based
    cells: dict[str, str]  # column key -> non-empty text

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass(frozen=True)
class Sheet:
    name: str
    header_row: int
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def translated(self, row: Row, base: str, language: str) -> str:
        """`base` in `language` ("" = the plain column); the plain column if this sheet
        has no column for that language."""
        key = f"{base}::{language}" if language else base
        return row.get(key if key in self.columns else base)


def column_key(header: str) -> str:
    text = " ".join(header.split())
    lowered = text.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    base, separator, language = text.partition("::")
    key = _ALIASES.get(base.strip().lower(), base.strip().lower())
    if not separator:
        return key
    return f"{key}::{language.strip()}" if key in TRANSLATED else lowered


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_workbook(path: Path) -> dict[str, Sheet]:
    """The survey, choices and settings sheets that exist; FormErrors if the file is not a
    readable .xlsx workbook."""
    raw = _raw_sheets(path)
    return {name: _sheet(name, rows, str(path)) for name, rows in raw.items()}


def _fail(path: Path, message: str) -> FormErrors:
    return FormErrors([Problem(str(path), 1, message)])


def _raw_sheets(path: Path) -> dict[str, list[tuple[int, list[str]]]]:
    import openpyxl

    try:
        with path.open("rb") as stream:
            signature = stream.read(4)
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror or exc})") from None
    if signature == _OLE_SIGNATURE:
        raise _fail(path, "an old Excel 97-2003 .xls file: save it as .xlsx and try again")
    if not signature.startswith(b"PK"):
        raise _fail(path, "not an .xlsx workbook")
    sheets: dict[str, list[tuple[int, list[str]]]] = {}
    try:
        with warnings.catch_warnings(), path.open("rb") as stream:
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            try:
                names = {str(name).strip().casefold(): name for name in book.sheetnames}
                for wanted in SHEETS:
                    if wanted not in names:
                        continue
                    sheet = book[names[wanted]]
                    sheet.reset_dimensions()  # some writers record a wrong size
                    rows = sheets.setdefault(wanted, [])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                        texts = [cell_text(value) for value in values]
                        if any(texts):
                            rows.append((number, texts))
            finally:
                book.close()
    except Exception as exc:  # a damaged or foreign file can fail anywhere inside openpyxl
        reason = f"{type(exc).__name__}: {exc}"[:160]
        raise _fail(path, f"not a readable .xlsx workbook ({reason})") from None
    if "survey" not in sheets:
        raise _fail(path, "the workbook has no 'survey' sheet")
    return sheets


def _sheet(name: str, raw: list[tuple[int, list[str]]], where: str) -> Sheet:
    if not raw:
        return Sheet(name, 1, (), ())
    header_row, headers = raw[0]
    keys = [column_key(header) if header else "" for header in headers]
    seen: set[str] = set()
    for key in keys:
        if key in seen and key.partition("::")[0] in _READ:
            message = f"{name} row {header_row}: the column {key!r} appears twice"
            raise FormErrors([Problem(where, header_row, message)])
        seen.add(key)
    rows = []
    for number, texts in raw[1:]:
        cells: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=False):
            if key and text and key not in cells:
                cells[key] = text
        if cells:
            rows.append(Row(number, cells))
    return Sheet(name, header_row, tuple(k for k in keys if k), tuple(rows))


def label_languages(sheet: Sheet) -> list[str]:
    """Languages of the label columns that hold any text, in order; "" is plain `label`."""
    found: list[str] = []
    for key in sheet.columns:
        base, _, language = key.partition("::")
        if base == "label" and language not in found and any(r.get(key) for r in sheet.rows):
            found.append(language)
    return found


_NAME_AND_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]*)\)\s*$")


def language_code(language: str) -> str | None:
    """The code in `English (en)`, if it looks like a language tag."""
    match = _NAME_AND_CODE.match(language)
    code = match.group("code").strip() if match else ""
    return code if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", code) else None


def display(language: str) -> str:
    return language or "default"


def matches(wanted: str, language: str) -> bool:
    """`wanted` names `language` in full ("English (en)"), by code ("en") or by name."""
    wanted = " ".join(wanted.split()).casefold()
    shown = display(language)
    candidates = {" ".join(shown.split()).casefold()}
    match = _NAME_AND_CODE.match(shown)
    if match:
        candidates |= {match.group("name").strip().casefold(), match.group("code").casefold()}
    return wanted in candidates
