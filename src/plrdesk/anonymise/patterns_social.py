"""Social-media handles for the pattern layer.

A handle is found three ways, each with its own rule:
- `at-handle`: "@" and a name ("@tj_okoro11", "tiktok @kezz.x"), when no e-mail address
  is around it; "@school", "@ 5pm" and "@home" (an "at") are not handles;
- `platform-handle`: the word after a platform's name ("insta is tj_okoro11",
  "snap: kezz.x", "add him on snapchat - big_t", "tj_okoro11 on insta");
- `handle-like`: a word joined by an underscore ("tj_okoro11"), which prose never has;
  marked for review.
The combined expression starts an attempt only at some characters (see patterns.py), so a
handle is met at its "@", its "_", a digit after a letter, a "." inside a word or the
capital of a platform's name ("Insta is ..."); a handle of plain lower-case letters after
a lower-case platform name ("insta is kemi") has nothing to start at and is not found.

`handle_parts` splits a handle into the words it is built from, for the register's
matching of handles built on a registered name (register.py's job).
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HANDLE = "handle"
AT_HANDLE = "at-handle"
PLATFORM_HANDLE = "handle-after-platform-name"
HANDLE_LIKE = "underscore-handle"

_PLATFORMS = (
    r"insta(?:gram)?|ig|snap(?:chat)?|tik[ ]?tok|twitter|on[ ]+x|fb|facebook|whats[ ]?app"
    r"|youtube|yt|discord|telegram|twitch|threads|bereal|roblox|xbox|psn|playstation|steam"
    r"|fortnite|minecraft|reddit|pinterest|linkedin|kik|wink|yubo|signal"
)
_ACCOUNT_WORDS = r"username|user[ ]?name|gamertag|gamer[ ]?tag|handle|account|profile"
# A platform (or "username"), then small words, then the handle.
_PLATFORM_BEFORE = re.compile(
    rf"(?i:(?<![\w])(?:{_PLATFORMS}|{_ACCOUNT_WORDS})(?:['’]s)?"
    rf"(?:[ ]+(?:{_ACCOUNT_WORDS}|name|is|was|as|called|on|=))*[ ]*[:=\-–(]?[ ]*@?)\Z"
)
_PLATFORM_AFTER = re.compile(rf"[ ]+(?i:on|via|from)[ ]+(?i:{_PLATFORMS})(?![\w])")
# Capitalised platform names start an attempt of their own ("Insta is tj_okoro", "Snap:
# kezz"); the handle is the word after the small words.
PLATFORM_BRANCH = (
    r"(?P<platform>(?<![\w])(?:Insta(?:gram)?|IG|Snap(?:chat)?|Tik[ ]?[Tt]ok|TikTok|Twitter"
    r"|FB|Facebook|Whats[Aa]pp|YouTube|Youtube|Discord|Telegram|Twitch|Roblox|Xbox|PSN"
    r"|Username|Gamertag)(?:['’]s)?(?:[ ]+(?:username|name|handle|account|tag|is|was|as))*"
    r"[ ]*[:=\-–]?[ ]*@?)(?=[A-Za-z0-9_])"
)
PLATFORM_INITIALS = "DFIPSTUWXY"  # the capitals PLATFORM_BRANCH can start with
# "snap: kezz", "ig - big_t": a colon after a lower-case platform's name.
COLON_BRANCH = r"(?P<colon>(?<=[A-Za-z]):)"
# What makes the word after a platform's name a handle when it is only letters: a colon,
# "=", "@" or "-", or a word such as "username" ("Insta is down" is not a handle).
_STRONG_CUE = re.compile(r"[:=@\-–]|(?i:name|handle|account|tag)")
# What may start a handle's attempt: "_", a digit after a letter, "." inside a word.
MARK_BRANCH = r"(?P<mark>(?<=[A-Za-z0-9])_|(?<=[A-Za-z0-9_])\.(?=[A-Za-z0-9_]))"
# Digits after three letters ("okoro2011"; not "Yr7", "KS2" or "SE15", which are
# something else and would each cost a look for a platform's name).
DIGIT_MARK_BRANCH = r"(?P<dmark>(?<=[A-Za-z_]{3})\d)"
AT_BRANCH = r"(?P<at>(?<![\w.+\-])@[A-Za-z0-9_](?:[\w.]*[\w])?)(?![\w@])"
_FILE = re.compile(r"\.(?:docx?|xlsx?|pptx?|pdf|txt|csv|jpe?g|png|gif|mp4|zip)$", re.IGNORECASE)
_DISCORD_TAG = re.compile(r"#\d{4}(?!\d)")
_TIME = re.compile(r"\d{1,2}(?:[.:]\d\d)?(?:am|pm)?", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9_](?:[\w.]*[\w])?")
# "@" used for "at": places, times and small words.
_AT_WORDS = _words(
    """
    home school work church mosque lunch break lunchtime breaktime night nite the my his
    her their our your mums mum dads dad nans nan grans gran college uni club gym park
    shops shop station library hospital court centre center front back end start
    """
)

Found = tuple[int, int, str, bool, str] | None  # start, end, label, needs review, rule


def check_at(text: str, start: int, end: int) -> Found:
    """ "@name": a handle unless it is an "at" ("@school", "@5pm")."""
    name = text[start + 1 : end]
    if name.isdigit() or _TIME.fullmatch(name):
        return None
    if name.lower() in _AT_WORDS:
        return None
    return start, end, HANDLE, False, AT_HANDLE


def check_platform(text: str, start: int, end: int) -> Found:
    """The word after a capitalised platform name and its small words."""
    if not _STRONG_CUE.search(text, start, end):
        return None
    return _handle_at(text, end)


def check_colon(text: str, colon: int) -> Found:
    """The word after "snap:", "insta name:" ... (a lower-case platform name)."""
    after = colon + 1
    while after < len(text) and text[after] in " @":
        after += 1
    word_start = colon
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    if text[word_start:colon].lower() not in _BEFORE_COLON:  # "Note:", "Tolu:", "DOB:"
        return None
    if not _PLATFORM_BEFORE.search(text, max(0, colon - 30), after):
        return None
    return _handle_at(text, after)


def _handle_at(text: str, start: int) -> Found:
    token = _TOKEN.match(text, start)
    if token is None or _email_or_url_follows(text, token.end()):
        return None
    if not _handle_shaped(token.group(), after_platform=True):
        return None
    tag = _DISCORD_TAG.match(text, token.end())  # "bigtee#1234"
    return token.start(), (tag or token).end(), HANDLE, False, PLATFORM_HANDLE


def check_mark(text: str, at: int) -> Found:
    """A word with "_", a digit after a letter or a "." inside it: a handle after (or
    before) a platform's name; a word with "_" is a handle anyway, for review."""
    start = at
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    while start < at and text[start] == ".":
        start += 1
    token = _TOKEN.match(text, start)
    if token is None or token.end() <= at:
        return None
    end = token.end()
    if _email_or_url_follows(text, end) or (start > 0 and text[start - 1] in "@/:"):
        return None
    word = token.group()
    before = _PLATFORM_BEFORE.search(text, max(0, start - 40), start)
    cued = before is not None or _PLATFORM_AFTER.match(text, end) is not None
    if cued and _handle_shaped(word, after_platform=True):
        return start, end, HANDLE, False, PLATFORM_HANDLE
    if "_" in word.strip("_") and sum(c.isalpha() for c in word) >= 2 and not _FILE.search(word):
        return start, end, HANDLE, True, HANDLE_LIKE
    return None


