"""The theme dialogs: a theme's name, description and colour; and where to merge a theme.

Both warn as the researcher types, from the tree they were shown, and say in plain words
what will happen; neither touches the study. The study is the one judge of a name: on OK
the theme dialog asks its opener to check (the panel runs services.themes.check_theme) and
closes only when the check passes, or shows the reason under the name and stays open. The
panel then pushes the undo command, whose save checks once more.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.themes import (
    PALETTE,
    BlankName,
    InvalidTheme,
    ThemeDetails,
    ThemeNameTaken,
    ThemeRow,
    check_name,
)
from plrdesk.ui.analysis.theme_model import plural, swatch

IdRole = Qt.ItemDataRole.UserRole + 1


class ThemeDialog(QDialog):
    """Name, description and colour of a new theme or of one being edited."""

    sig_check_requested = Signal(object)
    """OK was pressed with these ThemeDetails (changed from what the dialog opened with):
    the opener asks the study, then calls `confirmed` (the dialog closes, accepted) or
    `refused` (it stays open, saying why)."""

    def __init__(
        self,
        title: str,
        details: ThemeDetails,
        sibling_names: Iterable[str],
        where: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._taken = {name.casefold() for name in sibling_names}
        self._where = where
        self._initial = details
        self._asking = False
        self._colour = details.colour or PALETTE[0]
        self.colour_dialog: QColorDialog | None = None

        self.name = QLineEdit(details.name)
        self.name.setObjectName("themeName")
        self.name.setAccessibleName("Theme name")
        self.name.setMaxLength(200)
        self.name.setPlaceholderText("a few words a reader will understand")
        self.description = QPlainTextEdit(details.description or "")
        self.description.setObjectName("themeDescription")
        self.description.setAccessibleName("Description")
        self.description.setAccessibleDescription(
            "What this theme covers, so passages are coded the same way throughout."
        )
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("what belongs under this theme, and what does not")
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.colour_button = QPushButton()
        self.colour_button.setObjectName("themeColour")
        self.colour_button.setAccessibleName("Colour")
        self.colour_button.setToolTip("Choose the colour its passages are highlighted in")
        self.colour_button.clicked.connect(self.choose_colour)

        self.message = QLabel()
        self.message.setObjectName("themeMessage")
        self.message.setAccessibleName("Problem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #8a4b00")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        for text, field in (
            ("&Name:", self.name),
            ("&Description:", self.description),
            ("C&olour:", self.colour_button),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.name.textChanged.connect(self._check)
        self._show_colour()
        self._check()
        self.name.selectAll()

    def details(self) -> ThemeDetails:
        return ThemeDetails(
            " ".join(self.name.text().split()),
            self.description.toPlainText().strip() or None,
            self._colour,
        )

    def accept(self) -> None:
        """OK: nothing changed closes at once; anything else is checked by the study first."""
        if self._asking or not self.ok.isEnabled():
            return
        details = self.details()
        if details == self._initial:
            super().accept()
            return
        self._hold(True)  # what is checked is what will be saved
        self.sig_check_requested.emit(details)

    def _hold(self, asking: bool) -> None:
        self._asking = asking
        self.name.setReadOnly(asking)
        self.description.setReadOnly(asking)
        self.colour_button.setEnabled(not asking)
        if asking:
            self.ok.setEnabled(False)

    def confirmed(self, _details: ThemeDetails) -> None:
        """The study would take these details: close, accepted."""
        self._hold(False)
        super().accept()

    def refused(self, exc: Exception) -> None:
        """The study would not: say why under the name, and let the researcher change it."""
        self._hold(False)
        if isinstance(exc, ThemeNameTaken):
            self._taken.add(exc.name.casefold())  # the tree shown was out of date
        self._check()
        if not self.message.text():
            self.message.setText(str(exc))
            self.message.setVisible(True)

    def set_colour(self, colour: QColor) -> None:
        if colour.isValid():
            self._colour = colour.name()  # "#rrggbb"
            self._show_colour()

    def choose_colour(self) -> None:
        dialog = QColorDialog(QColor(self._colour), self)
        dialog.setWindowTitle("Theme colour")
        for number, colour in enumerate(PALETTE):
            QColorDialog.setCustomColor(number, QColor(colour))
        dialog.colorSelected.connect(self.set_colour)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._colour_dialog_closed)
        self.colour_dialog = dialog
        dialog.open()

    def _colour_dialog_closed(self) -> None:
        self.colour_dialog = None

    def _show_colour(self) -> None:
        self.colour_button.setIcon(swatch(self._colour))
        self.colour_button.setText(f"{self._colour}…")

    def _check(self) -> None:
        problem = ""
        try:
            name = check_name(self.name.text())  # the service's own rule, run here early
        except BlankName:
            problem = "Enter a name."
        except InvalidTheme as exc:
            problem = str(exc)
        else:
            if name.casefold() in self._taken:
                problem = f"There is already a theme called '{name}' {self._where}."
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        self.ok.setEnabled(not problem)


def merge_summary(source: ThemeRow, target: ThemeRow) -> str:
    """What a merge will do, in one or two plain sentences."""
    if source.codings == 0:
        text = f"'{source.name}' has no codings; '{source.name}' is removed."
    elif source.codings == 1:
        text = (
            f"The one coding of '{source.name}' moves to '{target.name}';"
            f" '{source.name}' is removed."
        )
    else:
        text = (
            f"All {source.codings} codings of '{source.name}' move to '{target.name}';"
            f" '{source.name}' is removed."
        )
    if source.sub_themes == 1:
        text += f" Its sub-theme moves under '{target.name}'."
    elif source.sub_themes:
        text += f" Its {plural(source.sub_themes, 'sub-theme')} move under '{target.name}'."
    return text


class MergeDialog(QDialog):
    """Choose the theme to merge `source` into; says what will happen before it does."""

    def __init__(
        self, source: ThemeRow, rows: Iterable[ThemeRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.source = source
        self.setWindowTitle(f"Merge '{source.name}'")
        self.setMinimumWidth(480)
        rows = list(rows)
        excluded = {source.id}
        for row in rows:  # its own sub-themes cannot take it in
            if row.parent_id in excluded:
                excluded.add(row.id)
        self._rows: dict[uuid.UUID, ThemeRow] = {row.id: row for row in rows}

        self.targets = QListWidget()
        self.targets.setObjectName("mergeTargets")
        self.targets.setAccessibleName("Theme to merge into")
        for row in rows:
            if row.id in excluded:
                continue
            item = QListWidgetItem(swatch(row.shown_colour), "    " * row.depth + row.name)
            item.setData(IdRole, row.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, row.name)
            self.targets.addItem(item)
        label = QLabel(f"Merge '{source.name}' &into:")
        label.setBuddy(self.targets)
        label.setWordWrap(True)

        self.summary = QLabel()
        self.summary.setObjectName("mergeSummary")
        self.summary.setAccessibleName("What will happen")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        undo_note = QLabel("Undo (Ctrl+Z) takes a merge back.")
        undo_note.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Merge")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.targets, 1)
        layout.addWidget(self.summary)
        footer = QHBoxLayout()
        footer.addWidget(undo_note, 1)
        footer.addWidget(self.buttons)
        layout.addLayout(footer)

        self.targets.currentItemChanged.connect(self._update)
        self._update()

    def choose(self, theme_id: uuid.UUID) -> None:
        for number in range(self.targets.count()):
            item = self.targets.item(number)
            if item.data(IdRole) == theme_id:
                self.targets.setCurrentItem(item)
                return

    def target_id(self) -> uuid.UUID | None:
        item = self.targets.currentItem()
        value = item.data(IdRole) if item is not None else None
        return value if isinstance(value, uuid.UUID) else None

    def _update(self) -> None:
        target_id = self.target_id()
        target = self._rows.get(target_id) if target_id else None
        if target is None:
            self.summary.setText(
                "Choose a theme." if self.targets.count() else "There is no other theme yet."
            )
        else:
            self.summary.setText(merge_summary(self.source, target))
        self.ok.setEnabled(target is not None)
