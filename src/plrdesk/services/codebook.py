"""Codebook exchange: the theme tree out to, and in from, CSV and REFI-QDA QDC files.

An export is the tree in reading order: names, nesting, descriptions and the colour each
theme is shown in. An import merges into the tree, all or nothing:
- a theme the file names by a guid the study holds (a QDC plrdesk wrote) is that theme: it
  takes the file's name, place, description and colour;
- otherwise a theme with the same name (ignoring case) under the same parent is updated;
- anything else becomes a new theme (keeping the file's guid as its id where it has one);
- an empty description or colour leaves what the study has, so nothing is erased;
- nothing is ever deleted, and no coding is touched.
Every error names the line of the file (and, in a CSV, the column). `read_codebook_file`
finds what is wrong with the file alone (its syntax, values, a loop of parents) before any
study is opened; the merge then finds what clashes with the study. The app's panel and
`plrdesk codebook` call the same `export_codebook_file`, `read_codebook_file` and
`import_codebook`. `undo_import` (services.codebook_undo) takes an import back with the
record it returned. Formats: services.codebook_csv, codebook_qdc.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import ThemeId, new_id
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.codebook_csv import decode_csv, parse_csv, render_csv
from plrdesk.services.codebook_items import CodeIn, InvalidCodebook
from plrdesk.services.codebook_qdc import parse_qdc, render_qdc
from plrdesk.services.codebook_undo import ImportRecord, undo_import
from plrdesk.services.themes import (
    InvalidTheme,
    ThemeRow,
    ThemeSnapshot,
    TreeEditor,
    list_themes,
    palette_colour,
)
from plrdesk.storage.files import write_atomically

__all__ = [
    "CodebookExported",
    "CodebookFile",
    "CodebookFormat",
    "CodebookImported",
    "ImportRecord",
    "InvalidCodebook",
    "decode_csv",
    "export_codebook_file",
    "export_csv",
    "export_qdc",
    "import_codebook",
    "import_codebook_file",
    "import_csv",
    "import_qdc",
    "read_codebook_file",
    "undo_codebook_import",
    "undo_import",
]


@dataclass(kw_only=True)
class CodebookImported(Changes):
    record: ImportRecord
    new_themes: int
    updated_themes: int
    data: bytes = field(default=b"", repr=False)
    """The file as `import_codebook_file` read it, so a redo imports the same again."""

    def summary(self) -> str:
        """'2 new themes, 3 updated' for the status bar."""
        if not self.new_themes and not self.updated_themes:
            return "nothing new: every theme in it is in the study already"
        parts = []
        if self.new_themes:
            parts.append(f"{self.new_themes} new theme{'' if self.new_themes == 1 else 's'}")
        if self.updated_themes:
            parts.append(f"{self.updated_themes} updated")
        return ", ".join(parts)


def export_csv(db: Session) -> str:
    """The theme tree as CSV: ref, name, parent_ref, description, colour, level."""
    return render_csv(list_themes(db))


def export_qdc(db: Session) -> bytes:
    """The theme tree as a REFI-QDA codebook (QDC). A codebook needs at least one code."""
    return _qdc(list_themes(db))


def _qdc(rows: Sequence[ThemeRow]) -> bytes:
    if not rows:
        raise InvalidTheme("There are no themes to export yet.")
    return render_qdc(rows)


class CodebookFormat(StrEnum):
    """The two codebook files: REFI-QDA QDC, or a CSV spreadsheet."""

    QDC = "qdc"
    CSV = "csv"

    @classmethod
    def of(cls, path: Path) -> CodebookFormat:
        """The format a file's name says: CSV for a .csv name, else QDC (as the panel saves)."""
        return cls.CSV if path.suffix.lower() == ".csv" else cls.QDC


@dataclass(frozen=True)
class CodebookFile:
    """A codebook file read and checked, not yet merged: its bytes, format and themes."""

    source: str
    data: bytes = field(repr=False)
    format: CodebookFormat
    codes: tuple[CodeIn, ...]


