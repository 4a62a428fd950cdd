"""How codings look on screen: passages tinted in their theme's colour, a tooltip naming
the themes and memos under the pointer, colour chips for codings of a whole note and
striped swatches for lists.

A coded span is a background of the theme's colour at low opacity (ExtraSelections, so
the text itself keeps its format and the document is never touched). Where codings of
different themes overlap, their tints are laid over each other, so an overlap reads as
a darker mixed band between the two single-theme bands; each also gets a thin underline
in its full colour, the innermost (shortest) span drawn last so its line shows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QColor,
    QIcon,
    QPainter,
    QPixmap,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit

from plrdesk.domain.spans import Span
from plrdesk.services.codings import CodingView
from plrdesk.ui.text_positions import positions_of

SPAN_ALPHA = 80  # of 255: two overlapping tints still leave black text readable
CHIP_ALPHA = 70
NO_COLOUR = "#999999"  # a colour that does not parse is shown grey


@dataclass(frozen=True)
class LiveCoding:
    """A coding where it is on screen now: its span follows the typing before it is saved."""

    view: CodingView
    span: Span | None  # None: the whole note; else Python indexes into its text

    def covers(self, position: int) -> bool:
        """Whether the character at `position`, or the caret just after the span, is in it."""
        return self.span is None or self.span.start <= position <= self.span.end


def theme_colour(colour: str | None) -> QColor:
    found = QColor(colour or "")
    return found if found.isValid() else QColor(NO_COLOUR)


def tint(colour: str | None, alpha: int = SPAN_ALPHA) -> QColor:
    found = theme_colour(colour)
    found.setAlpha(alpha)
    return found


def extra_selections(
    document: QTextDocument, codings: Sequence[LiveCoding]
) -> list[QTextEdit.ExtraSelection]:
    """One tinted, underlined selection per coded span (whole-note codings get none: the
    editor shows them as chips).

    Spans are Python indexes into the note's text and the cursor wants Qt positions
    (UTF-16 units), so each is converted against the document's own text.
    """
    positions = positions_of(document.toPlainText())
    length = positions.length
    spanned = [(c, c.span) for c in codings if c.span is not None and c.span.start < length]
    spanned.sort(key=lambda pair: pair[1].start - pair[1].end)  # the widest first
    selections = []
    for coding, span in spanned:
        start, end = positions.span_to_utf16(span.start, min(span.end, length))
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setBackground(tint(coding.view.colour))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(theme_colour(coding.view.colour))
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = fmt
        selections.append(selection)
    return selections


def coding_tooltip(codings: Sequence[LiveCoding]) -> str:
    """Rich text: each theme in its colour, with its coder and memo, the whole-note ones
    marked."""
    lines = []
    for coding in codings:
        view = coding.view
        swatch = theme_colour(view.colour).name()
        where = " <i>(whole note)</i>" if coding.span is None else ""
        name = html.escape(view.theme_name, quote=False)
        by = f" · by {html.escape(view.coder, quote=False)}" if view.coder else ""
        line = f"<nobr><span style='color:{swatch}'>■</span> <b>{name}</b>{where}{by}</nobr>"
        if view.memo:
            memo = html.escape(view.memo, quote=False).replace("\n", "<br>")
            line += f"<div style='margin-left:14px'>{memo}</div>"
        lines.append(f"<div>{line}</div>")
    return "".join(lines)


def chips_html(codings: Sequence[LiveCoding]) -> str:
    """Themes as small tinted chips (for codings of a whole note)."""
    chips = []
    for coding in codings:
        back = tint(coding.view.colour, CHIP_ALPHA)
        border = theme_colour(coding.view.colour).name()
        rgba = f"rgba({back.red()},{back.green()},{back.blue()},{back.alpha()})"
        chips.append(
            f"<span style='color:{border}'>■</span><span style='background:{rgba}'>"
            f"&nbsp;{html.escape(coding.view.theme_name)}&nbsp;</span>"
        )
    return "&nbsp;".join(chips)


def swatch_icon(colours: Sequence[str | None], size: int = 14) -> QIcon:
    """A square in one colour, or in vertical stripes of several (a line coded with each)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    if colours:
        painter = QPainter(pixmap)
        width = size / len(colours)
        for index, colour in enumerate(colours):
            left = round(index * width)
            right = round((index + 1) * width)
            painter.fillRect(QRect(left, 1, right - left, size - 2), theme_colour(colour))
        painter.setPen(QColor(0, 0, 0, 90))
        painter.drawRect(QRect(0, 1, size - 1, size - 3))
        painter.end()
    return QIcon(pixmap)
