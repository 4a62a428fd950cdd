"""docs/recovery.md, followed literally: its code blocks are taken from the document and run.

The independent client is SQLite3 Multiple Ciphers (`apsw-sqlite3mc`), a SQLCipher 4
implementation plrdesk does not use: it must open a study with the passphrase alone. The
damaged-file route (the document's page-by-page script, then `.recover`) runs on a copy
with one page of the `entry` table destroyed. Steps that need a program outside Python
(a SQLCipher 4 shell, a SQLite shell with a working `.recover`) run when one is found
(on PATH, or named by PLRDESK_SQLCIPHER4 / PLRDESK_RECOVER_SHELL) and are skipped
otherwise, saying why.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE

apsw = pytest.importorskip("apsw", reason="apsw-sqlite3mc is a test dependency")

DOC = Path(__file__).resolve().parents[2] / "docs" / "recovery.md"
PLACEHOLDER = "your passphrase here"
PAGE = 4096


def blocks(language: str) -> list[str]:
    """The document's code blocks in `language`, dedented (some sit inside a list)."""
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```", text, flags=re.S | re.M)
    return [textwrap.dedent(body) for _indent, body in found]


def block(language: str, *containing: str) -> str:
    matches = [b for b in blocks(language) if all(part in b for part in containing)]
    assert len(matches) == 1, f"one {language} block with {containing!r} in {DOC.name}"
    return matches[0].replace(PLACEHOLDER, PASSPHRASE)


def run_python(code: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a block as a reader would paste it, in `folder`; what it printed."""
    monkeypatch.chdir(folder)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(DOC), "exec"), {"__name__": "__main__"})
    return printed.getvalue()


def plrdesk_counts(path: Path) -> dict[str, int]:
    with StudyFile.open(path, PASSPHRASE) as study:
        raw = study.raw_connection()
        return {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


TABLES = ("participant", "session", "entry", "theme", "coding", "consent")


def plain_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


@pytest.mark.parametrize("client", ["apsw", "sqlcipher3"])
def test_a_client_opens_the_study_with_the_passphrase_alone(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: str
) -> None:
    folder = tmp_path / "reader"
    folder.mkdir()
    shutil.copyfile(demo_path, folder / "study.plr")
    snippet = block("python", f"import {client}\n", '"study.plr"')
    printed = run_python(snippet, folder, monkeypatch).splitlines()
    assert len(printed) == plrdesk_counts(demo_path)["participant"]
    assert any("'C1', 'child'" in line for line in printed)


def test_the_latest_changes_in_the_wal_travel_with_the_copy(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "copied"
    folder.mkdir()
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        study.raw_execute("UPDATE participant SET name = 'Renamed Since' WHERE ref = 'C1'")
        wal = demo_path.with_name(demo_path.name + "-wal")
        assert wal.stat().st_size > 0  # the change is in the -wal, not yet in the .plr
        shutil.copyfile(demo_path, folder / "study.plr")
        shutil.copyfile(wal, folder / "study.plr-wal")
    printed = run_python(block("python", "import apsw\n", '"study.plr"'), folder, monkeypatch)
    assert "'C1', 'child', 'Renamed Since'" in printed


def test_the_plaintext_copy_has_every_row(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(demo_path, tmp_path / "plaintext.db")
    run_python(block("python", "PRAGMA rekey"), tmp_path, monkeypatch)
    assert (tmp_path / "plaintext.db").read_bytes()[:16] == b"SQLite format 3\x00"
    assert plain_counts(tmp_path / "plaintext.db") == plrdesk_counts(demo_path)


def damage_a_page_of_entries(study: Path) -> tuple[int, int]:
    """Overwrite one leaf page of the `entry` table with random bytes: (page, its rows)."""
    conn = apsw.Connection(str(study))
    for pragma in ("cipher = 'sqlcipher'", "legacy = 4", f"key = '{PASSPHRASE}'"):
        conn.execute(f"PRAGMA {pragma}")
    leaves = conn.execute(
        "SELECT pageno, ncell FROM dbstat WHERE name = 'entry' AND pagetype = 'leaf'"
    ).fetchall()
    conn.close()
    assert len(leaves) > 1, "the demo's entries span several pages"
    page, rows = leaves[len(leaves) // 2]
    with study.open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(random.Random(page).randbytes(PAGE))
    return page, rows


def decrypt_pages(copy: Path, target: Path, passphrase: str) -> subprocess.CompletedProcess[str]:
    """Step 4's script, run as the document says (it asks for the passphrase; with no
    terminal, getpass reads it from standard input)."""
    script = copy.with_name("decrypt_pages.py")
    script.write_text(block("python", "decrypt_pages.py"), encoding="utf-8")
    return subprocess.run(
        [sys.executable, script.name, copy.name, target.name],
        cwd=copy.parent,
        input=passphrase + "\n",
        capture_output=True,
        text=True,
        start_new_session=True,  # no controlling terminal: getpass falls back to stdin
        check=False,
    )


def test_a_damaged_copy_decrypts_page_by_page(
    cli: Callable[..., CliResult], demo_path: Path
) -> None:
    before = plrdesk_counts(demo_path)
    page, rows = damage_a_page_of_entries(demo_path)
    checked = cli("check", demo_path)
    assert checked.code == 4
    assert "damaged" in checked.err

    done = decrypt_pages(demo_path, demo_path.with_name("plaintext.db"), PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"pages that failed their check: [{page}]")
    plain = demo_path.with_name("plaintext.db")
    conn = sqlite3.connect(plain)
    try:  # the tables on intact pages read as they were
        assert (
            conn.execute("SELECT count(*) FROM participant").fetchone()[0] == before["participant"]
        )
        assert conn.execute("SELECT count(*) FROM theme").fetchone()[0] == before["theme"]
    finally:
        conn.close()

    shell = recover_shell()
    if shell is None:
        pytest.skip(
            "no SQLite shell with a working .recover (needs sqlite_dbpage; Debian 12's"
            " sqlite3 lacks it): set PLRDESK_RECOVER_SHELL to one"
        )
    for line in block("sh", ".recover").strip().splitlines():
        subprocess.run(
            line.replace("sqlite3 ", f"{shell} ", 1),
            shell=True,
            cwd=plain.parent,
            check=False,
            capture_output=True,
        )
    recovered = sqlite3.connect(plain.with_name("recovered.db"))
    try:
        count = recovered.execute("SELECT count(*) FROM entry").fetchone()[0]
        people = recovered.execute("SELECT count(*) FROM participant").fetchone()[0]
    finally:
        recovered.close()
    assert count == before["entry"] - rows  # everything but the destroyed page
    assert people == before["participant"]


def test_a_wrong_passphrase_fails_on_page_one(demo_path: Path) -> None:
    done = decrypt_pages(demo_path, demo_path.with_name("plaintext.db"), "not the passphrase")
    assert done.returncode == 0
    assert "pages that failed their check: [1, 2," in done.stdout


def _works(shell: str) -> bool:
    """Whether `shell .recover` really recovers (a shell without sqlite_dbpage fails)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        folder = Path(os.environ.get("TMPDIR", "/tmp"))
        probe = folder / "probe.db"
        probe.unlink(missing_ok=True)
        conn = sqlite3.connect(probe)
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES ('kept')")
        conn.commit()
        conn.close()
        out = subprocess.run(
            [shell, str(probe), ".recover"], capture_output=True, text=True, timeout=30
        )
        return out.returncode == 0 and "'kept'" in out.stdout
    return False


def recover_shell() -> str | None:
    named = os.environ.get("PLRDESK_RECOVER_SHELL")
    candidates = [named] if named else [shutil.which("sqlite3"), shutil.which("sqlcipher")]
    return next((c for c in candidates if c and _works(c)), None)


def sqlcipher4_shell() -> str | None:
    for candidate in (os.environ.get("PLRDESK_SQLCIPHER4"), shutil.which("sqlcipher")):
        if not candidate:
            continue
        version = subprocess.run(
            [candidate, ":memory:", "PRAGMA cipher_version;"], capture_output=True, text=True
        )
        if version.stdout.startswith("4."):
            return candidate
    return None


def test_the_sqlcipher_4_shell_steps(demo_path: Path, tmp_path: Path) -> None:
    shell = sqlcipher4_shell()
    if shell is None:
        pytest.skip("no SQLCipher 4 shell (Debian 12's sqlcipher is 3.4.1): set PLRDESK_SQLCIPHER4")
    study = tmp_path / "study.plr"
    shutil.copyfile(demo_path, study)
    typed = block("sh", "sqlcipher study.plr").strip().splitlines()
    assert typed[0] == "sqlcipher study.plr"
    session = "\n".join(line.removeprefix("sqlite> ") for line in typed[1:]) + "\n"
    subprocess.run([shell, study.name], input=session, cwd=tmp_path, text=True, check=True)
    entries = (tmp_path / "entries.csv").read_text(encoding="utf-8")
    assert entries.count("\n") >= plrdesk_counts(demo_path)["entry"]

    export = f"PRAGMA key = '{PASSPHRASE}';\n" + block("sql", "sqlcipher_export")
    subprocess.run([shell, study.name], input=export, cwd=tmp_path, text=True, check=True)
    assert plain_counts(tmp_path / "plaintext.db") == plrdesk_counts(demo_path)

    # What the document warns of: the shell's .recover fails even on this intact file.
    tried = subprocess.run(
        [shell, study.name],
        input=f"PRAGMA key = '{PASSPHRASE}';\n.recover\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "hmac check failed for pgno=1" in tried.stderr + tried.stdout


def test_every_table_is_in_the_document(demo_path: Path) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        raw = study.raw_connection()
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Where the data is") : text.index("## Automatic backups")]
    for table in tables:
        if table == "alembic_version" or table.startswith("entry_fts_"):
            continue
        assert f"`{table}`" in section, table
