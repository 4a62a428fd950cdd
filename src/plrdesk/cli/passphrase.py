"""Where passphrases come from: --passphrase-file, the environment, or a hidden prompt.

A passphrase is never written anywhere, never logged and never kept after the study is
open (SQLCipher holds the derived key, not the passphrase).
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.domain.passphrase_policy import MIN_SCORE, strength

ENV_PASSPHRASE = "PLRDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "PLRDESK_NEW_PASSPHRASE"


def _from_file(path: Path) -> str:
    """The whole file less one final newline: every other character, even those that
    str.splitlines would break at (U+2028, \\r, \\f ...), is part of the passphrase."""
    try:
        data = path.read_bytes()  # not read_text: it turns \r and \r\n into \n
    except OSError as exc:
        raise CliError(
            Exit.USAGE, f"{path}: cannot read the passphrase file ({exc.strerror})"
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(Exit.USAGE, f"{path}: the passphrase file is not UTF-8 text") from None
    if "\0" in text:  # the key pragma cannot carry one, and no prompt could type it
        raise CliError(Exit.USAGE, f"{path}: the passphrase file holds a NUL character")
    passphrase = text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
    if not passphrase:
        raise CliError(Exit.USAGE, f"{path}: the passphrase file is empty")
    return passphrase


def existing(passphrase_file: Path | None, what: str) -> str:
    """The passphrase of an existing study."""
    if passphrase_file is not None:
        return _from_file(passphrase_file)
    if os.environ.get(ENV_PASSPHRASE):
        return os.environ[ENV_PASSPHRASE]
    return _prompt(f"Passphrase for {what}: ")


def new(passphrase_file: Path | None, *, allow_weak: bool, env: str = ENV_PASSPHRASE) -> str:
    """A passphrase for a new study or key: asked twice at a prompt, checked for strength."""
    if passphrase_file is not None:
        passphrase = _from_file(passphrase_file)
    elif os.environ.get(env):
        passphrase = os.environ[env]
    else:
        passphrase = _prompt("New passphrase: ")
        if _prompt("Type it again: ") != passphrase:
            raise CliError(Exit.USAGE, "the two passphrases differ; nothing was changed")
    check_strength(passphrase, allow_weak=allow_weak)
    return passphrase


def check_strength(passphrase: str, *, allow_weak: bool) -> None:
    if allow_weak:
        return
    score, advice = strength(passphrase)
    if score < MIN_SCORE:
        hint = f" ({advice.rstrip('.')})" if advice else ""
        raise CliError(
            Exit.USAGE,
            f"passphrase too weak: strength {score} of 4, need {MIN_SCORE}{hint};"
            " use a few unrelated words, or --allow-weak",
        )


def read_hidden(label: str) -> str:
    """At a terminal, a hidden prompt; otherwise (piped input) the next line of stdin,
    without getpass's warnings about echo: there is no screen to echo on."""
    if sys.stdin.isatty():
        return getpass.getpass(label)
    sys.stderr.write(label)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


def _prompt(label: str) -> str:
    try:
        value = read_hidden(label)
    except (EOFError, KeyboardInterrupt):
        raise CliError(Exit.USAGE, "no passphrase given") from None
    if not value:
        raise CliError(Exit.USAGE, "no passphrase given")
    return value
