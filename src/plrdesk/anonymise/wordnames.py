"""When a registered name that is also an English word ("Will", "Hope", "Grace", "May",
"Young", "Summer") is the word, read from the words around it as a person would.

`use` answers one of three:
- WORD: the word, left in the text. Only in lower case (a capital mid-sentence is the
  name): a modal or auxiliary before a pronoun or a bare verb ("will you", "may be"),
  a noun after a determiner ("the summer", "no hope", "her will"), a month next to a date
  or after a time word ("in may", "3 june"), or a known compound with a common noun
  ("grace period", "young people", "summer term"). The month rule also holds for a
  capitalised month ("in May", "June 2024"): the month is far likelier there.
- REVIEW: maybe the word: redacted and offered for review. Lower case elsewhere, a
  sentence start ("Will you ...", "Grace periods ..."), or a capital after a determiner.
- NAME: the person, redacted without review (capitalised mid-sentence, all capitals, or
  followed by a verb of saying).
A word followed by a possessive or a verb of saying is the person whatever its case
("will said", "hope's mum").
"""

from __future__ import annotations

import functools
import re

from plrdesk.anonymise import names
from plrdesk.anonymise.text import APOSTROPHES, sentence_initial

WORD = "word"
REVIEW = "review"
NAME = "name"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MODALS = _words("will may might can must shall")
# What follows a modal or auxiliary: pronouns, negation, adverbs and bare verbs.
AFTER_MODAL = _words(
    """i you u ya he she it we they this that there not never also just still probably
    definitely be have do go come get make see try help take give feel know ask tell need
    want say start stop keep talk meet call ring visit send bring find leave stay move
    change look work play use happen mean depend include become seem well only already
    soon need follow continue settle attend join return write read sit wait let"""
)
PRONOUNS = _words("i you u we they he she it")
SUBJECT_VERBS = _words("would will could should can may might must shall has had wants needs")
INTENSIFIERS = _words("too so very how as really quite more most")
DETERMINERS = _words(
    """a an the this that these those no some any my your his her our their its every each
    such what much more less own good great little real new"""
)
# Common nouns that make a compound with a word-name: "young people", "grace period".
COMPOUND_NOUNS = _words(
    """people person persons carer carers man men woman women boy boys girl girls child
    children adult adults ones one lad lads age period periods term terms holiday holidays
    school schools camp club clubs time break fair garden gardens bush bushes water
    offenders offender minds mind carers' people's power sky stone street shop market
    day days week weeks night nights way time times wait ones list"""
)
# Word-names that are adjectives: before any content word they are the adjective.
ADJECTIVES = _words(
    """long young little short small strong sharp smart swift bright noble hardy savage
    brown green white black gray grey gold silver happy lucky precious sunny rusty sandy
    dusty misty frank grand"""
)
FUNCTION_WORDS = _words(
    """and or but n nor so then to of in on at by for with from is was are were be been
    has had have do did does not no yes and said says told asked went me him her them us
    you i we they he she it my your his our their"""
)


def _next_word(text: str, end: int) -> str:
    n = len(text)
    i = end
    if i < n and text[i] in APOSTROPHES:
        return "'"
    while i < n and text[i] in " \t":
        i += 1
    j = i
    while j < n and (text[j].isalpha() or text[j] in "'’-"):
        j += 1
    return text[i:j]


def use(text: str, start: int, end: int) -> str:
    """WORD, REVIEW or NAME for the registered word-name at text[start:end]."""
    word = text[start:end]
    if word.isupper() and len(word) > 1:
        return NAME
    after = _next_word(text, end)
    before = names.previous_word(text, start)
    if word.islower() and (before in DETERMINERS or before in INTENSIFIERS) and after != "'":
        return WORD  # "no patience left", "too long"
    if after == "'" or after.lower() in names.NAME_VERBS:
        return NAME
    title = word[:1].upper() + word[1:].lower()
    if title in names.MONTH_NAMES and names.is_month_here(text, start, end):
        return WORD
    following = after.lower()
    if word.islower():
        if not typed(text):
            if following in SUBJECT_VERBS:
                return REVIEW  # "we agreed lee would visit": a subject, perhaps a name
            return WORD  # prose capitalises names: a lower-case word there is the word
        if word in MODALS and following in AFTER_MODAL:
            return WORD
        if before in PRONOUNS or following in COMPOUND_NOUNS:
            return WORD  # "i hope", "young people"
        if word in ADJECTIVES and following.isalpha() and following not in FUNCTION_WORDS:
            return WORD  # "long day", "little brother"
        return REVIEW
    if sentence_initial(text, start):
        if following in COMPOUND_NOUNS or (
            (after.islower() or after == "I")
            and (following in DETERMINERS or following in PRONOUNS)
        ):
            return WORD  # "Young people ...", "Will the SENCO ...", "May I ...", "Mark the"
        return REVIEW
    if before in DETERMINERS:
        return REVIEW
    return NAME


# A line that starts in lower case, after a speaker's label if any ("P3: can we ..."), or
# the pronoun "i" in lower case.
_SPEAKER = re.compile(r"[\w ]{1,16}:[ \t]*")


@functools.lru_cache(maxsize=256)  # asked once per word-name in a text; str caches its hash
def typed(text: str) -> bool:
    """Typed speech (a child's message, a focus-group line): names in it may be lower case
    too, and so may the words around them."""
    if " i " in text or "\ni " in text or text.startswith("i ") or " i'm" in text:
        return True
    for line in text.split("\n"):  # a line in lower case, after a speaker's label if any
        label = _SPEAKER.match(line)
        rest = line[label.end() :] if label else line
        if rest[:1].islower():
            return True
    return False
