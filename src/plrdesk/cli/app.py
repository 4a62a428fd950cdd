"""Run a command line: parse, dispatch, and turn every failure into one line and an exit code."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from plrdesk.cli import parser as cli_parser
from plrdesk.cli.exit_codes import CliError, Exit

Handler = Callable[..., int]


def _handlers() -> dict[str, Handler]:
    from plrdesk.cli import forms_commands as fc
    from plrdesk.cli import study_commands as sc

    return {
        "new": sc.cmd_new,
        "info": sc.cmd_info,
        "import": sc.cmd_import,
        "dump": sc.cmd_dump,
        "passwd": sc.cmd_passwd,
        "backup": sc.cmd_backup,
        "check": sc.cmd_check,
        "withdraw": sc.cmd_withdraw,
        "demo": sc.cmd_demo,
        "forms check": fc.cmd_forms_check,
        "forms readability": fc.cmd_forms_readability,
        "forms print": fc.cmd_forms_print,
        "forms import-xlsform": fc.cmd_forms_import_xlsform,
    }


def run(argv: list[str]) -> int:
    parser = cli_parser.build()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING)
    if args.command is None:
        return _desktop(None)
    try:
        command = args.command
        if command == "open":
            if not args.file.exists():
                raise CliError(Exit.NOT_A_STUDY, f"{args.file}: no such file")
            return _desktop(args.file)
        if command == "forms":
            command = f"forms {args.forms_command}"
        return _handlers()[command](args)
    except CliError as exc:
        return _fail(args.debug, exc.code, exc.message)
    except KeyboardInterrupt:
        return _fail(args.debug, Exit.FAILURE, "interrupted; nothing was changed")
    except Exception as exc:
        from plrdesk.cli.study_commands import classify

        code, message = classify(exc)
        return _fail(args.debug, code, message)


def _desktop(path: Path | None) -> int:
    """Start the desktop app (the only place the command line reaches for Qt)."""
    from plrdesk.ui.app import run_app

    return run_app(path)


def _fail(debug: bool, code: Exit, message: str) -> int:
    if debug:
        traceback.print_exc()
    print(f"plrdesk: {message}", file=sys.stderr)  # noqa: T201 - the CLI's one output line
    return int(code)