@dataclass(frozen=True)
class CodebookExported:
    """What an export wrote: how many themes, and the names more than one theme has."""

    themes: int
    format: CodebookFormat
    shared_names: tuple[str, ...] = ()

    @property
    def note(self) -> str | None:
        """A warning for a QDC in which two themes share a name: QualCoder keeps one code
        per name and files the other's sub-themes under it (NVivo and others keep both)."""
        if not self.shared_names:
            return None
        names = ", ".join(f"'{name}'" for name in self.shared_names)
        return (
            f"{names} {'names' if len(self.shared_names) == 1 else 'name'} more than one"
            " theme; QualCoder keeps only the first of each name (rename one to keep both)"
        )

    def message(self, name: str) -> str:
        """'Exported 5 themes to codebook.qdc.' (and the note) for the status bar."""
        text = f"Exported {self.themes} theme{'' if self.themes == 1 else 's'} to {name}."
        return f"{text} Note: {self.note}." if self.note else text


def export_codebook_file(
    db: Session, path: Path, fmt: CodebookFormat | None = None, *, study: Path | None = None
) -> CodebookExported:
    """Write the codebook to `path` in `fmt` (by default the format its name says): the
    app's and the command's one export. `study`: the study file, so the guard refuses it
    by any name even before it is open."""
    rows = list_themes(db)
    fmt = fmt or CodebookFormat.of(path)
    # A CSV has a byte-order mark, so Excel reads accented names as they are.
    data = render_csv(rows).encode("utf-8-sig") if fmt is CodebookFormat.CSV else _qdc(rows)
    # A codebook names themes, not people: the user's umask, as for blank forms.
    write_atomically(path, data, private=False, study=study)
    shared: tuple[str, ...] = ()
    if fmt is CodebookFormat.QDC:
        counts = Counter(row.name for row in rows)
        shared = tuple(sorted(name for name, n in counts.items() if n > 1))
    return CodebookExported(len(rows), fmt, shared)


def read_codebook_file(
    path: Path, data: bytes | None = None, *, source: str | None = None
) -> CodebookFile:
    """Read and check the codebook at `path` (CSV for a .csv name, else QDC) without a
    study: what is wrong with the file alone is found here. `data`: the bytes read before
    (a redo); `source`: how errors name the file (default: its name, as the panel says)."""
    named = source or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidCodebook(named, "", f"cannot read it ({exc.strerror or exc})") from None
    fmt = CodebookFormat.of(path)
    if fmt is CodebookFormat.CSV:
        codes = parse_csv(decode_csv(data), named)
    else:
        codes = parse_qdc(data, named)
    return CodebookFile(named, data, fmt, tuple(_parents_first(codes, named)))


def import_codebook(db: Session, book: CodebookFile) -> CodebookImported:
    """Merge a codebook file into the tree, all or nothing: the app's and the command's one
    import (see the module's docstring for the rules)."""
    csv_refs = book.format is CodebookFormat.CSV  # a CSV may name the study's own refs
    result = _apply(db, list(book.codes), book.source, study_refs=csv_refs)
    result.data = book.data
    return result


def import_codebook_file(
    db: Session, path: Path, data: bytes | None = None, *, source: str | None = None
) -> CodebookImported:
    """Read the codebook file at `path` and merge it into the tree (the panel's call).
    `data`: the bytes an earlier import of it read (`CodebookImported.data`), so a redo
    imports what the undone import did even if the file has changed since."""
    return import_codebook(db, read_codebook_file(path, data, source=source))


def import_csv(db: Session, text: str, source: str) -> CodebookImported:
    """Merge a CSV codebook into the theme tree (see the module's docstring)."""
    return _apply(db, parse_csv(text, source), source, study_refs=True)


def import_qdc(db: Session, data: bytes, source: str) -> CodebookImported:
    """Merge a REFI-QDA codebook (or a project document's codebook) into the theme tree."""
    return _apply(db, parse_qdc(data, source), source, study_refs=False)


def _parents_first(codes: list[CodeIn], source: str) -> list[CodeIn]:
    """The codes with every parent the file defines before its sub-themes (file order
    otherwise); a loop of parents is an error."""
    by_key = {code.key: code for code in codes}
    ordered: list[CodeIn] = []
    done: set[str] = set()
    for code in codes:
        chain: list[CodeIn] = []
        current: CodeIn | None = code
        while current is not None and current.key not in done:
            if any(item.key == current.key for item in chain):
                raise InvalidCodebook(
                    source,
                    current.parent_at,
                    f"'{current.name}' would be inside itself (its parents go round in a loop)",
                )
            chain.append(current)
            current = by_key.get(current.parent_key) if current.parent_key else None
        for item in reversed(chain):
            done.add(item.key)
            ordered.append(item)
    return ordered


