"""Small text helpers shared by the layers: folding that keeps offsets, word boundaries,
possessives and the key a review decision is stored under."""

from __future__ import annotations

import unicodedata


def _fold_table() -> dict[int, str]:
    """One character for one: typographic variants to their plain forms (a name typed with
    a curly apostrophe, text pasted with non-breaking spaces), any whitespace to a space
    ("Sam\nJones" is still "sam jones"), and accented Latin letters to their base letters
    ("Zoë" and "Zoe", "Seán" and "Sean", "İlker" and "Ilker" are the same name to the
    matcher)."""
    table = {ord(c): "'" for c in "’‘`´"}
    table |= {ord(c): " " for c in "\t\n\r\u00a0\u2009\u202f\u2007\u200a"}
    table |= {ord(c): "-" for c in "‐‑–"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:  # Latin, Vietnamese
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base != char:
            table[code] = base
    table |= {ord(k): v for k, v in zip("øØłŁđĐħĦı", "oOlLdDhHi", strict=True)}
    return table


FOLD_TABLE = _fold_table()
APOSTROPHES = "'’"


def _fold_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) == 1:
        return folded
    lower = char.lower()
    return lower if len(lower) == 1 else char


def fold(text: str) -> str:
    """Case-folded text of exactly the same length, so an offset into the folded text is
    the same offset into `text` (plain `casefold` turns "ß" into "ss"; here it stays)."""
    text = text.translate(FOLD_TABLE)
    folded = text.casefold()
    if len(folded) == len(text):  # no character expanded: every one folded to one
        return folded
    return "".join(_fold_char(c) for c in text)


def fold_variants(term: str) -> list[str]:
    """The keys a register term is matched under: its `fold`, and its full case fold where
    that differs ("Straße" is matched as "straße" and as "strasse")."""
    keys = [" ".join(fold(term).split())]
    full = " ".join(term.translate(FOLD_TABLE).casefold().split())
    if full != keys[0]:
        keys.append(full)
    return keys


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def possessive_end(text: str, end: int, *, bare_after_s: bool = True) -> int:
    """`end` moved past a possessive: "Sam's", "Sam’s", "SAM'S" and, after a final s,
    the bare apostrophe of "Jones'"."""
    n = len(text)
    if end < n and text[end] in APOSTROPHES:
        if (
            end + 1 < n
            and text[end + 1] in "sS"
            and (end + 2 == n or not is_word_char(text[end + 2]))
        ):
            return end + 2
        if (
            bare_after_s
            and end > 0
            and text[end - 1] in "sS"
            and (end + 1 == n or not is_word_char(text[end + 1]))
        ):
            return end + 1
    return end


def strip_possessive(text: str) -> str:
    for suffix in ("'s", "’s", "'S", "’S"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    if len(text) > 2 and text[-1] in APOSTROPHES and text[-2] in "sS":
        return text[:-1]
    return text


def fold_key(text: str) -> str:
    """The key a review decision is kept under: case-folded, spaces collapsed, without a
    possessive, so a decision on "May" also covers "MAY" and "May's"."""
    return " ".join(fold(strip_possessive(text.strip())).split())


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at `start` begins a sentence (or the text, or a line)."""
    i = start - 1
    while i >= 0 and (text[i] in " \t\"“‘'([" or text[i] == "\u00a0"):
        i -= 1
    if i < 0 or text[i] in ".!?…\n\r•":
        return True
    return text[i] in "-–*" and (i == 0 or text[i - 1] in "\n\r")  # a bullet
