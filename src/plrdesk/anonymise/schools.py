"""Schools by the names people call them, and buildings named after people.

- Short forms of a registered school (`short_forms`): the distinctive words before the
  first institution word ("Ashgrove Academy Nunhead" -> "Ashgrove", "Ashgrove Nunhead",
  "Ashgrove Academy"; "The Lindenfield School" -> "Lindenfield", "the Lindenfield",
  "Lindenfield School"). A one-word short form that is an English word ("Riverside") is
  not offered alone: too many ordinary uses. Found under rule "school-short", for review.
- An unregistered school (`find_schools`): "Academy", "Primary", "School" or "College"
  right after a capitalised word that is not an English word ("Lindenfield School"),
  with the capitalised words before it and a place name after it. Rule "school-name",
  for review.
- A building named after a person (`place_after`): a registered name followed by
  "Hospital", "College Hospital", "Children's Hospital", "House", "Centre" ... is that
  place, not the person; a few London hospitals are known by a person's name alone
  ("the Evelina", "the Maudsley").
"""

from __future__ import annotations

import re

from plrdesk.anonymise import wordlist
from plrdesk.anonymise.text import fold, sentence_initial
from plrdesk.anonymise.types import Candidate, Layer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SCHOOL = "school"
SCHOOL_SHORT = "school-short"
SCHOOL_NAME = "school-name"
INSTITUTION = _words(
    """
    academy school primary secondary college high infant infants junior juniors nursery
    grammar community free church ce cofe rc c of e catholic methodist girls boys upper
    lower middle sixth form studio university technical trust federation
    """
)
_PLACE_WORDS = _words(
    """
    Hospital Hospitals Centre Center House Clinic Library Building Unit Wing Institute
    Memorial Hospice Surgery Practice
    """
)
KNOWN_PLACE_NAMES = frozenset({"evelina", "maudsley", "bethlem", "whittington", "nightingale"})
_SCHOOL_WORD = re.compile(r"(?<![\w-])(?:Academy|Primary|School|College)(?![\w-])")
_CAP_BEFORE = re.compile(r"([A-ZÀ-Þ][\w'’-]*)[ \t]+\Z")
_CAP_AFTER = re.compile(r"[ \t]+([A-ZÀ-Þ][\w'’-]*)")


def short_forms(key: str) -> list[str]:
    """The short forms of a registered school's folded name (not the name itself)."""
    words = key.split()
    if words and words[0] == "the":
        words = words[1:]
    cut = next((i for i, w in enumerate(words) if w in INSTITUTION), len(words))
    head, rest = words[:cut], words[cut:]
    if not head or cut == len(words):
        return []
    name = " ".join(head)
    after = [w for w in rest if w not in INSTITUTION]
    forms = [f"{name} {w}" for w in rest if w in INSTITUTION]
    forms += [f"{name} {' '.join(after)}"] if after else []
    if len(head) > 1 or (len(name) >= 4 and not wordlist.is_english(name)):
        forms += [name, f"the {name}"]
    first = head[0]
    if len(head) > 1 and len(first) >= 4 and first.isalpha() and not wordlist.is_english(first):
        forms += [first, f"the {first}"]  # "Rotherby Hill Secondary" is "Rotherby"
    return [f for f in dict.fromkeys(forms) if f != key]


def place_after(text: str, end: int) -> bool:
    """Whether a name ending at `end` begins the name of a building ("King's College
    Hospital", "Evelina Children's Hospital", "Okoro House")."""
    i = end
    if text[i : i + 2] in ("'s", "’s"):
        i += 2
    for _ in range(2):  # "College Hospital", "Children's Hospital", "London Children's"
        m = _CAP_AFTER.match(text, i)
        if m is None:
            return False
        if m.group(1) in _PLACE_WORDS:
            return True
        i = m.end()
    return False


def known_place(text: str, start: int, end: int) -> bool:
    """A hospital known by a person's name, after "the" ("took him to the Evelina")."""
    return (
        fold(text[start:end]) in KNOWN_PLACE_NAMES
        and text[max(0, start - 4) : start].lower() == "the "
    )


def _unknown(word: str) -> bool:
    bare = word.rstrip("'’s") if word.endswith(("'s", "’s")) else word
    return len(bare) >= 3 and not bare.isupper() and not wordlist.is_english(fold(bare))


def find_schools(text: str) -> list[Candidate]:
    """Unregistered schools: see the module docstring."""
    found: list[Candidate] = []
    if not any(w in text for w in ("Academy", "Primary", "School", "College")):
        return found  # four substring tests are far cheaper than a scan
    for m in _SCHOOL_WORD.finditer(text):
        before = _CAP_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if before is None:
            continue
        words = [before]
        while len(words) < 4 and (
            more := _CAP_BEFORE.search(text, max(0, words[-1].start(1) - 40), words[-1].start(1))
        ):
            words.append(more)
        while words and (
            words[-1].group(1) in ("The", "A", "At", "In", "To")
            or (
                len(words) > 1
                and sentence_initial(text, words[-1].start(1))
                and not _unknown(words[-1].group(1))
            )
        ):
            words.pop()  # "The Lindenfield School", "Phoned Orchard Vale Academy"
        if not words:
            continue
        # one unknown word, a saint ("St Agatha's Primary"), or two capitalised words
        # ("Orchard Vale Academy") make a school's name
        named = [w.group(1) for w in words]
        if not (
            any(_unknown(w) for w in named) or named[-1] in ("St", "St.", "Saint") or len(named) > 1
        ):
            continue
        start = words[-1].start(1)
        end = m.end()
        while (after := _CAP_AFTER.match(text, end)) is not None and (
            fold(after.group(1)) in INSTITUTION or _unknown(after.group(1))
        ):
            end = after.end(1)
        found.append(Candidate(start, end, SCHOOL, Layer.NAME, SCHOOL_NAME, True))
    return found
