"""Exit codes, as documented in README and `plrdesk --help`."""

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    WRONG_PASSPHRASE = 3
    NOT_A_STUDY = 4
    INVALID_INPUT = 5
    BUSY = 6  # another plrdesk (the app, or a command) is writing the study


class CliError(Exception):
    """A failure to report on one line, with the exit code that classifies it."""

    def __init__(self, code: Exit, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
