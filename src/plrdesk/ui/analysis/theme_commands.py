"""Undo commands for the theme tree, each one service write done and taken back.

The tree (the theme panel) is each command's initiator: it skips the change notice of its
own steps, and the command, once its write committed, reloads it and chooses the theme the
step was about. What the worker learns (a new theme's ref, where a moved theme was, a
merge's record, a deleted theme's snapshot, what an import did) comes back with the
result: `saved` keeps it on the GUI thread, and an undo queued before it is back reads it
on the worker with `after(self.pending, ...)`. A failed write takes the step off the stack
and, for an edit shown early, off the screen (ui/undo.py); the other steps are shown only
once saved (they need the study's counts and refs), so there is nothing to take back.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import shiboken6

from plrdesk.domain.ids import new_id
from plrdesk.services.codebook import (
    CodebookImported,
    import_codebook_file,
    undo_codebook_import,
)
from plrdesk.services.theme_merge import Merged, merge_themes, undo_merge
from plrdesk.services.themes import (
    Created,
    ThemeDetails,
    create_theme,
    delete_theme,
    move_back,
    move_theme,
    undo_delete_theme,
    update_theme,
)
from plrdesk.ui.analysis.theme_tree import ThemeTree
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, Pending, after, write
from plrdesk.ui.undo import Command


class _ThemeCommand(Command):
    def __init__(self, ctx: StudyContext, text: str, panel: ThemeTree) -> None:
        super().__init__(ctx, text, initiator=panel)
        self._panel = panel

    def _reload(self, select: uuid.UUID | None = None) -> None:
        """The tree as the study now has it (the panel skipped its own change notice)."""
        if shiboken6.isValid(self._panel):
            self._panel.reload(select)

    def _earlier(self) -> Pending[Any]:
        """The latest write's Pending, for an undo that needs its result."""
        assert self.pending is not None, "an undo always follows its redo"
        return self.pending


class NewThemeCommand(_ThemeCommand):
    """Redo creates the theme (every time with the same id, and after the first with the
    same ref); undo deletes it, which the service allows only while nothing is coded with it."""

    def __init__(
        self,
        ctx: StudyContext,
        panel: ThemeTree,
        details: ThemeDetails,
        parent_id: uuid.UUID | None,
    ) -> None:
        super().__init__(ctx, "new sub-theme" if parent_id else "new theme", panel)
        self.details = details
        self.parent_id = parent_id
        self.theme_id = new_id()  # chosen here, so the undo can name it before the save is back
        self.ref: str | None = None

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if not forward:
            return write(delete_theme, self.theme_id)
        d = self.details
        return write(
            create_theme,
            d.name,
            self.parent_id,
            d.description,
            d.colour,
            theme_id=self.theme_id,
            ref=self.ref,
        )

    def saved(self, forward: bool, result: Any) -> None:
        if not forward:
            self.ctx.status(f"Took the theme '{self.details.name}' back out.")
            self._reload()
            return
        if isinstance(result, Created):
            self.ref = result.ref  # the redo after an undo brings back this very ref
        self.ctx.status(f"Added the theme '{self.details.name}'.")
        self._reload(self.theme_id)


class EditThemeCommand(_ThemeCommand):
    """Redo saves the new name, description and colour; undo puts the old ones back. Both
    are on screen at once (an in-place rename already is), and go back if the save fails."""

    def __init__(
        self,
        ctx: StudyContext,
        panel: ThemeTree,
        theme_id: uuid.UUID,
        before: ThemeDetails,
        after: ThemeDetails,
    ) -> None:
        renamed_only = (before.description, before.colour) == (after.description, after.colour)
        super().__init__(ctx, "rename theme" if renamed_only else "edit theme", panel)
        self.theme_id = theme_id
        self.old = before  # not `before`: that is the base's hook
        self.new = after

    def show(self, forward: bool, first: bool) -> None:
        if shiboken6.isValid(self._panel):
            self._panel.show_details(self.theme_id, self.new if forward else self.old)

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        return write(update_theme, self.theme_id, self.new if forward else self.old)

    def saved(self, forward: bool, result: Any) -> None:
        if forward:
            self.ctx.status(f"Saved the theme '{self.new.name}'.")
        else:
            self.ctx.status(f"Put back the theme '{self.old.name}' as it was.")
        self._reload(self.theme_id)


class MoveThemeCommand(_ThemeCommand):
    """Redo moves the theme (with its sub-themes); undo moves it back where the redo's
    result says it was."""

    def __init__(
        self,
        ctx: StudyContext,
        panel: ThemeTree,
        theme_id: uuid.UUID,
        name: str,
        parent_id: uuid.UUID | None,
        position: int,
    ) -> None:
        super().__init__(ctx, "move theme", panel)
        self.theme_id = theme_id
        self.name = name
        self.parent_id = parent_id
        self.position = position

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(move_theme, self.theme_id, self.parent_id, self.position)
        return after(self._earlier(), move_back)

    def saved(self, forward: bool, result: Any) -> None:
        back = "" if forward else " back"
        self.ctx.status(f"Moved the theme '{self.name}'{back}.")
        self._reload(self.theme_id)


class MergeThemesCommand(_ThemeCommand):
    """Redo merges source into target; undo unmerges with the record the merge returned."""

    def __init__(
        self,
        ctx: StudyContext,
        panel: ThemeTree,
        source_id: uuid.UUID,
        target_id: uuid.UUID,
        names: tuple[str, str],
    ) -> None:
        super().__init__(ctx, "merge themes", panel)
        self.source_id = source_id
        self.target_id = target_id
        self.names = names

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(merge_themes, self.source_id, self.target_id)
        return after(self._earlier(), undo_merge)

    def saved(self, forward: bool, result: Any) -> None:
        source, target = self.names
        if not forward:
            self.ctx.status(f"Took the merge back: '{source}' is there again.")
            self._reload(self.source_id)
            return
        moved = result.record.codings if isinstance(result, Merged) else 0
        self.ctx.status(
            f"Merged '{source}' into '{target}': {moved} coding{'' if moved == 1 else 's'} moved."
        )
        self._reload(self.target_id)


class DeleteThemeCommand(_ThemeCommand):
    """Redo deletes an empty theme; undo puts it back with the same id, ref and place, from
    the snapshot the delete returned."""

    def __init__(self, ctx: StudyContext, panel: ThemeTree, theme_id: uuid.UUID, name: str) -> None:
        super().__init__(ctx, "delete theme", panel)
        self.theme_id = theme_id
        self.name = name

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(delete_theme, self.theme_id)
        return after(self._earlier(), undo_delete_theme)

    def saved(self, forward: bool, result: Any) -> None:
        if forward:
            self.ctx.status(f"Deleted the theme '{self.name}'.")
            self._reload()
        else:
            self.ctx.status(f"Put the theme '{self.name}' back.")
            self._reload(self.theme_id)


class ImportCodebookCommand(_ThemeCommand):
    """Redo merges the file into the tree (after the first time, the very bytes the first
    import read); undo takes the import back with what it returned."""

    def __init__(self, ctx: StudyContext, panel: ThemeTree, path: Path) -> None:
        super().__init__(ctx, "import codebook", panel)
        self.path = path
        self._data: bytes | None = None

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(import_codebook_file, self.path, self._data)
        return after(self._earlier(), undo_codebook_import)

    def saved(self, forward: bool, result: Any) -> None:
        if not forward:
            self.ctx.status(f"Took back the import of {self.path.name}.")
        elif isinstance(result, CodebookImported):
            self._data = result.data
            self.ctx.status(f"Imported the codebook {self.path.name}: {result.summary()}.")
        self._reload()
