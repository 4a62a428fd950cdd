"""Undo commands for the theme tree. Each runs its service operation through the runner;
what the worker learns (a new theme's id and ref, a merge's record, a deleted theme's
snapshot) is kept on the command for its undo, which the same worker runs later. A failed
redo or undo puts the undo stack back in step with the study (see RunnerCommand)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.services.codebook import (
    CodebookImported,
    ImportRecord,
    decode_csv,
    import_csv,
    import_qdc,
    undo_import,
)
from plrdesk.services.themes import (
    MergeRecord,
    ThemeDetails,
    ThemeSnapshot,
    create_theme,
    delete_theme,
    merge_themes,
    move_theme,
    restore_theme,
    unmerge,
    update_theme,
)

# The register's command base does exactly what the theme tree needs too.
from plrdesk.ui.commands import RunnerCommand
from plrdesk.ui.context import StudyContext

Op = Callable[[Session], Changes]
OnTheme = Callable[[uuid.UUID], object]


class _ThemeCommand(RunnerCommand):
    def __init__(self, ctx: StudyContext, text: str, on_failed: Callable[[], object]) -> None:
        super().__init__(ctx, text)
        self._on_failed = on_failed

    def _redo_failed(self, exc: Exception) -> None:
        super()._redo_failed(exc)
        self._on_failed()  # an in-place rename shown early goes back to what is stored

    def _undo_failed(self, exc: Exception) -> None:
        super()._undo_failed(exc)
        self._on_failed()


class NewThemeCommand(_ThemeCommand):
    """Redo creates the theme (the second time with the same id and ref); undo deletes it,
    which the service allows only while nothing is coded with it."""

    def __init__(
        self,
        ctx: StudyContext,
        details: ThemeDetails,
        parent_id: uuid.UUID | None,
        on_done: OnTheme,
        on_failed: Callable[[], object],
    ) -> None:
        super().__init__(ctx, "new sub-theme" if parent_id else "new theme", on_failed)
        self.details = details
        self.parent_id = parent_id
        self.theme_id: uuid.UUID | None = None
        self.ref: str | None = None
        self._on_done = on_done

    def redo_op(self) -> Op:
        details, parent_id = self.details, self.parent_id

        def op(db: Session) -> Changes:
            created = create_theme(
                db,
                details.name,
                parent_id,
                details.description,
                details.colour,
                theme_id=self.theme_id,
                ref=self.ref,
            )
            self.theme_id, self.ref = created.theme_id, created.ref
            return created

        return op

    def undo_op(self) -> Op:
        def op(db: Session) -> Changes:
            return delete_theme(db, self.theme_id) if self.theme_id else Changes()

        return op

    def redone(self) -> None:
        self._ctx.status(f"Added the theme '{self.details.name}'.")
        if self.theme_id is not None:
            self._on_done(self.theme_id)

    def undone(self) -> None:
        self._ctx.status(f"Took the theme '{self.details.name}' back out.")


class EditThemeCommand(_ThemeCommand):
    """Redo saves the new name, description and colour; undo puts the old ones back."""

    def __init__(
        self,
        ctx: StudyContext,
        theme_id: uuid.UUID,
        before: ThemeDetails,
        after: ThemeDetails,
        on_done: OnTheme,
        on_failed: Callable[[], object],
    ) -> None:
        renamed_only = (before.description, before.colour) == (after.description, after.colour)
        super().__init__(ctx, "rename theme" if renamed_only else "edit theme", on_failed)
        self.theme_id = theme_id
        self.before = before
        self.after = after
        self._on_done = on_done

    def redo_op(self) -> Op:
        theme_id, after = self.theme_id, self.after
        return lambda db: update_theme(db, theme_id, after)

    def undo_op(self) -> Op:
        theme_id, before = self.theme_id, self.before
        return lambda db: update_theme(db, theme_id, before)

    def redone(self) -> None:
        self._ctx.status(f"Saved the theme '{self.after.name}'.")
        self._on_done(self.theme_id)

    def undone(self) -> None:
        self._ctx.status(f"Put back the theme '{self.before.name}' as it was.")
        self._on_done(self.theme_id)


class MoveThemeCommand(_ThemeCommand):
    """Redo moves the theme (with its sub-themes); undo moves it back where it was."""

    def __init__(
        self,
        ctx: StudyContext,
        theme_id: uuid.UUID,
        name: str,
        parent_id: uuid.UUID | None,
        position: int,
        on_done: OnTheme,
        on_failed: Callable[[], object],
    ) -> None:
        super().__init__(ctx, "move theme", on_failed)
        self.theme_id = theme_id
        self.name = name
        self.parent_id = parent_id
        self.position = position
        self._from: tuple[uuid.UUID | None, int] | None = None
        self._on_done = on_done

    def redo_op(self) -> Op:
        theme_id, parent_id, position = self.theme_id, self.parent_id, self.position

        def op(db: Session) -> Changes:
            moved = move_theme(db, theme_id, parent_id, position)
            self._from = (moved.from_parent_id, moved.from_position)
            return moved

        return op

    def undo_op(self) -> Op:
        def op(db: Session) -> Changes:
            if self._from is None:
                return Changes()
            return move_theme(db, self.theme_id, *self._from)

        return op

    def redone(self) -> None:
        self._ctx.status(f"Moved the theme '{self.name}'.")
        self._on_done(self.theme_id)

    def undone(self) -> None:
        self._ctx.status(f"Moved the theme '{self.name}' back.")
        self._on_done(self.theme_id)


class MergeThemesCommand(_ThemeCommand):
    """Redo merges source into target; undo unmerges with the record the merge returned."""

    def __init__(
        self,
        ctx: StudyContext,
        source_id: uuid.UUID,
        target_id: uuid.UUID,
        names: tuple[str, str],
        on_done: OnTheme,
        on_failed: Callable[[], object],
    ) -> None:
        super().__init__(ctx, "merge themes", on_failed)
        self.source_id = source_id
        self.target_id = target_id
        self.names = names
        self.record: MergeRecord | None = None
        self._on_done = on_done

    def redo_op(self) -> Op:
        source_id, target_id = self.source_id, self.target_id

        def op(db: Session) -> Changes:
            merged = merge_themes(db, source_id, target_id)
            self.record = merged.record
            return merged

        return op

    def undo_op(self) -> Op:
        def op(db: Session) -> Changes:
            return unmerge(db, self.record) if self.record else Changes()

        return op

    def redone(self) -> None:
        source, target = self.names
        moved = self.record.codings if self.record else 0
        self._ctx.status(
            f"Merged '{source}' into '{target}': {moved} coding{'' if moved == 1 else 's'} moved."
        )
        self._on_done(self.target_id)

    def undone(self) -> None:
        self._ctx.status(f"Took the merge back: '{self.names[0]}' is there again.")
        self._on_done(self.source_id)


class DeleteThemeCommand(_ThemeCommand):
    """Redo deletes an empty theme; undo puts it back with the same id, ref and place."""

    def __init__(
        self,
        ctx: StudyContext,
        theme_id: uuid.UUID,
        name: str,
        on_done: OnTheme,
        on_failed: Callable[[], object],
    ) -> None:
        super().__init__(ctx, "delete theme", on_failed)
        self.theme_id = theme_id
        self.name = name
        self.snapshot: ThemeSnapshot | None = None
        self._on_done = on_done

    def redo_op(self) -> Op:
        theme_id = self.theme_id

        def op(db: Session) -> Changes:
            deleted = delete_theme(db, theme_id)
            self.snapshot = deleted.snapshot
            return deleted

        return op

    def undo_op(self) -> Op:
        def op(db: Session) -> Changes:
            return restore_theme(db, self.snapshot) if self.snapshot else Changes()

        return op

    def redone(self) -> None:
        self._ctx.status(f"Deleted the theme '{self.name}'.")

    def undone(self) -> None:
        self._ctx.status(f"Put the theme '{self.name}' back.")
        self._on_done(self.theme_id)


class ImportCodebookCommand(_ThemeCommand):
    """Redo reads the file (once) and merges it into the tree; undo takes the import back."""

    def __init__(self, ctx: StudyContext, path: Path, on_failed: Callable[[], object]) -> None:
        super().__init__(ctx, "import codebook", on_failed)
        self.path = path
        self._data: bytes | None = None
        self.result: CodebookImported | None = None
        self._record: ImportRecord | None = None

    def redo_op(self) -> Op:
        path = self.path

        def op(db: Session) -> Changes:
            if self._data is None:
                self._data = path.read_bytes()
            if path.suffix.lower() == ".csv":
                result = import_csv(db, decode_csv(self._data), path.name)
            else:
                result = import_qdc(db, self._data, path.name)
            self.result, self._record = result, result.record
            return result

        return op

    def undo_op(self) -> Op:
        def op(db: Session) -> Changes:
            return undo_import(db, self._record) if self._record else Changes()

        return op

    def redone(self) -> None:
        summary = self.result.summary() if self.result else ""
        self._ctx.status(f"Imported the codebook {self.path.name}: {summary}.")

    def undone(self) -> None:
        self._ctx.status(f"Took back the import of {self.path.name}.")
