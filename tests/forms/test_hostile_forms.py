"""Hostile form files: each is refused quickly as `file:line: message` with exit 5, never a
hang or a traceback; a broken file in the forms folder is named and, where the command
only needs the other forms, left out."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.forms.catalog import usable_catalog
from plrdesk.forms.loader import parse_form
from plrdesk.forms.problems import FormErrors
from tests.conftest import CliResult
from tests.forms.hostile_texts import HOSTILE, billion_laughs, deadline, forms_home
from tests.support.files import PASSPHRASE

LAUGHS = "YAML aliases (*name) are not allowed in form files"


def plrdesk(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command in a child process: a hang fails the test instead of the run."""
    return subprocess.run(
        [sys.executable, "-m", "plrdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )


def test_billion_laughs_check_exits_5_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs())
    result = plrdesk("forms", "check", path)
    assert result.returncode == 5, result.stderr
    assert f"{path}:4: {LAUGHS}" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_each_hostile_file_is_one_line_and_exit_5(
    case: str, cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    text, line, words = HOSTILE[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    with deadline(30):
        result = cli("forms", "check", path)
    assert result.code == 5, result.err
    assert result.out.startswith(f"{path}:{line}: "), result.out[:300]
    assert words in result.out
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize("case", ["billion-laughs", "recursive-alias", "custom-tag"])
def test_a_study_stored_copy_goes_through_the_same_limits(case: str) -> None:
    text, line, words = HOSTILE[case]
    with deadline(30), pytest.raises(FormErrors) as caught:
        parse_form(text, "(stored in study) x", review_language=False)
    assert caught.value.problems[0].line == line
    assert words in caught.value.problems[0].message


def test_an_anchor_without_an_alias_is_harmless() -> None:
    with pytest.raises(FormErrors) as caught:
        parse_form("id: x\ntitle: &t Hello\n", "x.yaml")
    assert all("alias" not in p.message for p in caught.value.problems)


def test_a_deeply_nested_expression_names_its_line() -> None:
    text = (Path(__file__).parent / "test_form_check.py").read_text()
    valid = text.split('VALID = """\\\n')[1].split('"""')[0]
    deep = valid.replace("${take-part} = yes", "(" * 50_000 + "1" + ")" * 50_000)
    with deadline(30), pytest.raises(FormErrors) as caught:
        parse_form(deep, "tiny-consent.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "tiny-consent.yaml:25: an expression is nested too deeply"
    ]


# -- a hostile file dropped into the forms folder the CLI and the app use ------------------


@pytest.fixture
def laughs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return forms_home(tmp_path, monkeypatch, {"zz-laughs.yaml": billion_laughs()})


def test_the_folder_check_fails_naming_the_file(laughs_folder: Path) -> None:
    result = plrdesk("forms", "check")
    assert result.returncode == 5, result.stderr
    assert result.stdout.splitlines() == [f"{laughs_folder / 'zz-laughs.yaml'}:4: {LAUGHS}"]


def test_printing_a_shipped_form_leaves_the_broken_one_out(
    laughs_folder: Path, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLRDESK_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "consent.pdf"
    result = plrdesk("forms", "print", "parental-consent", "--study", demo_path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"plrdesk: warning: {laughs_folder / 'zz-laughs.yaml'}:4: {LAUGHS}; the file was left out"
    ]
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("case", ["recursive-alias", "custom-tag", "deep-brackets"])
def test_readability_of_a_good_form_warns_and_goes_on(
    case: str, cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, line, words = HOSTILE[case]
    folder = forms_home(tmp_path, monkeypatch, {f"zz-{case}.yaml": text})
    result = cli("forms", "readability", "parental-consent")
    assert result.code == 0, result.err
    assert result.err.startswith(f"plrdesk: warning: {folder / f'zz-{case}.yaml'}:{line}: ")
    assert words in result.err
    assert "highest grade" in result.out


def test_asking_for_the_broken_form_itself_exits_5(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, _, _ = HOSTILE["custom-tag"]
    folder = forms_home(tmp_path, monkeypatch, {"zz-tag.yaml": text})
    result = cli("forms", "readability", "zz-tag")
    assert result.code == 5
    assert result.err.splitlines()[-1].startswith(f"plrdesk: {folder / 'zz-tag.yaml'}:2: YAML tags")


def test_export_refuses_with_file_and_line(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Commands that need every form (export, import, demo) stop, naming the file."""
    text, _, _ = HOSTILE["recursive-alias"]
    folder = forms_home(tmp_path, monkeypatch, {"zz-loop.yaml": text})
    out = tmp_path / "summary.json"
    result = cli("export", demo_path, "--format", "json", "-o", out)
    assert result.code == 5
    assert result.err == f"plrdesk: {folder / 'zz-loop.yaml'}:2: {LAUGHS}\n"
    assert not out.exists()


def test_the_usable_catalog_keeps_every_good_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = {f"zz-{case}.yaml": text for case, (text, _, _) in HOSTILE.items()}
    folder = forms_home(tmp_path, monkeypatch, extra)
    with deadline(60):
        catalog = usable_catalog(folder)
    assert len(catalog.forms) == 10  # the shipped ones
    assert sorted(Path(f).name for f in catalog.left_out()) == sorted(extra)
