"""Forms of a registered name the register cannot hold as typed: a view of the text with
Unicode look-alikes undone (and a map back to the original offsets), plural keys, names
run together in a handle, and near misses within one edit.

Normalisation (`normalise`) is done only where the text needs it: one search for the
characters that change ("special"), then a copy of the text with each one replaced, and
a list of segments that maps every offset of the copy back to the original. What changes:
- zero-width characters and soft hyphens are dropped ("Ok\u200boro");
- a hyphen at a line end between letters is dropped with the line break ("Oko-\\nnjo");
- combining accents are dropped (the fold drops precomposed accents the same way);
- compatibility forms go to NFKC (full-width "Ｏｋｏｒｏ", ligatures, mathematical letters);
- Cyrillic and Greek letters that look like Latin ones become those Latin letters
  ("Оkoro" with a Cyrillic О). The table is Unicode's confusables for these two scripts,
  reduced to the letters that are drawn the same in ordinary fonts.
A span found in the copy maps back to the original exactly: it starts at the original
character its first letter came from and ends after the one its last letter came from,
so every dropped character inside a name goes with it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# Cyrillic and Greek letters drawn like Latin letters (from Unicode confusables.txt).
_CONFUSABLE = dict(
    zip(
        "АВЕЅІЈКМНОРСТХУԌԚԜаеѕіјорсхуԁһԛԝӏѵҺΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιкνρτυχ",
        "ABESIJKMHOPCTXYGQWaesijopcxydhqwlvhABEZHIKMNOPTYXoikvptux",
        strict=True,
    )
)
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff")
# A line-end hyphen first (so a soft hyphen before a line break goes with the break), then
# single characters. Both alternatives start with a character class, so the scan skips
# ordinary text without trying anything.
_LINE_BREAK = re.compile("[-\u2010\u2011\u00ad][ \t]*\r?\n")
SPECIAL = re.compile(
    "[-\u2010\u2011\u00ad][ \t]*\r?\n[ \t]*"
    "|[\u00ad\u200b-\u200f\u2060-\u2063\ufeff\u0300-\u036f\u0370-\u03ff\u0400-\u04ff"
    "\u1e00-\u1eff\ufb00-\ufb06\uff01-\uff5e\U0001d400-\U0001d7ff]"
)


def _is_letter(char: str) -> bool:
    return char.isalpha()


@dataclass(frozen=True)
class Normalised:
    """A copy of a text with look-alikes undone, and where each of its offsets came from."""

    text: str
    # (start in the copy, start in the original, length, copied unchanged?) per segment
    segments: list[tuple[int, int, int, bool]]
    starts: list[int]
    size: int  # of the original

    def original_start(self, k: int) -> int:
        i = bisect.bisect_right(self.starts, k) - 1
        start, orig, _length, copied = self.segments[i]
        return orig + (k - start) if copied else orig

    def original_end(self, k: int) -> int:
        """Where an exclusive end `k` of the copy is in the original: past any characters
        dropped right after it (a combining accent or a zero-width character on the last
        letter goes with the name)."""
        i = bisect.bisect_right(self.starts, k - 1) - 1
        start, orig, length, copied = self.segments[i]
        end = orig + (k - start) if copied else orig + length
        if end == orig + length:  # the end of a segment: a gap of dropped characters?
            end = self.segments[i + 1][1] if i + 1 < len(self.segments) else self.size
        return end


def _replacement(char: str) -> str:
    if char in _DROP or unicodedata.combining(char):
        return ""
    if char in _CONFUSABLE:
        return _CONFUSABLE[char]
    if "\u1e00" <= char <= "\u1eff":  # Vietnamese and other precomposed Latin letters
        base = unicodedata.normalize("NFKD", char)[:1]
        return base if base.isascii() else char
    return unicodedata.normalize("NFKC", char)


def normalise(text: str) -> Normalised | None:
    """The copy of `text` with look-alikes undone, or None when nothing in it changes."""
    if text.isascii() and _LINE_BREAK.search(text) is None:
        return None  # the common case, decided by two scans in C
    pieces: list[str] = []
    segments: list[tuple[int, int, int, bool]] = []
    at = 0  # in the original
    size = 0  # of the copy
    changed = False
    for m in SPECIAL.finditer(text):
        if m.end() - m.start() > 1:  # a line-end hyphen: only between two letters
            if not (m.start() > 0 and m.end() < len(text)):
                continue
            if not (_is_letter(text[m.start() - 1]) and _is_letter(text[m.end()])):
                continue
            new = ""
        else:
            new = _replacement(m.group())
        if new == m.group():
            continue
        changed = True
        if m.start() > at:
            pieces.append(text[at : m.start()])
            segments.append((size, at, m.start() - at, True))
            size += m.start() - at
        if new:
            pieces.append(new)
            # a replaced character's offsets all map to it (length is in the original)
            segments.append((size, m.start(), m.end() - m.start(), False))
            size += len(new)
        at = m.end()
    if not changed:
        return None
    if at < len(text):
        pieces.append(text[at:])
        segments.append((size, at, len(text) - at, True))
    if not segments:  # only dropped characters
        segments.append((0, 0, 0, True))
    return Normalised("".join(pieces), segments, [s[0] for s in segments], len(text))


# -- plural keys and handles ---------------------------------------------------------------


def plural_keys(key: str) -> list[str]:
    """The plural a family is called by ("the Okonjos", "the Joneses")."""
    if " " in key or len(key) < 3 or not key[-1].isalpha():
        return []
    if key.endswith(("s", "x", "z", "sh", "ch")):
        return [key + "es"]
    return [key + "s"]


def joined_keys(full_key: str) -> list[str]:
    """A full name run together the way handles and e-mail local parts write it."""
    words = full_key.split()
    if len(words) < 2:
        return []
    return ["".join(words), "_".join(words), ".".join(words)]


_HANDLE_CHARS = re.compile(r"[\w.]")


def handle_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The handle a registered name sits inside ("tj_okoro11", "@amaraokafor"): a run of
    word characters and dots that contains `_` or a digit or follows `@`; else None."""
    lo = start
    while lo > 0 and _HANDLE_CHARS.match(text[lo - 1]):
        lo -= 1
    hi = end
    n = len(text)
    while hi < n and _HANDLE_CHARS.match(text[hi]):
        hi += 1
    while hi > end and text[hi - 1] == ".":  # a full stop after the handle is not in it
        hi -= 1
    token = text[lo:hi]
    at = lo > 0 and text[lo - 1] == "@"
    if at and lo > 1 and _HANDLE_CHARS.match(text[lo - 2]):
        return None  # the domain of an e-mail address: the pattern layer has it
    if at or "_" in token or any(c.isdigit() for c in token):
        return (lo - 1 if at else lo), hi
    return None


