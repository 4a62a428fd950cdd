"""--passphrase-file: the whole file is the passphrase, less one final newline.

Characters that str.splitlines treats as line breaks (U+2028, U+0085, \\r, \\f ...) are
part of the passphrase; a file that is not text is a usage error on one line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE

Cli = Callable[..., CliResult]

KEPT = {
    "line_separator": "plum kettle\u2028orbit seventeen",
    "paragraph_separator": "plum kettle\u2029orbit seventeen",
    "next_line": "plum kettle\u0085orbit seventeen",
    "carriage_return": "plum kettle\rorbit seventeen",
    "form_feed": "plum kettle\forbit seventeen",
    "vertical_tab": "plum kettle\vorbit seventeen",
    "file_separator": "plum kettle\x1corbit seventeen",
    "inner_newline": "plum kettle\norbit seventeen",
    "second_final_newline": "plum kettle orbit seventeen\n",
    "spaces_around": "  plum kettle orbit seventeen  ",
}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("secret", KEPT.values(), ids=KEPT.keys())
def test_the_whole_file_is_the_passphrase(cli: Cli, tmp_path: Path, secret: str) -> None:
    key = write(tmp_path / "key.txt", secret.encode() + b"\n")
    study = tmp_path / "s.plr"
    created = cli("new", study, "--title", "T", "--passphrase-file", key, passphrase=None)
    assert created.code == 0, created.err
    opened = cli("info", study, "--passphrase-file", key, passphrase=None)
    assert opened.code == 0, opened.err
    StudyFile.open(study, secret).close()  # the very characters written, none cut off


@pytest.mark.parametrize(
    ("ending", "code"),
    [(b"", 0), (b"\n", 0), (b"\r\n", 0), (b"\r", 3), (b"\n\n", 3), (b"\nsecond line\n", 3)],
    ids=["none", "lf", "crlf", "lone_cr_is_kept", "second_newline_is_kept", "second_line_is_kept"],
)
def test_only_one_final_newline_is_not_part_of_it(
    cli: Cli, demo_path: Path, tmp_path: Path, ending: bytes, code: int
) -> None:
    key = write(tmp_path / "key.txt", PASSPHRASE.encode() + ending)
    result = cli("info", demo_path, "--passphrase-file", key, passphrase=None)
    assert result.code == code, result.err


BAD = {
    "nul": (b"plum kettle\x00orbit seventeen\n", "NUL"),
    "latin_1": ("plum kettle orbit dix-sept \xe9t\xe9\n".encode("latin-1"), "UTF-8"),
    "empty": (b"", "empty"),
    "only_a_newline": (b"\n", "empty"),
    "only_crlf": (b"\r\n", "empty"),
}


@pytest.mark.parametrize(("data", "words"), BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("command", ["info", "new"])
def test_a_file_that_is_not_a_passphrase_is_a_usage_error(
    cli: Cli, demo_path: Path, tmp_path: Path, data: bytes, words: str, command: str
) -> None:
    key = write(tmp_path / "key.txt", data)
    target = demo_path if command == "info" else tmp_path / "new.plr"
    args = ["--title", "T"] if command == "new" else []
    result = cli(command, target, *args, "--passphrase-file", key, passphrase=None)
    assert result.code == 2, result.err
    assert result.err.startswith(f"plrdesk: {key}: ")
    assert words in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert not (tmp_path / "new.plr").exists()
