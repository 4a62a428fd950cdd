"""The command line: every subcommand, its --help, passphrase sources and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.support.files import PASSPHRASE

COMMANDS = [
    "new", "info", "import", "dump", "passwd", "backup", "check", "withdraw", "demo", "export",
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(cli: Callable[..., CliResult], command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert f"usage: plrdesk {command}" in result.out
    assert "exit codes" in result.out


def test_python_dash_m_and_the_console_script_agree(tmp_path: Path) -> None:
    env = {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}
    module = subprocess.run(
        [sys.executable, "-m", "plrdesk", "--version"], capture_output=True, text=True, env=env
    )
    script = Path(sys.executable).with_name("plrdesk")
    console = subprocess.run([script, "--version"], capture_output=True, text=True, env=env)
    assert module.returncode == console.returncode == 0
    assert module.stdout == console.stdout
    assert module.stdout.startswith("plrdesk ")


def test_usage_errors_are_one_line_with_exit_2(cli: Callable[..., CliResult]) -> None:
    result = cli("frobnicate")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "invalid choice" in result.err


def test_new_then_info(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "s.plr"
    created = cli("new", path, "--title", "Moving up")
    assert created.code == 0, created.err
    info = cli("info", path)
    assert info.code == 0
    assert "Moving up" in info.out
    assert "participants: none" in info.out


def test_info_shows_counts_and_no_names(cli: Callable[..., CliResult], demo_path: Path) -> None:
    info = cli("info", demo_path)
    assert info.code == 0
    assert "6 child, 4 parent, 6 practitioner (1 withdrawn)" in info.out
    assert "1 focus-group, 4 phone-interview, 6 practitioner-interview" in info.out
    dumped = json.loads(cli("dump", demo_path, "-o", "-", "--yes").out)
    for person in dumped["participants"]:
        assert person["name"] not in info.out


def test_a_weak_passphrase_is_refused_unless_allowed(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    refused = cli("new", tmp_path / "weak.plr", "--title", "T", passphrase="password1")
    assert refused.code == 2
    assert "too weak" in refused.err
    assert not (tmp_path / "weak.plr").exists()
    allowed = cli("new", tmp_path / "weak.plr", "--title", "T", "--allow-weak", passphrase="pw1")
    assert allowed.code == 0
    assert cli("info", tmp_path / "weak.plr", passphrase="pw1").code == 0


def test_the_passphrase_file_wins_and_is_read_whole(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    result = cli("info", demo_path, "--passphrase-file", secret, passphrase="wrong words here")
    assert result.code == 0, result.err


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Answers for the hidden prompt, in order; records what was asked."""
    answers: list[str] = []
    asked: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return answers.pop(0)

    # The terminal is the one thing a test cannot type into: stand in for it.
    monkeypatch.setattr("plrdesk.cli.passphrase.read_hidden", fake_getpass)
    yield answers
    assert not answers, "not every prepared answer was asked for"


def test_a_new_study_asks_twice_at_the_prompt(
    cli: Callable[..., CliResult], tmp_path: Path, prompts: list[str]
) -> None:
    prompts += [PASSPHRASE, PASSPHRASE]
    assert cli("new", tmp_path / "p.plr", "--title", "T", passphrase=None).code == 0
    prompts += [PASSPHRASE, "something else entirely"]
    mismatch = cli("new", tmp_path / "q.plr", "--title", "T", passphrase=None)
    assert mismatch.code == 2
    assert "differ" in mismatch.err
    assert not (tmp_path / "q.plr").exists()


def test_passwd_takes_the_new_passphrase_from_the_environment(
    cli: Callable[..., CliResult], demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLRDESK_NEW_PASSPHRASE", "copper lantern meadow ninety")
    assert cli("passwd", demo_path).code == 0
    assert cli("info", demo_path).code == 3
    assert cli("info", demo_path, passphrase="copper lantern meadow ninety").code == 0


def test_passwd_refuses_a_weak_new_passphrase(
    cli: Callable[..., CliResult], demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLRDESK_NEW_PASSPHRASE", "abc123")
    result = cli("passwd", demo_path)
    assert result.code == 2
    assert cli("info", demo_path).code == 0


def test_wrong_passphrase_exit_3(cli: Callable[..., CliResult], demo_path: Path) -> None:
    result = cli("info", demo_path, passphrase="not it at all")
    assert result.code == 3
    assert result.err == f"plrdesk: {demo_path}: wrong passphrase, or the file is damaged\n"


def test_debug_shows_the_traceback(cli: Callable[..., CliResult], demo_path: Path) -> None:
    result = cli("info", demo_path, "--debug", passphrase="not it at all")
    assert result.code == 3
    assert "Traceback" in result.err


def test_missing_study_is_exit_4(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("info", tmp_path / "nowhere.plr")
    assert result.code == 4
    assert "no such file" in result.err


def test_withdraw_marks_and_reports(cli: Callable[..., CliResult], demo_path: Path) -> None:
    result = cli("withdraw", demo_path, "P2", "--reason", "moved job")
    assert result.code == 0
    assert "withdrew P2" in result.out
    dumped = json.loads(cli("dump", demo_path, "-o", "-", "--yes").out)
    person = next(p for p in dumped["participants"] if p["ref"] == "P2")
    assert person["withdrawal_reason"] == "moved job"
    assert "withdrawn_on" in person


def test_withdraw_an_unknown_ref(cli: Callable[..., CliResult], demo_path: Path) -> None:
    result = cli("withdraw", demo_path, "Z9")
    assert result.code == 2
    assert "'Z9'" in result.err


def test_demo_has_the_typical_shape(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    path = tmp_path / "demo.plr"
    assert cli("demo", path).code == 0
    doc = json.loads(cli("dump", path, "-o", "-", "--yes").out)
    kinds = [p["kind"] for p in doc["participants"]]
    assert (kinds.count("practitioner"), kinds.count("parent"), kinds.count("child")) == (6, 4, 6)
    sessions = [s["kind"] for s in doc["sessions"]]
    assert sessions.count("practitioner-interview") == 6
    assert sessions.count("phone-interview") == 4
    assert sessions.count("focus-group") == 1
    phone = [s for s in doc["sessions"] if s["kind"] == "phone-interview"]
    assert all(s["call_attempts"] for s in phone)
    group = next(s for s in doc["sessions"] if s["kind"] == "focus-group")
    assert sum("show_of_hands" in e for e in group["entries"]) >= 1
    assert len(doc["themes"]) >= 4
    assert doc["codings"]
    assert {c["form"] for c in doc["consents"]} >= {"parental-consent", "child-assent"}


def test_demo_refuses_to_overwrite(cli: Callable[..., CliResult], demo_path: Path) -> None:
    before = demo_path.read_bytes()
    result = cli("demo", demo_path)
    assert result.code == 2
    assert demo_path.read_bytes() == before
