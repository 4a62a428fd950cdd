"""Small drawn flowables: tick boxes, rows of labelled boxes and lines to write on.

Boxes, ticks and crosses are drawn with lines rather than typed as "☐" or "✔", so they
print on any machine whatever fonts it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from plrdesk.printing.styles import FONT

Mark = Literal["tick", "cross"] | None


def draw_box(canv: Any, x: float, y: float, side: float, mark: Mark) -> None:
    """A square with its lower-left corner at (x, y), ticked, crossed or empty."""
    canv.saveState()
    canv.setLineWidth(max(0.8, side * 0.06))
    canv.rect(x, y, side, side, stroke=1, fill=0)
    if mark is not None:
        canv.setLineWidth(side * 0.12)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        path = canv.beginPath()
        if mark == "tick":
            path.moveTo(x + 0.18 * side, y + 0.52 * side)
            path.lineTo(x + 0.42 * side, y + 0.22 * side)
            path.lineTo(x + 0.84 * side, y + 0.86 * side)
        else:
            path.moveTo(x + 0.22 * side, y + 0.22 * side)
            path.lineTo(x + 0.78 * side, y + 0.78 * side)
            path.moveTo(x + 0.22 * side, y + 0.78 * side)
            path.lineTo(x + 0.78 * side, y + 0.22 * side)
        canv.drawPath(path, stroke=1, fill=0)
    canv.restoreState()


class TickBox(Flowable):  # type: ignore[misc]
    """One tick box on its own (the right-hand column of a numbered statement), `drop`
    points below the top so that it sits level with the first line of text beside it."""

    def __init__(self, side: float, mark: Mark = None, drop: float = 0.0) -> None:
        super().__init__()
        self.side = side
        self.mark = mark
        self.drop = drop

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.side, self.side + self.drop

    def draw(self) -> None:
        draw_box(self.canv, 0, 0, self.side, self.mark)


@dataclass(frozen=True)
class BoxCell:
    """A label followed by a box: "Yes [ ]". `wide` boxes hold a written count."""

    label: str
    mark: Mark = None
    wide: bool = False
    inside: str | None = None  # text printed inside a wide box (a recorded count)


class BoxRow(Flowable):  # type: ignore[misc]
    """Labelled boxes side by side ("Yes [ ]  No [ ]", "1 [ ] 2 [ ] ... 5 [ ]"), wrapping onto
    more lines when they do not fit the width."""

    def __init__(self, cells: list[BoxCell], font_size: float, side: float) -> None:
        super().__init__()
        self.cells = cells
        self.font_size = font_size
        self.side = side
        self.gap = font_size * 0.35  # between a label and its box
        self.spacing = font_size * 1.2  # between one box and the next label
        self.row_height = max(side, font_size) + font_size * 0.5
        self._lines: list[list[tuple[float, BoxCell]]] = []
        self.width = 0.0

    def _cell_width(self, cell: BoxCell) -> float:
        box = self.side * 3.2 if cell.wide else self.side
        return float(stringWidth(cell.label, FONT, self.font_size)) + self.gap + box

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        lines: list[list[tuple[float, BoxCell]]] = [[]]
        x = 0.0
        widest = 0.0
        for cell in self.cells:
            width = self._cell_width(cell)
            if lines[-1] and x + width > avail_width:
                lines.append([])
                x = 0.0
            lines[-1].append((x, cell))
            x += width + self.spacing
            widest = max(widest, x - self.spacing)
        self._lines = lines
        self.width = widest
        return widest, self.row_height * len(lines) - self.font_size * 0.5

    def draw(self) -> None:
        canv = self.canv
        top = self.row_height * len(self._lines) - self.font_size * 0.5
        for row, line in enumerate(self._lines):
            box_y = top - self.row_height * row - self.side
            text_y = box_y + (self.side - self.font_size * 0.7) / 2
            for x, cell in line:
                canv.setFont(FONT, self.font_size)
                canv.drawString(x, text_y, cell.label)
                box_x = x + stringWidth(cell.label, FONT, self.font_size) + self.gap
                if cell.wide:
                    canv.setLineWidth(max(0.8, self.side * 0.06))
                    canv.rect(box_x, box_y, self.side * 3.2, self.side, stroke=1, fill=0)
                    if cell.inside:
                        canv.drawCentredString(box_x + self.side * 1.6, text_y, cell.inside)
                else:
                    draw_box(canv, box_x, box_y, self.side, cell.mark)


class WriteLine(Flowable):  # type: ignore[misc]
    """A line to write on, the full width available (or `width` points)."""

    def __init__(self, height: float, width: float | None = None) -> None:
        super().__init__()
        self.height = height
        self.fixed_width = width
        self.width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = self.fixed_width or avail_width
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setLineWidth(0.7)
        self.canv.line(0, 2, self.width, 2)
