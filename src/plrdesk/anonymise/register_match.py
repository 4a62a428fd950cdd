"""The register layer: one Aho-Corasick automaton over every folded key of the register,
and the forms of a registered name the register cannot hold as typed (variants.py).

Keys, each with the rule that names its finds:
- "registered": a term's folded text (and its full case fold, and its NFKC/look-alike
  fold when that differs, "Nguyễn" as "nguyen");
- "registered-variant": the plural of a one-word name ("the Okonjos", "the Okonjos'"),
  and any key found only in the normalised view of the text (zero-width characters,
  look-alike letters, full-width letters, a name broken by a hyphen at a line end);
- "registered-handle": a full name run together ("amaraokafor", "amara_okafor") or a
  registered name inside a handle ("tj_okoro11", "@amaraokafor"): the whole handle goes;
- "registered-fuzzy": a capitalised word one edit from a registered name of five letters
  or more that is not an English word ("Okonjo" typed "Okojno"): redacted, for review;
- "school-short": a short form of a registered school (schools.py), for review;
- "registered-word": a registered name that is also an English word, where it may be the
  word (wordnames.py): for review, on the name layer, or not redacted at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from plrdesk.anonymise import names, schools, variants, wordlist, wordnames
from plrdesk.anonymise.text import fold, fold_variants, is_word_char, possessive_end
from plrdesk.anonymise.types import Candidate, Layer, RegisterTerm

REGISTERED = "registered"
REGISTERED_WORD = "registered-word"
REGISTERED_VARIANT = "registered-variant"
REGISTERED_HANDLE = "registered-handle"
REGISTERED_FUZZY = "registered-fuzzy"
NOT_NAMES = frozenset({"phone", "email", "school", "place", "url"})
_CAP_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{3,}(?!\w)")


@dataclass(frozen=True)
class Term:
    label: str
    length: int
    word_start: bool  # the key starts with a letter or digit: needs a boundary before it
    word_end: bool
    common: bool  # one word that is also an ordinary English word
    rule: str = REGISTERED
    review: bool = False
    name: bool = False  # a person's name (or part): may sit inside a handle


def _edges(key: str) -> tuple[int, bool, bool, bool]:
    return len(key), is_word_char(key[0]), is_word_char(key[-1]), is_word_name(key)


def is_word_name(key: str) -> bool:
    """A one-word name that is also an English word ("Will", "Marsh", "Long", "Can"): the
    curated names.COMMON_WORDS. Not wordfreq's list: it holds surnames too ("doyle")."""
    return " " not in key and key in names.COMMON_WORDS


