"""Placeholders such as {study.title} in form text, filled from the study."""

from __future__ import annotations

import re
from collections.abc import Mapping

KNOWN = ("study.title", "study.researcher", "study.organisation", "study.contact")
_PLACEHOLDER = re.compile(r"\{([a-z]+\.[a-z_]+)\}")


def unknown(text: str) -> list[str]:
    return [name for name in _PLACEHOLDER.findall(text) if name not in KNOWN]


def fill(text: str, values: Mapping[str, str | None]) -> str:
    """Replace known placeholders; an unset value shows as a blank line to write on."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in KNOWN:
            return match.group(0)
        return values.get(name) or "________"

    return _PLACEHOLDER.sub(value, text)
