"""Type sizes and paragraph styles for printed forms: standard and large print.

Set in the Unicode family `plrdesk.fonts` finds (DejaVu Sans where installed), embedded, so
a participant's name prints as written whatever its letters; Helvetica only where no such
font is installed (with a warning). Tick boxes are drawn, not typed, so they print whatever
the font has.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from plrdesk import fonts

FONT = fonts.REGULAR
BOLD = fonts.BOLD
ITALIC = fonts.ITALIC


@dataclass(frozen=True)
class Look:
    """Every size a printed form uses, in points."""

    large: bool
    base: float  # body text
    leading: float
    box: float  # side of a tick box
    write_gap: float  # height of a line to write on
    margin: float
    footer: float  # footer text size
    number_width: float  # the column holding "1.", "2." ...
    styles: dict[str, ParagraphStyle]

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.styles[name]


def look(large: bool) -> Look:
    fonts.ensure()  # before anything is measured in the fonts the styles name
    base = 16.0 if large else 11.0
    leading = base * (1.5 if large else 1.35)
    return Look(
        large=large,
        base=base,
        leading=leading,
        box=base * 1.25 if large else base * 1.1,
        write_gap=base * 2.4 if large else base * 2.2,
        margin=20 * mm if large else 18 * mm,
        footer=14.0 if large else 8.5,
        number_width=base * 2.6,
        styles=_styles(base, leading),
    )


def _styles(base: float, leading: float) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        bulletFontName=FONT,
        fontSize=base,
        leading=leading,
        alignment=TA_LEFT,
        spaceAfter=base * 0.5,
    )

    def derived(name: str, **changes: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **changes)

    return {
        "body": body,
        "cell": derived("cell", spaceAfter=0),
        "help": derived("help", fontName=ITALIC, spaceBefore=base * 0.15, spaceAfter=0),
        "label": derived("label", fontName=BOLD, spaceAfter=0),
        "number": derived("number", fontName=BOLD, spaceAfter=0),
        "study": derived(
            "study", fontName=BOLD, fontSize=base + 2, leading=(base + 2) * 1.3, spaceAfter=2
        ),
        "meta": derived("meta", spaceAfter=base * 0.8),
        "title": derived(
            "title",
            fontName=BOLD,
            fontSize=base * 1.6,
            leading=base * 1.6 * 1.25,
            spaceBefore=base * 0.4,
            spaceAfter=base * 0.8,
        ),
        "heading": derived(
            "heading",
            fontName=BOLD,
            fontSize=base * 1.25,
            leading=base * 1.25 * 1.3,
            spaceBefore=base * 0.9,
            spaceAfter=base * 0.4,
            keepWithNext=True,
        ),
        "banner": derived(
            "banner",
            fontName=BOLD,
            fontSize=base * 1.2,
            leading=base * 1.2 * 1.3,
            borderWidth=1.2,
            borderPadding=base * 0.4,
            leftIndent=base * 0.4,  # keep the border inside the margins
            rightIndent=base * 0.4,
            borderColor="black",
            spaceBefore=base * 0.4,
            spaceAfter=base * 1.0,
        ),
    }