class RegisterMatcher:
    def __init__(self, register: Sequence[RegisterTerm]) -> None:
        self.terms: list[Term] = []
        self._index: dict[str, int] = {}
        self._fuzzy_seen: dict[str, int | None] = {}
        self.automaton: ahocorasick.Automaton | None = None
        exact: list[tuple[str, RegisterTerm]] = []
        for term in register:
            keys = fold_variants(term.text)
            if (norm := variants.normalise(term.text)) is not None:
                keys.append(" ".join(fold(norm.text).split()))
            for key in dict.fromkeys(keys):
                if key:
                    self._add(key, term.label, REGISTERED, review=False)
                    exact.append((key, term))
        for key, term in exact:  # after every exact key, so an exact key keeps its rule
            if term.label in NOT_NAMES:
                if term.label == "school":
                    for short in schools.short_forms(key):
                        self._add(short, term.label, schools.SCHOOL_SHORT, review=True)
                continue
            # the plural of a name that is also a word ("Bell", "Park") is read like that
            # word: "the bells" stays, "the Bells" goes
            word = key in names.COMMON_WORDS or wordlist.is_english(key)
            for plural in variants.plural_keys(key):
                self._add(plural, term.label, REGISTERED_VARIANT, review=False, common=word)
            for joined in variants.joined_keys(key):
                self._add(joined, term.label, REGISTERED_HANDLE, review=False)
        self.fuzzy = variants.FuzzyIndex(
            {
                k: i
                for k, i in self._index.items()
                if self.terms[i].name
                and not self.terms[i].common
                and self.terms[i].rule == REGISTERED
            }
        )
        if self.terms:
            self.automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
            for key, i in self._index.items():
                self.automaton.add_word(key, i)
            self.automaton.make_automaton()

    def _add(self, key: str, label: str, rule: str, *, review: bool, common: bool = False) -> None:
        have = self._index.get(key)
        if have is not None:  # the same text twice: one label for both (see register.py)
            old = self.terms[have]
            if old.label != label and rule == old.rule:
                self.terms[have] = Term("person", *_edges(key), old.rule, old.review, old.name)
            return
        name = label not in NOT_NAMES and key.replace(" ", "").isalpha()
        self._index[key] = len(self.terms)
        length, word_start, word_end, is_common = _edges(key)
        term = Term(label, length, word_start, word_end, is_common or common, rule, review, name)
        self.terms.append(term)

    # -- matching ------------------------------------------------------------------------

    def find(self, text: str) -> list[Candidate]:
        if self.automaton is None:
            return []
        found = self._scan(text, text, None)
        norm = variants.normalise(text)
        if norm is not None:
            found += self._scan(text, norm.text, norm)
        if self.fuzzy:
            found += self._fuzzy(text)
        return found

    def _scan(self, text: str, view: str, norm: variants.Normalised | None) -> list[Candidate]:
        assert self.automaton is not None
        found: list[Candidate] = []
        n = len(view)
        terms = self.terms
        for last, index in self.automaton.iter(fold(view)):
            term = terms[index]
            end = last + 1
            start = end - term.length
            s, e = (
                (start, end)
                if norm is None
                else (norm.original_start(start), norm.original_end(end))
            )
            if (term.word_start and start > 0 and is_word_char(view[start - 1])) or (
                term.word_end and end < n and is_word_char(view[end])
            ):
                if term.name and not term.common and term.length >= 3:
                    handle = variants.handle_span(text, s, e)
                    if handle is not None:
                        found.append(
                            Candidate(*handle, term.label, Layer.REGISTER, REGISTERED_HANDLE, False)
                        )
                continue
            rule = term.rule
            if norm is not None and rule == REGISTERED and fold(text[s:e]) != fold(view[start:end]):
                rule = REGISTERED_VARIANT
            if term.name and s > 0 and text[s - 1] == "@":
                s -= 1  # "@amaraokafor": the handle's @ goes with it
                rule = REGISTERED_HANDLE
            if term.name and (schools.place_after(text, e) or schools.known_place(text, s, e)):
                continue  # "King's College Hospital", "the Evelina": a place, not the person
            if term.common and term.rule == REGISTERED_VARIANT and text[s:e].islower():
                continue  # "bad marks": the plural of a word-name in lower case is the word
            if term.common:
                use = wordnames.use(text, s, e)
                if use == wordnames.WORD:
                    continue
                if use == wordnames.REVIEW:
                    found.append(
                        Candidate(
                            s,
                            possessive_end(text, e),
                            term.label,
                            Layer.NAME,
                            REGISTERED_WORD,
                            True,
                        )
                    )
                    continue
            found.append(
                Candidate(s, possessive_end(text, e), term.label, Layer.REGISTER, rule, term.review)
            )
        return found

    def _fuzzy(self, text: str) -> list[Candidate]:
        found: list[Candidate] = []
        seen = self._fuzzy_seen
        # findall and a dict of words already judged: most words cost one lookup
        if all(seen.get(w, False) is None for w in _CAP_WORD.findall(text)):
            return found
        for m in _CAP_WORD.finditer(text):
            start = m.start()
            if start > 0 and is_word_char(text[start - 1]):
                continue
            raw = m.group()
            if raw in seen and seen[raw] is None:
                continue
            word = raw.lower() if raw.isascii() else fold(raw)
            index = self.fuzzy.match(word)
            if index is not None and wordlist.is_english(word):
                index = None
            if len(seen) > 1 << 15:  # bounded: a cache, not a record of the texts
                seen.clear()
            seen[raw] = index
            if index is None:
                continue
            term = self.terms[index]
            end = possessive_end(text, m.end())
            found.append(Candidate(start, end, term.label, Layer.REGISTER, REGISTERED_FUZZY, True))
        return found
