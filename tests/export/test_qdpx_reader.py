"""The QDPX read by an independent REFI-QDA reader: qualitative-coding (PyPI; its command
`qc init --import PROJECT.qdpx`), which validates project.qde against the schema, then
imports the coders, the codebook, the text sources from `sources/` and their codings. It
codes whole lines, and it has no cases, variables or memos (it says so and leaves them):
those are checked against QualCoder's importer's needs in test_qdpx.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from plrdesk.export.model import ExportBundle
from plrdesk.export.render_qdpx import USER_NAME, source_text
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser
from tests.export.support import build
from tests.export.test_qdpx import emoji_export, export

pytestmark = pytest.mark.slow  # a few seconds each: a new interpreter that imports qc

# qc's own interpreter reads what qc imported, through qc's own API, and prints it as JSON:
# qc may live in its own environment (its pins can clash with ours), named by PLRDESK_QC.
READ = """
import json, sys
from qualitative_coding.corpus import QCCorpus
corpus = QCCorpus(sys.argv[1])
with corpus.session():
    print(json.dumps({
        "coders": [c.name for c in corpus.get_all_coders()],
        "coded": [[doc, line, code] for code, _, line, doc in corpus.get_coded_lines()],
        "corpus": str(corpus.corpus_dir),
        "codebook": str(corpus.codebook_path),
    }))
"""


def qc_command() -> Path:
    readers = Path(__file__).resolve().parents[2] / ".venv-readers" / "bin" / "qc"  # make test
    found = (
        os.environ.get("PLRDESK_QC")
        or (str(readers) if readers.is_file() else None)
        or shutil.which("qc", path=str(Path(sys.executable).parent))
    )
    assert found, "qualitative-coding is not installed: `make .venv-readers/.installed`"
    assert Path(found).is_file(), f"PLRDESK_QC names no file: {found}"
    return Path(found)


def run(argv: list[str], cwd: Path) -> str:
    # qualitative-coding 1.7.8's importer has a stray breakpoint() in unpack_sources; with
    # no terminal it would stop there, so the standard switch turns breakpoints off.
    env = {**os.environ, "PYTHONBREAKPOINT": "0"}
    done = subprocess.run(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def qc_import(qdpx: Path, folder: Path) -> tuple[dict[str, Any], str]:
    """A new qc project in `folder` imported from `qdpx`: what qc holds, and what it said."""
    folder.mkdir()
    qc = qc_command()
    printed = run([str(qc), "init", "--import", str(qdpx)], folder)
    python = qc.with_name("python")
    held = run([str(python), "-c", READ, str(folder / "settings.yaml")], folder)
    return json.loads(held.strip().splitlines()[-1]), printed


def code_paths(tree: Any, above: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Each code of qc's codebook.yaml as the path of names from the top."""
    for node in tree or []:
        if isinstance(node, dict):
            for name, children in node.items():
                yield (*above, name)
                yield from code_paths(children, (*above, name))
        else:
            yield (*above, node)


def expected_lines(bundle: ExportBundle) -> set[tuple[str, int, str]]:
    """(document, zero-based line, code) for every coding, as qc codes lines."""
    names = {o.theme_id: t.name for t, o in zip(bundle.summary.themes, bundle.outline, strict=True)}
    return {
        (f"{s.name}.txt", source_text(s).count("\n", 0, sel.start), names[sel.theme_id])
        for s in bundle.sources
        for sel in s.selections
    }


def check_import(bundle: ExportBundle, tmp_path: Path) -> tuple[dict[str, list[str]], set[Any]]:
    """Import the bundle's QDPX into qc; check what must arrive; return qc's documents (as
    lines) and coded lines (document, line, code)."""
    held, printed = qc_import(export(bundle, tmp_path), tmp_path / "qc")
    coded = {tuple(row) for row in held["coded"]}
    assert held["coders"] == [USER_NAME]
    documents = {p.name: p.read_text(encoding="utf-8") for p in Path(held["corpus"]).iterdir()}
    assert documents == {f"{s.name}.txt": source_text(s) for s in bundle.sources}
    tree = yaml.safe_load(Path(held["codebook"]).read_text(encoding="utf-8"))
    by_id = {o.theme_id: o for o in bundle.outline}
    names = {o.theme_id: t.name for t, o in zip(bundle.summary.themes, bundle.outline, strict=True)}

    def path(theme_id: Any) -> tuple[str, ...]:
        parent = by_id[theme_id].parent_id
        return (*(path(parent) if parent else ()), names[theme_id])

    assert set(code_paths(tree)) == {path(o.theme_id) for o in bundle.outline}
    assert coded == expected_lines(bundle)
    assert "contains Cases, which are not supported" in printed  # it says what it left
    return {name: text.split("\n") for name, text in documents.items()}, coded


def test_qc_imports_every_source_code_and_coding_of_the_demo(
    demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    bundle = build(demo_study, stand_in)
    documents, coded = check_import(bundle, tmp_path)
    assert len(documents) == 10
    # Every quote of the summary is in a line qc holds as coded with the quote's theme.
    for theme in bundle.summary.themes:
        lines = [documents[doc][line] for doc, line, code in coded if code == theme.name]
        for quote in theme.quotes:
            assert any(quote.text in line for line in lines), quote.text


def test_qc_codes_the_lines_holding_the_exact_words_past_astral_characters(
    tmp_path: Path,
) -> None:
    documents, coded = check_import(emoji_export(tmp_path), tmp_path)
    # qc holds lines, not spans: each coding is on the line that holds its exact words
    # (test_qdpx checks that the positions select exactly those words).
    for code, words in (
        ("Relationships", "the SENCO rang us"),
        ("Keeping in touch 📞", "every week"),
        ("Relationships", "the second line"),
    ):
        lines = [documents[doc][line] for doc, line, c in coded if c == code]
        assert any(words in line for line in lines), (code, words)
    assert len(coded) == 3