# -- one edit --------------------------------------------------------------------------------

FUZZY_MIN = 5


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance <= 1, or one swap of neighbours ("Okojno" for "Okonjo")."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if la < lb else (b, a)
    return short in _deletes(long_)


class FuzzyIndex:
    """Registered one-word names of five letters or more, looked up by near misses: a word
    is checked only when it shares its first two or last two letters with one of them (one
    edit cannot change both ends of a word this long), then by its deletions."""

    def __init__(self, keys: dict[str, int]) -> None:
        self.keys = {k: v for k, v in keys.items() if len(k) >= FUZZY_MIN and k.isalpha()}
        self.heads = {k[:2] for k in self.keys}
        self.tails = {k[-2:] for k in self.keys}
        self.by_delete: dict[str, set[str]] = {}
        self._seen: dict[str, int | None] = {}
        for key in self.keys:
            for d in {key, *_deletes(key)}:
                self.by_delete.setdefault(d, set()).add(key)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def match(self, word: str) -> int | None:
        """The index of the registered name `word` (folded) is one edit from, or None."""
        if len(word) < FUZZY_MIN - 1 or word in self.keys:
            return None
        if word[:2] not in self.heads and word[-2:] not in self.tails:
            return None
        if word in self._seen:
            return self._seen[word]
        if len(self._seen) > 1 << 15:  # bounded: a cache, not a record of the texts
            self._seen.clear()
        found = self._seen[word] = self._match(word)
        return found

    def _match(self, word: str) -> int | None:
        near: set[str] = set()
        for d in {word, *_deletes(word)}:
            near |= self.by_delete.get(d, set())
        for key in sorted(near):
            if within_one_edit(word, key):
                return self.keys[key]
        return None
