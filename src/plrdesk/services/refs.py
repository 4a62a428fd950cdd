"""Refs the app gives new records: a letter and the next number (P7, S12, K23, T5)."""

from __future__ import annotations

import re
from collections.abc import Iterable


def next_ref(refs: Iterable[str], prefix: str) -> str:
    """`prefix<n>` with n one more than the largest such number in `refs` (P10 after P9,
    even when P3 was taken back: a ref, once seen, is never given to someone else)."""
    pattern = re.compile(rf"^{re.escape(prefix)}([0-9]+)$")  # ASCII digits: "E٣" is no E3
    numbers = [int(match.group(1)) for ref in refs if (match := pattern.match(ref))]
    return f"{prefix}{max(numbers, default=0) + 1}"
