"""Reading an XLSForm workbook for `xlsform.py`: each sheet as rows of text by column.

Only the `survey`, `choices` and `settings` sheets are read (see `xlsform_books.py`).
The first non-empty row of a sheet is its header. Column names are matched ignoring case
and through pyxform's aliases (`caption` = `label`, `bind::relevant` = `relevant`, ...);
a translated column keeps its language: `label::English (en)` becomes the key
`label::English (en)`. Cells become stripped text: `1.0` is "1", TRUE is "true".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from plrdesk.forms.problems import FormErrors, Problem
from plrdesk.forms.xlsform_books import RawRows, read_raw

TRANSLATED = ("label", "hint", "constraint_message")  # the columns read in one language

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
    # pyxform's older survey and choices headers (aliases.py)
    "command": "type",
    "tag": "name",
    "value": "name",
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
    "allow_choice_duplicates",
    "disabled",
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


def column_key(header: str, single_colons: bool = False) -> str:
    """Our key for a column header. `single_colons`: the sheet has no `::` header, so, as
    in pyxform (parsing/sheet_headers.py), an old `label:English` means `label::English`
    (but `jr:count` stays whole)."""
    text = " ".join(header.split())
    if single_colons and ":" in text:
        tokens = [token.strip() for token in text.split(":")]
        if "jr" in tokens[:-1]:
            at = tokens.index("jr")
            tokens[at : at + 2] = [f"jr:{tokens[at + 1]}"]
        text = "::".join(tokens)
    lowered = text.lower()
    if (alias := _alias(lowered)) is not None:
        return alias
    base, separator, language = text.partition("::")
    key = _alias(base.strip().lower()) or "_".join(base.lower().split())
    if not separator:
        return key
    return f"{key}::{language.strip()}" if key in TRANSLATED else lowered


def _alias(lowered: str) -> str | None:
    """pyxform's alias for a header, written with spaces or underscores (`list name`)."""
    return _ALIASES.get(lowered) or _ALIASES.get(lowered.replace("_", " "))


def read_workbook(path: Path) -> dict[str, Sheet]:
    """The survey, choices and settings sheets that exist; FormErrors if the file is not a
    readable workbook (see `xlsform_books.py`)."""
    raw = read_raw(path)
    return {name: _sheet(name, rows, str(path)) for name, rows in raw.items()}


def _sheet(name: str, raw: RawRows, where: str) -> Sheet:
    if not raw:
        return Sheet(name, 1, (), ())
    header_row, headers = raw[0]
    single_colons = not any("::" in header for header in headers)
    keys = [column_key(header, single_colons) if header else "" for header in headers]
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
