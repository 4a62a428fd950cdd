"""A codebook as CSV: one theme a row, parents before their sub-themes.

Columns: ref, name, parent_ref, description, colour, level. On import only `name` is
required; headers are matched ignoring case, spaces and the spelling `color`, and columns
plrdesk does not know are ignored, so a spreadsheet with a column of notes still imports.
A row's parent is `parent_ref` (a ref of another row, or of a theme already in the study);
where that is empty, `level` nests it (level 2 goes under the nearest level 1 above it).
Commas, semicolons and tabs are all understood as the separator (Excel writes semicolons
in some countries); the file may be UTF-8 (with or without a byte-order mark) or, as
Excel's plain "CSV" saves it on Windows, Windows-1252.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from plrdesk.services.codebook_items import CodeIn, InvalidCodebook, checked
from plrdesk.services.themes import ThemeRow, check_colour, check_description, check_name

COLUMNS = ("ref", "name", "parent_ref", "description", "colour", "level")
_ALIASES = {"color": "colour", "parent": "parent_ref", "parentref": "parent_ref"}


def render_csv(rows: Sequence[ThemeRow]) -> str:
    """The themes (in reading order) as CSV text, with a header row."""
    refs = {row.id: row.ref for row in rows}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.ref,
                row.name,
                refs[row.parent_id] if row.parent_id else "",
                row.description or "",
                row.shown_colour,
                row.depth + 1,
            ]
        )
    return out.getvalue()


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark is dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _column(header: str) -> str:
    name = "_".join(header.strip().casefold().replace("-", " ").split())
    return _ALIASES.get(name, name)


def parse_csv(text: str, source: str) -> list[CodeIn]:
    """The rows of a codebook CSV, checked; InvalidCodebook names the line and column."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=_separator(text))

    def fail(line: int, column: str | None, message: str) -> InvalidCodebook:
        where = f"line {line}, column {column}" if column else f"line {line}"
        return InvalidCodebook(source, where, message)

    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise fail(1, None, "the file is empty; its first line must name the columns")
        columns: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = _column(cell)
            if name in COLUMNS:
                if name in columns:
                    raise fail(1, None, f"the column '{name}' appears twice")
                columns[name] = index
        if "name" not in columns:
            raise fail(
                1,
                None,
                f"no 'name' column; the first line must name the columns ({', '.join(COLUMNS)})",
            )

        codes: list[CodeIn] = []
        seen: dict[str, int] = {}  # ref -> line
        levels: dict[int, str] = {}  # level -> key of the latest row at that level
        level_of: dict[str, int] = {}
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise fail(
                    start,
                    None,
                    f"{len(cells)} cells but the first line names {len(header)} columns"
                    " (put text holding commas in double quotes)",
                )

            def value(column: str, cells: list[str] = cells) -> str:
                index = columns.get(column)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            def at(column: str, start: int = start) -> str:
                return f"line {start}, column {column}"

            name = checked(source, at("name"), check_name, value("name"))
            description = checked(
                source, at("description"), check_description, value("description")
            )
            colour = checked(source, at("colour"), check_colour, value("colour"))
            ref = value("ref")
            if ref:
                if ref in seen:
                    raise fail(start, "ref", f"{ref} is also the ref on line {seen[ref]}")
                seen[ref] = start
            key = ref or f"line {start}"
            level_text = value("level")
            level: int | None = None
            if level_text:
                if not level_text.isdigit() or int(level_text) < 1:
                    raise fail(
                        start,
                        "level",
                        f"'{level_text}' is not a level (1 for a top-level theme, 2 for its"
                        " sub-themes, and so on)",
                    )
                level = int(level_text)
            parent_key: str | None = value("parent_ref") or None
            parent_at = at("parent_ref")
            if parent_key is None and level is not None and level > 1:
                parent_key = levels.get(level - 1)
                parent_at = at("level")
                if parent_key is None:
                    raise fail(start, "level", f"level {level} but no level {level - 1} above it")
            if level is None and parent_key is not None:
                level = level_of[parent_key] + 1 if parent_key in level_of else None
            if level is not None:
                levels[level] = key
                level_of[key] = level
                for deeper in [lv for lv in levels if lv > level]:
                    del levels[deeper]
            codes.append(CodeIn(key, name, description, colour, parent_key, at("name"), parent_at))
    except csv.Error as exc:
        raise fail(reader.line_num, None, f"this is not readable CSV ({exc})") from None
    return codes
