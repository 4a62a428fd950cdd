"""Composition root: `python -m plrdesk` and the `plrdesk` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from plrdesk.process import forbid_core_dumps

    forbid_core_dumps()
    from plrdesk.cli.app import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
