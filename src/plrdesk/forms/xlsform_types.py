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
    # pyxform's older names of the same questions (question_type_dictionary.py)
    "q string": ItemType.TEXT,
    "add text prompt": ItemType.TEXT,
    "phone number": ItemType.TEXT,
    "q int": ItemType.NUMBER,
    "add integer prompt": ItemType.NUMBER,
    "q decimal": ItemType.NUMBER,
    "add decimal prompt": ItemType.NUMBER,
    "percentage": ItemType.NUMBER,
    "number of days in last month": ItemType.NUMBER,
    "number of days in last six months": ItemType.NUMBER,
    "number of days in last year": ItemType.NUMBER,
    "q date": ItemType.DATE,
    "add date prompt": ItemType.DATE,
    "q note": ItemType.INFO,
    "add note prompt": ItemType.INFO,
    "q acknowledge": ItemType.STATEMENT,
    "add acknowledge prompt": ItemType.STATEMENT,
}
# pyxform's spellings (aliases.py), the longer first: `select one from LIST` is not a list
# called "from".
_SELECT = re.compile(
    r"(?P<how>select one from|select_one|select one|select1|add select one prompt using"
    r"|select all that apply from|select_multiple|select multiple|select all that apply"
    r"|add select multiple prompt using)"
    r"\s+(?P<list>\S+)(?P<other>\s+(or_other|or specify other|or other))?",
    re.IGNORECASE,
)
_SINGLE = {"select one from", "select_one", "select one", "select1", "add select one prompt using"}
_STRUCTURE = re.compile(
    r"(?P<verb>begin|end)[ _](?P<what>group|repeat|loop|lgroup|looped group)"
    r"(\s+(over\s+)?(?P<list>\S+))?",
    re.IGNORECASE,
)
# A loop repeats its questions once per choice of a list; lgroup and looped group are old
# names of repeat.
_CONTROL = {"lgroup": "repeat", "looped group": "repeat"}


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
    structure: tuple[str, str] | None = None  # ("begin" | "end", "group" | "repeat" | "loop")
    list_name: str | None = None
    or_other: bool = False


def kind_of(type_text: str) -> Kind:
    """What a survey row's `type` cell asks for."""
    text = " ".join(type_text.split())
    if (match := _STRUCTURE.fullmatch(text)) and not (
        match["verb"].lower() == "end" and match["list"]
    ):
        what = " ".join(match["what"].lower().split())
        structure = (match["verb"].lower(), _CONTROL.get(what, what))
        return Kind(structure=structure, list_name=match["list"])
    if match := _SELECT.fullmatch(text):
        single = " ".join(match["how"].lower().split()) in _SINGLE
        item = ItemType.SINGLE_CHOICE if single else ItemType.MULTI_CHOICE
        return Kind(item=item, list_name=match["list"], or_other=bool(match["other"]))
    return Kind(item=_SIMPLE.get(text.lower()))
