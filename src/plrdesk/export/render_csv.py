"""CSV: one quote per row (theme, descriptor, session kind, question, quote), the same
quotes as the summary, in its order. With --extracts, one extract per row instead, in the
summary's order, with a last column `verbatim` ("yes" for the speaker's words, "no" for
the researcher's note of them), the same columns before it.

Written as UTF-8 with a byte-order mark, which is what makes Excel (the researcher's
likely spreadsheet) read it as UTF-8. A cell that a spreadsheet could take as a formula
(starting with = + - @, a tab or a carriage return) gets a leading apostrophe (OWASP's
mitigation for formula injection). It is not hidden everywhere: LibreOffice Calc's CSV
import reads such a cell as text with the apostrophe as its first character (tested in
tests/export/test_csv_spreadsheets.py with LibreOffice itself; it would have evaluated only
the cells starting with "="); docs/export.md says what each spreadsheet does and why the
guard stays.
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from plrdesk.export.model import ExportBundle

COLUMNS = ("theme", "descriptor", "session_kind", "question", "quote")
EXTRACT_COLUMNS = (*COLUMNS, "verbatim")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(EXTRACT_COLUMNS if bundle.extracts else COLUMNS)
    for row in bundle.extract_rows if bundle.extracts else bundle.passages:
        values = [row.theme, row.descriptor, row.session_kind, row.question, row.text]
        if bundle.extracts:
            values.append("yes" if row.verbatim else "no")
        writer.writerow(cell(value) for value in values)
    out.write(text.getvalue().encode("utf-8-sig"))
