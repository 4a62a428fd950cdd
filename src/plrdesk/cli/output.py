"""What a command prints: results on stdout, warnings on stderr as "plrdesk: ..." lines."""

from __future__ import annotations

import sys


def say(message: str) -> None:
    print(message)  # noqa: T201 - command output


def warn(message: str) -> None:
    print(f"plrdesk: {message}", file=sys.stderr)  # noqa: T201 - command output