def _apply(db: Session, codes: list[CodeIn], source: str, *, study_refs: bool) -> CodebookImported:
    # A savepoint: an error half way leaves the study as it was, whatever the caller does.
    with db.begin_nested():
        return _merge_in(db, codes, source, study_refs=study_refs)


def _merge_in(
    db: Session, codes: list[CodeIn], source: str, *, study_refs: bool
) -> CodebookImported:
    tree = TreeEditor(db)
    before = {theme_id: tree.snapshot(theme_id) for theme_id in tree.themes}
    refs = {theme.ref: theme.id for theme in tree.themes.values()} if study_refs else {}
    resolved: dict[str, uuid.UUID] = {}
    claimed: dict[uuid.UUID, CodeIn] = {}
    created: list[ThemeId] = []
    changes = Changes()

    for code in _parents_first(codes, source):
        parent_id: uuid.UUID | None = None
        if code.parent_key is not None:
            parent_id = resolved.get(code.parent_key) or refs.get(code.parent_key)
            if parent_id is None:
                raise InvalidCodebook(
                    source,
                    code.parent_at,
                    f"there is no theme {code.parent_key} in this file or in the study",
                )
        theme = tree.themes.get(code.guid) if code.guid else None
        same_id = theme is not None
        if theme is None:
            theme = tree.sibling_named(parent_id, code.name)
        if theme is not None and theme.id in claimed:
            raise InvalidCodebook(
                source,
                code.name_at,
                f"'{code.name}' is listed twice under the same parent"
                f" (also {claimed[theme.id].name_at})",
            )
        if theme is None:
            theme = m.Theme(
                id=code.guid or new_id(),
                ref=tree.next_ref(),
                name=code.name,
                description=code.description,
                colour=code.colour,
                position=0,
            )
            tree.add(theme, parent_id)
            created.append(ThemeId(theme.id))
            changes.add(Table.THEME, theme.id)
        else:
            if theme.parent_id != parent_id:
                if parent_id is not None and parent_id in tree.descendants(theme.id):
                    raise InvalidCodebook(
                        source, code.parent_at, f"'{code.name}' would be inside itself"
                    )
                tree.detach(theme.id)
                tree.attach(theme.id, parent_id, -1)
            if same_id and theme.name != code.name:  # matched by name: keep the study's case
                theme.name = code.name
            if code.description and theme.description != code.description:
                theme.description = code.description
            shown = theme.colour or palette_colour(theme.ref)
            if code.colour and code.colour != shown:
                theme.colour = code.colour
        claimed[theme.id] = code
        resolved[code.key] = theme.id

    _check_sibling_names(tree, claimed, source)
    updated = [
        theme_id
        for theme_id in claimed
        if theme_id in before and _differs(before[theme_id], tree.themes[theme_id])
    ]
    for theme_id in updated:
        changes.update(Table.THEME, theme_id)
    tree.write(changes)
    result = CodebookImported(
        record=ImportRecord(tuple(created), tuple(before[t] for t in claimed if t in before)),
        new_themes=len(created),
        updated_themes=len(updated),
    )
    result.merge(changes)
    audit.record(
        db, "import-codebook", [*created, *updated], created=len(created), updated=len(updated)
    )
    return result


def _differs(snapshot: ThemeSnapshot, theme: m.Theme) -> bool:
    return (snapshot.name, snapshot.description, snapshot.colour, snapshot.parent_id) != (
        theme.name,
        theme.description,
        theme.colour,
        theme.parent_id,
    )


def _check_sibling_names(tree: TreeEditor, claimed: dict[uuid.UUID, CodeIn], source: str) -> None:
    """A renamed or moved theme may now share its name with a sibling the file left alone."""
    for parent_id, siblings in tree.children.items():
        seen: dict[str, uuid.UUID] = {}
        for theme_id in siblings:
            key = tree.themes[theme_id].name.casefold()
            if key in seen:
                culprit = claimed.get(theme_id) or claimed.get(seen[key])
                where = culprit.name_at if culprit else "(the study)"
                raise InvalidCodebook(
                    source,
                    where,
                    f"there would be two themes called '{tree.themes[theme_id].name}'"
                    f" {'under ' + tree.label(parent_id) if parent_id else 'at the top level'}",
                )
            seen[key] = theme_id


def undo_codebook_import(db: Session, imported: CodebookImported) -> Changes:
    """Undo an import, given what it returned."""
    return undo_import(db, imported.record)
