"""XLSForm label markdown as plain text (see `xlsform.py`).

ODK Collect and Enketo render a subset of markdown in labels, hints and choice labels:
`*emphasis*` / `_emphasis_`, `**strong**` / `__strong__`, `# headings`, `[text](url)` and a
few HTML tags (`<span style=...>`, `<br>`). Our forms have no emphasis of their own, so the
marks are taken out and the words kept; a link keeps its address in brackets. An
underscore inside a word (`hh_size`) is not emphasis, as in the renderers, and `\\*`
stands for a literal star.
"""

from __future__ import annotations

import re

_STRONG = re.compile(r"(?<![\\\w])(\*\*|__)(?=\S)(.+?)(?<=\S)(?<!\\)\1(?!\w)", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\\\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s\\])\1(?![\w*])", re.DOTALL)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Only the tags field forms use: "<5 years" or "a <b> c" without a closing tag stay text.
_TAGS = "span|font|b|i|u|em|strong|p|div|sup|sub|small|big|center"
_TAG = re.compile(rf"</?(?:{_TAGS})(?:\s[^<>]*)?>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([*_#\[\]()\\`])")


def plain(text: str) -> str:
    """`text` without its markdown and HTML marks (unchanged if it has none)."""
    result = _BREAK.sub("\n", text)
    result = _TAG.sub("", result) if _has_closing_tag(result) else result
    result = _HEADING.sub(r"\1", result)
    result = _LINK.sub(_link, result)
    for _ in range(3):  # `***both***` and nested marks take a pass each
        before = result
        result = _EMPHASIS.sub(r"\2", _STRONG.sub(r"\2", result))
        if result == before:
            break
    return _ESCAPE.sub(r"\1", result)


def _has_closing_tag(text: str) -> bool:
    return any(match.group(0).startswith("</") for match in _TAG.finditer(text))


def _link(match: re.Match[str]) -> str:
    words, address = match.group(1), match.group(2)
    return words if words == address else f"{words} ({address})"
