"""The typeface every PDF plrdesk writes is set in: a TrueType family found on this machine
that draws every letter of Latin Extended-A and Vietnamese, embedded (subset) in the PDF, so
"Małgorzata Wiśniewska" and "Rafał Şahin-Nguyễn" print as written. Printed forms
(plrdesk.printing) and the PDF summary (plrdesk.export) both use it; it lives here, below
both, because those two packages may not import each other.

Where it comes from, first found wins (docs/decisions.md, "The PDF typeface"): DejaVu Sans,
Noto Sans, Liberation Sans, then Arial and Segoe UI (Windows and macOS), looked for by file
name in the system's and the user's font folders. A family is taken only if its regular face
covers `COVERAGE`; a bold or italic face that is missing or covers less is replaced by the
regular one. No font file ships with plrdesk, and the dependencies ship none that would do
(reportlab's Bitstream Vera has no "ś" and no "ễ").

With none found the PDFs fall back to Helvetica, one of the PDF standard fonts, which draws
Western European letters only; that is said once per process (a logged warning), never an
error: a blank form still prints.

Fonts are registered with reportlab under fixed names (`REGULAR`, `BOLD` ...), whichever
family they are, so styles can name them before a font is found; `ensure()` must run before
anything is measured or drawn. Nothing is looked up at import time. The choice is made once
per process: reportlab keeps the first font registered under a name.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

REGULAR = "PlrdeskSans"
BOLD = "PlrdeskSans-Bold"
ITALIC = "PlrdeskSans-Italic"
BOLD_ITALIC = "PlrdeskSans-BoldItalic"
ENV_FONT_DIRS = "PLRDESK_FONT_DIRS"
_NAMES = (REGULAR, BOLD, ITALIC, BOLD_ITALIC)
_STANDARD = ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique")

# Latin Extended-A whole (Polish, Czech, Turkish, Hungarian, Latvian, Welsh ŵ ŷ ...), the
# Vietnamese letters with horn (Ơ ơ Ư ư) and Latin Extended Additional's Vietnamese block.
COVERAGE = "".join(
    chr(c) for c in [*range(0x100, 0x180), 0x1A0, 0x1A1, 0x1AF, 0x1B0, *range(0x1EA0, 0x1EFA)]
)


@dataclass(frozen=True)
class Candidate:
    """A family and its files' names (any of the spellings), regular, bold, italic, both."""

    family: str
    files: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


CANDIDATES = (
    Candidate(
        "DejaVu Sans",
        (
            ("DejaVuSans.ttf",),
            ("DejaVuSans-Bold.ttf",),
            ("DejaVuSans-Oblique.ttf",),
            ("DejaVuSans-BoldOblique.ttf",),
        ),
    ),
    Candidate(
        "Noto Sans",
        (
            ("NotoSans-Regular.ttf",),
            ("NotoSans-Bold.ttf",),
            ("NotoSans-Italic.ttf",),
            ("NotoSans-BoldItalic.ttf",),
        ),
    ),
    Candidate(
        "Liberation Sans",
        (
            ("LiberationSans-Regular.ttf",),
            ("LiberationSans-Bold.ttf",),
            ("LiberationSans-Italic.ttf",),
            ("LiberationSans-BoldItalic.ttf",),
        ),
    ),
    Candidate(
        "Arial",
        (
            ("arial.ttf",),
            ("arialbd.ttf", "Arial Bold.ttf"),
            ("ariali.ttf", "Arial Italic.ttf"),
            ("arialbi.ttf", "Arial Bold Italic.ttf"),
        ),
    ),
    Candidate(
        "Segoe UI",
        (("segoeui.ttf",), ("segoeuib.ttf",), ("segoeuii.ttf",), ("segoeuiz.ttf",)),
    ),
)


@dataclass(frozen=True)
class Found:
    """The family chosen and the file behind each face (the regular one where missing)."""

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    @property
    def paths(self) -> tuple[Path, Path, Path, Path]:
        return self.regular, self.bold, self.italic, self.bold_italic


def font_dirs() -> list[Path]:
    """The folders fonts are installed in on Linux, Windows and macOS, the user's first; or
    only those `PLRDESK_FONT_DIRS` names (separated as in PATH), for fonts kept elsewhere."""
    chosen = os.environ.get(ENV_FONT_DIRS)
    if chosen:
        return [Path(d) for d in chosen.split(os.pathsep) if d]
    home = Path.home()
    data_home = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    dirs = [Path(data_home) / "fonts", home / ".fonts"]
    dirs += [Path(d) / "fonts" for d in data_dirs if d]
    dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]  # whatever XDG says
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    if sys.platform == "darwin":
        dirs += [
            home / "Library" / "Fonts",
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/System/Library/Fonts"),
        ]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def _index(dirs: Iterable[Path], wanted: set[str]) -> dict[str, Path]:
    """Each wanted file name (case-folded) and the first file of that name under `dirs`."""
    found: dict[str, Path] = {}
    for top in dirs:
        for root, _subdirs, files in os.walk(top):
            for name in files:
                key = name.casefold()
                if key in wanted and key not in found:
                    found[key] = Path(root) / name
    return found


def covers(path: Path, text: str) -> bool:
    """Whether the TrueType font at `path` has a glyph for every character of `text`."""
    try:
        face = TTFont("probe", str(path)).face
    except (TTFError, OSError, ValueError):  # not TrueType outlines, damaged, unreadable
        return False
    return all(ord(c) in face.charToGlyph for c in text)


def find(dirs: Sequence[Path], candidates: Sequence[Candidate] = CANDIDATES) -> Found | None:
    """The first candidate family under `dirs` whose regular face covers `COVERAGE`."""
    wanted = {n.casefold() for c in candidates for names in c.files for n in names}
    index = _index(dirs, wanted)
    for candidate in candidates:
        faces = [
            next((index[n.casefold()] for n in names if n.casefold() in index), None)
            for names in candidate.files
        ]
        regular = faces[0]
        if regular is None or not covers(regular, COVERAGE):
            continue
        # A bold or italic face that lacks a letter the regular one has would print that
        # letter as a box in a heading: the regular face is the better substitute.
        styled = [p if p is not None and covers(p, COVERAGE) else regular for p in faces[1:]]
        return Found(candidate.family, regular, *styled)
    return None


@functools.cache
def ensure() -> Found | None:
    """Register the fonts under `REGULAR` ... (once per process); the family used, or None
    when the PDFs fall back to Helvetica (said once, as a warning)."""
    found = find(font_dirs())
    if found is None:
        log.warning(
            "plrdesk: warning: no font that draws every letter of names such as 'Rafał"
            " Şahin-Nguyễn' was found (looked for %s); PDFs use Helvetica, which prints such"
            " letters as boxes. Install one (e.g. the package fonts-dejavu-core).",
            ", ".join(c.family for c in CANDIDATES),
        )
        for name, standard in zip(_NAMES, _STANDARD, strict=True):
            pdfmetrics.registerFont(pdfmetrics.Font(name, standard, "WinAnsiEncoding"))
    else:
        for name, path in zip(_NAMES, found.paths, strict=True):
            pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> and <i> in paragraph markup pick the family's own faces.
    for bold, italic, name in [(0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)]:
        addMapping(REGULAR, bold, italic, name)
    return found