def _handle_shaped(word: str, after_platform: bool) -> bool:
    """At least two letters, at most 30 characters, and (after a platform's name) not a
    small word ("Insta is down", "Snap is the one")."""
    if not 2 <= len(word) <= 30 or sum(c.isalpha() for c in word) < 2:
        return False
    return not (after_platform and word.lower() in _NOT_HANDLES)


# The word right before a platform's colon ("snap:", "insta name:", "tiktok handle:").
_BEFORE_COLON = _words(
    """
    insta instagram ig snap snapchat tiktok tok twitter x fb facebook whatsapp app youtube
    yt discord telegram twitch threads bereal roblox xbox psn playstation steam fortnite
    minecraft reddit pinterest linkedin kik wink yubo signal username name handle account
    profile gamertag tag
    """
)
_NOT_HANDLES = _words(
    """
    the a an is was on off down up and or but it its her his their my your our me him them
    she he they we you i not no yes all private blocked deleted new old same gone banned
    hacked public open closed too also just only now then there here what who how why
    where when which this that these those very really so
    """
)


def _email_or_url_follows(text: str, end: int) -> bool:
    return end < len(text) and text[end] in "@/"


_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def handle_parts(handle: str) -> list[str]:
    """The words a handle is built from, lower-case, in order: "tj_okoro11" -> ["tj",
    "okoro"], "@AmaraOkoro.x" -> ["amara", "okoro", "x"]. Digits, "_", "." and "@"
    separate parts; so does a capital after a small letter."""
    return [p.lower() for p in _PART.findall(handle)]
