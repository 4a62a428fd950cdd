"""XLSForm row types, and XLSForm names made into our ids (see `xlsform.py`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from plrdesk.forms.schema import ItemType

_SIMPLE = {
    "text": ItemType.TEXT,
    "string": ItemType.TEXT,
    "integer": ItemType.NUMBER,
    "int": ItemType.NUMBER,
    "decimal": ItemType.NUMBER,
    "date": ItemType.DATE,
    "time": ItemType.TIME,
    "note": ItemType.INFO,
    "acknowledge": ItemType.STATEMENT,
    "trigger": ItemType.STATEMENT,  # the old name of acknowledge
    "range": ItemType.SCALE,
}
_SELECT = re.compile(
    r"(?P<how>select_one|select one|select1|select_multiple|select multiple"
    r"|select all that apply)\s+(?P<list>\S+)(?P<other>\s+or_other)?",
    re.IGNORECASE,
)
_STRUCTURE = re.compile(r"(?P<verb>begin|end)[ _](?P<what>group|repeat)", re.IGNORECASE)


def to_id(name: str, prefix: str, fallback: str) -> str:
    """`name` in our id pattern: ASCII, lower-case words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or fallback
    if not text[0].isalpha():
        text = f"{prefix}-{text}"
    return text[:80].rstrip("-")


def unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 80 - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


@dataclass
class Notes:
    """What was not converted, by sheet and row, in workbook order."""

    entries: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, text: str, sheet: str | None = None, row: int = 0) -> None:
        """A note on a sheet's row, or (no sheet) on the whole form, listed last."""
        rank = ("settings", "survey", "choices").index(sheet) if sheet else 9
        entry = (rank, row, f"{sheet} row {row}: {text}" if sheet else text)
        if entry not in self.entries:
            self.entries.append(entry)

    def texts(self) -> list[str]:
        return [text for _, _, text in sorted(self.entries, key=lambda e: (e[0], e[1]))]


@dataclass(frozen=True)
class Kind:
    item: ItemType | None = None
    structure: tuple[str, str] | None = None  # ("begin" | "end", "group" | "repeat")
    list_name: str | None = None
    or_other: bool = False


def kind_of(type_text: str) -> Kind:
    """What a survey row's `type` cell asks for."""
    text = " ".join(type_text.split())
    if match := _STRUCTURE.fullmatch(text):
        return Kind(structure=(match["verb"].lower(), match["what"].lower()))
    if match := _SELECT.fullmatch(text):
        single = match["how"].lower() in {"select_one", "select one", "select1"}
        item = ItemType.SINGLE_CHOICE if single else ItemType.MULTI_CHOICE
        return Kind(item=item, list_name=match["list"], or_other=bool(match["other"]))
    return Kind(item=_SIMPLE.get(text.lower()))
