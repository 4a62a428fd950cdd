"""Hostile form files shared by the forms, CLI and app tests, and a forms folder to put
them in (PLRDESK_HOME points the app and the CLI at it)."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest

from plrdesk.shipped import forms_dir, resources_dir


def billion_laughs() -> str:
    """Ten levels of nine aliases: 9**10 strings once expanded. First alias on line 4."""
    lines = ["id: laughs", "title: Laughs", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


# name -> (text, line the loader must name, words the message must hold)
HOSTILE: dict[str, tuple[str, int, str]] = {
    "billion-laughs": (billion_laughs(), 4, "YAML aliases (*name) are not allowed"),
    "recursive-alias": ("id: loop\ntitle: &t [*t]\n", 2, "YAML aliases (*name) are not allowed"),
    "python-tag": (
        "id: py\ntitle: !!python/object/apply:os.system ['echo hi']\n",
        2,
        "YAML tags (!name, !!name) are not allowed",
    ),
    "custom-tag": ("id: foo\ntitle: !foo bar\n", 2, "YAML tags (!name, !!name) are not allowed"),
    "deep-brackets": ("id: deep\ntitle: " + "[" * 100_000 + "\n", 2, "nested more than 20"),
    "deep-dashes": ("id: deep\ntitle:\n" + "- " * 50_000 + "x\n", 3, "nested more than 20"),
    "too-big": (
        'id: big\ndescription: "' + "a" * (1024 * 1024) + '"\n',
        1,
        "larger than 1 MiB",
    ),
    "control-character": ("id: nul\ntitle: a\x00b\n", 2, "special characters are not allowed"),
    "impossible-date": ("id: date\ntitle: 2024-13-45\n", 2, "looks like a date"),
}


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail a test that runs longer than `seconds` instead of hanging the run (Unix).

    The loaders are pure Python, so SIGALRM's handler gets to run inside them.
    """

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def forms_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]) -> Path:
    """A PLRDESK_HOME with the shipped forms plus `extra` (file name -> text); its forms/."""
    home = tmp_path / "plrdesk-home"
    folder = home / "forms"
    resources = resources_dir()
    shutil.copytree(forms_dir(), folder)
    (home / "resources").symlink_to(resources)
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("PLRDESK_HOME", str(home))
    return folder
