"""Which words are ordinary English: wordfreq's "small" English list (about 29,000 words,
every one more frequent than once in a million words), loaded on first use only.

wordfreq costs ~170 ms to import and ~0.3 s to read its list, so nothing imports it at
start-up: the first `is_english` call (made while anonymising) does. See docs/decisions.md.
"""

from __future__ import annotations

import functools


# Words of this work that are not in the list but are no one's name (checked folded).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


KNOWN_TERMS = _words(
    """
    senco sendco ehcp ehc camhs caf tac taf dsl lado mash cin cp cla lac sen send sdq iep
    ofsted nhs gp sats gcse gcses btec ks1 ks2 ks3 ks4 eal fsm pru ap ta tas hlta elsa yr y6
    y7 y8 y9 covid whatsapp instagram insta snapchat tiktok youtube facebook tbh lol idk ngl
    innit bruv fam wagwan peng mandem gyal ting sus lowkey rn pls plz thx ok okay
    safeguarding pseudonymised transcript transcripts focus-group
    """
)


@functools.cache
def english_words() -> frozenset[str]:
    """wordfreq's small English list, folded (read once per process)."""
    import wordfreq  # lazily: see the module docstring

    return frozenset(wordfreq.get_frequency_dict("en", wordlist="small"))


@functools.lru_cache(maxsize=1 << 16)  # words repeat: most calls are one dict lookup
def is_english(folded: str) -> bool:
    """Whether a folded word is an ordinary English word or a known term of this work."""
    if folded in KNOWN_TERMS:
        return True
    words = english_words()
    if folded in words:
        return True
    # inflected forms the list may lack: "Okoros" is not, "walked" is
    for suffix in ("s", "es", "ed", "ing", "'s", "ly"):
        if folded.endswith(suffix) and folded[: -len(suffix)] in words:
            return True
    return False
