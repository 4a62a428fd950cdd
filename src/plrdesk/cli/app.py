"""Run a command line: parse, dispatch, and turn every failure into one line and an exit code."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from plrdesk.cli import parser as cli_parser
from plrdesk.cli.exit_codes import CliError, Exit

Handler = Callable[..., int]

# command -> (module, function). Each handler's module is imported only when its command
# runs, so `plrdesk info` does not pay for the forms machinery, and so on.
HANDLERS: dict[str, tuple[str, str]] = {
    "new": ("plrdesk.cli.study_commands", "cmd_new"),
    "info": ("plrdesk.cli.info_command", "cmd_info"),
    "import": ("plrdesk.cli.study_commands", "cmd_import"),
    "dump": ("plrdesk.cli.study_commands", "cmd_dump"),
    "passwd": ("plrdesk.cli.study_commands", "cmd_passwd"),
    "backup": ("plrdesk.cli.study_commands", "cmd_backup"),
    "check": ("plrdesk.cli.study_commands", "cmd_check"),
    "merge": ("plrdesk.cli.merge_command", "cmd_merge"),
    "withdraw": ("plrdesk.cli.study_commands", "cmd_withdraw"),
    "demo": ("plrdesk.cli.study_commands", "cmd_demo"),
    "export": ("plrdesk.cli.export_command", "cmd_export"),
    "forms check": ("plrdesk.cli.forms_commands", "cmd_forms_check"),
    "forms readability": ("plrdesk.cli.forms_commands", "cmd_forms_readability"),
    "forms print": ("plrdesk.cli.forms_commands", "cmd_forms_print"),
    "forms import-xlsform": ("plrdesk.cli.forms_commands", "cmd_forms_import_xlsform"),
    "codebook export": ("plrdesk.cli.codebook_command", "cmd_codebook_export"),
    "codebook import": ("plrdesk.cli.codebook_command", "cmd_codebook_import"),
    "coding-copy": ("plrdesk.cli.coding_copy_command", "cmd_coding_copy"),
    "agreement": ("plrdesk.cli.agreement_command", "cmd_agreement"),
}


def handler(command: str) -> Handler:
    module, function = HANDLERS[command]
    found: Handler = getattr(importlib.import_module(module), function)
    return found


def run(argv: list[str]) -> int:
    parser = cli_parser.build()
    args = parser.parse_args(argv)
    if args.debug:  # logging is imported only when asked for: `info` must start fast
        import logging

        logging.basicConfig(level=logging.DEBUG)
    if args.command is None:
        return _desktop(None)
    try:
        command = args.command
        if command == "open":
            if not args.file.exists():
                raise CliError(Exit.NOT_A_STUDY, f"{args.file}: no such file")
            return _desktop(args.file, _given_passphrase(args))
        if command in ("forms", "codebook"):  # commands with subcommands
            command = f"{command} {getattr(args, command + '_command')}"
        return handler(command)(args)
    except CliError as exc:
        return _fail(args.debug, exc.code, exc.message)
    except BrokenPipeError:
        # The reader went away (`plrdesk dump ... | head`): nothing left to say to it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK
    except KeyboardInterrupt:
        return _fail(args.debug, Exit.FAILURE, "interrupted; nothing was changed")
    except Exception as exc:
        from plrdesk.cli.failures import classify

        code, message = classify(exc)
        return _fail(args.debug, code, message)


def _desktop(path: Path | None, passphrase: str | None = None) -> int:
    """Start the desktop app (the only place the command line reaches for Qt)."""
    from plrdesk.ui.app import run_app

    return run_app(path) if passphrase is None else run_app(path, passphrase)


def _given_passphrase(args: argparse.Namespace) -> str | None:
    """`open FILE` takes --passphrase-file or PLRDESK_PASSPHRASE as every command does;
    without either, the app asks in its own dialog."""
    from plrdesk.cli import passphrase as pp

    if args.passphrase_file is None and not os.environ.get(pp.ENV_PASSPHRASE):
        return None
    return pp.existing(args.passphrase_file, str(args.file))


def _fail(debug: bool, code: Exit, message: str) -> int:
    if debug:
        import traceback

        traceback.print_exc()
    print(f"plrdesk: {message}", file=sys.stderr)  # noqa: T201 - the CLI's one output line
    return int(code)
