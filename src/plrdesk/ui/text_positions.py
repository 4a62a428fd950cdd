"""Where a Qt text position meets a Python string index.

Qt counts text in UTF-16 code units; Python's `str` (and so every offset the study
stores: coded spans, `domain.spans.Edit`) counts code points. The two differ by one for
every astral-plane character before the position: most emoji (😀), mathematical letters
(𝒜), and each half of a flag (🇬🇧 is two code points, four UTF-16 units). Every place a
QTextCursor position, selection or `contentsChange` report meets a stored offset goes
through here.

QTextDocument: a position is a UTF-16 offset into `document.toPlainText()`. Each block
boundary is one position (the document holds U+2029 PARAGRAPH SEPARATOR there, which
`toPlainText()` gives back as "\\n"), so a note whose lines end in "\\n" maps unit for unit,
line breaks included; `characterCount()` is one more than the text (the paragraph mark
closing the last block), which is why Qt's reports sometimes count one unit past the end.
`setPlainText` makes "\\r\\n" a single boundary and `toPlainText()` turns U+2028 and a lone
"\\r" into "\\n" and U+00A0 into a space: map against the document's own `toPlainText()`
(what the editor shows and saves), not a string that may differ from it.

Pure functions of a string, no widget state. `positions_of(text)` builds the map once
(one scan for astral characters, then each conversion is a binary search) and keeps the
last few, so a long note is scanned once however many spans are drawn on it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class TextPositions:
    """Python index <-> UTF-16 position for one string."""

    __slots__ = ("_astral", "_astral16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        # Python indexes of the astral characters, and where each starts in UTF-16 (the
        # k-th is shifted on by the k before it, each one unit longer than in Python).
        astral = [found.start() for found in _ASTRAL.finditer(text)]
        self._astral = astral
        self._astral16 = [index + k for k, index in enumerate(astral)]
        self.length = len(text)
        self.utf16_length = len(text) + len(astral)

    def to_utf16(self, index: int) -> int:
        """The Qt position of Python index `index` (0..len(text))."""
        if not 0 <= index <= self.length:
            raise ValueError(f"index {index} is outside a text of {self.length} characters")
        return index + bisect_left(self._astral, index)

    def to_python(self, position: int, *, round_up: bool = False) -> int:
        """The Python index of Qt position `position` (0..UTF-16 length).

        A position between the two halves of a surrogate pair is no character boundary (a
        cursor set there by hand): it goes to the start of that character, or past its
        end with `round_up` (so a selection ending there takes the whole character).
        """
        if not 0 <= position <= self.utf16_length:
            raise ValueError(f"position {position} is outside a text of {self.utf16_length} units")
        before = bisect_right(self._astral16, position - 1)  # astral characters starting before
        if before and self._astral16[before - 1] == position - 1:
            return self._astral[before - 1] + (1 if round_up else 0)
        return position - before

    def is_boundary(self, position: int) -> bool:
        """Whether `position` falls between characters (not inside a surrogate pair)."""
        if not 0 <= position <= self.utf16_length:
            return False
        before = bisect_right(self._astral16, position - 1)
        return not (before and self._astral16[before - 1] == position - 1)

    def span_to_python(self, start: int, end: int) -> tuple[int, int]:
        """A Qt selection as Python indexes, taking in any character it cuts in half."""
        return self.to_python(start), self.to_python(end, round_up=True)

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)


@lru_cache(maxsize=32)
def positions_of(text: str) -> TextPositions:
    """The map for `text`, built once while it is among the last few asked for (typing
    asks for the old and new text of every keystroke, highlights for each note shown)."""
    return TextPositions(text)


def utf16_length(text: str) -> int:
    return positions_of(text).utf16_length


def to_utf16(text: str, index: int) -> int:
    """The Qt position of Python index `index` in `text`."""
    return positions_of(text).to_utf16(index)


def to_python(text: str, position: int, *, round_up: bool = False) -> int:
    """The Python index of Qt position `position` in `text` (see `TextPositions.to_python`)."""
    return positions_of(text).to_python(position, round_up=round_up)


__all__ = ["TextPositions", "positions_of", "to_python", "to_utf16", "utf16_length"]
