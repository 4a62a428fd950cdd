"""Property: put any registered participant's name, in any form, into anything the export
sends (a quoted passage, a coded note that only an extract carries, a theme's name or
description, an aim, the title), and no export format holds any part of it. Every export
here is made with `--extracts`, so the extracts appendix (and the CSV's extract rows) is
read back too: extracts are anonymised exactly as quotes are. Each format is read back as
its reader would: the PDF's text with pypdf, the DOCX's paragraphs and tables with
python-docx, the QDPX's project.qde and source files from the zip, the others as text.

Each example works on its own byte copy of the demo study (function-scoped fixtures are
not reset between hypothesis examples), built with the anonymiser the command line uses.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.register import name_parts
from plrdesk.anonymise.types import Redacted
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.formats import FORMATS
from plrdesk.export.study import study_anonymiser
from plrdesk.services.corpus import load_corpus
from plrdesk.shipped import demo_study_json
from plrdesk.storage.study_file import StudyFile
from tests.export.support import words_found
from tests.export.test_renderers import read_back, write_all
from tests.support.files import PASSPHRASE

PEOPLE = tuple(
    p["name"] for p in json.loads(demo_study_json().read_text(encoding="utf-8"))["participants"]
)
PARTS = ("full", "first", "surname")
CASES = ("as registered", "UPPER", "lower", "Title")
POSSESSIVES = ("", "'s", "’s")
TARGETS = ("quote", "extract", "theme name", "theme description", "aim", "title")


def form_of(name: str, part: str, case: str, possessive: str) -> str:
    first, surname = name.split(" ", 1)
    text = {"full": name, "first": first, "surname": surname}[part]
    text = {"UPPER": text.upper(), "lower": text.lower(), "Title": text.title()}.get(case, text)
    return text + (possessive.upper() if case == "UPPER" else possessive)


def between_words(text: str, where: int, form: str) -> str:
    """`text` with `form` put in at the word boundary nearest `where` (of 10,000)."""
    gaps = [0, *(i for i, c in enumerate(text) if c == " "), len(text)]
    at = gaps[where * (len(gaps) - 1) // 10_000]
    return f"{text[:at]} {form} {text[at:]}".strip()


def insert_into_a_passage(db: Session, pick: int, where: int, form: str, verbatim: bool) -> None:
    """Put `form` inside the coded span of a passage that the export quotes (`verbatim`) or
    carries only as an extract (a note, not verbatim), and move the codings of its entry
    with the text."""
    passages = [
        p
        for p in load_corpus(db, shipped_forms()).passages
        if p.counts and p.may_quote and p.verbatim == verbatim and p.end > p.start
    ]
    passage = passages[pick % len(passages)]
    entry = db.get(m.Entry, passage.entry_id)
    assert entry is not None
    assert entry.text is not None
    text = entry.text
    ends = [
        i for i in range(passage.start + 1, passage.end + 1) if i == passage.end or text[i] == " "
    ]
    at = ends[where * (len(ends) - 1) // 10_000]
    piece = f" {form}" + (" " if at < len(text) and text[at].isalnum() else "")
    entry.text = text[:at] + piece + text[at:]
    for coding in entry.codings:
        if coding.start is not None and coding.start >= at:
            coding.start += len(piece)
        if coding.end is not None and coding.end >= at:
            coding.end += len(piece)


def insert(db: Session, target: str, pick: int, where: int, form: str) -> None:
    if target in {"quote", "extract"}:
        insert_into_a_passage(db, pick, where, form, verbatim=target == "quote")
        return
    if target == "theme name" or target == "theme description":
        themes = list(db.scalars(select(m.Theme).order_by(m.Theme.position)))
        theme = themes[pick % len(themes)]
        if target == "theme name":
            theme.name = between_words(theme.name, where, form)
        else:
            theme.description = between_words(theme.description or "", where, form)
        return
    study = db.scalars(select(m.Study)).one()
    if target == "title":
        study.title = between_words(study.title, where, form)
    else:
        aims = list(study.aims)
        aims[pick % len(aims)] = between_words(aims[pick % len(aims)], where, form)
        study.aims = aims


def unchanged(text: str) -> Redacted:
    return Redacted(text, text, [])


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the autouse dirs only
)
@given(
    name=st.sampled_from(PEOPLE),
    part=st.sampled_from(PARTS),
    case=st.sampled_from(CASES),
    possessive=st.sampled_from(POSSESSIVES),
    target=st.sampled_from(TARGETS),
    pick=st.integers(0, 10_000),
    where=st.integers(0, 10_000),
)
def test_no_format_holds_a_registered_name_put_anywhere(
    demo_template: Path,
    name: str,
    part: str,
    case: str,
    possessive: str,
    target: str,
    pick: int,
    where: int,
) -> None:
    form = form_of(name, part, case, possessive)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.plr"
        shutil.copyfile(demo_template, path)
        with StudyFile.open(path, PASSPHRASE) as study:
            with study.transaction() as db:
                insert(db, target, pick, where, form)
            with study.transaction() as db:
                # Without the anonymiser the name reaches the summary: the test means it.
                plain = build_summary(db, shipped_forms(), unchanged, extracts=True)
                assert form.casefold() in plain.summary.to_json().casefold(), (target, form)
                bundle = build_summary(db, shipped_forms(), study_anonymiser(db), extracts=True)
        outputs = Path(folder) / "out"
        outputs.mkdir()
        written = write_all(bundle, outputs)
        parts = [p for p in dict.fromkeys(name_parts(name)) if len(p) >= 3]
        leaks: dict[str, Any] = {}
        for fmt in FORMATS:
            text = read_back(fmt, written[fmt])
            if fmt == "md":
                text = text.replace("\\", "")  # Markdown escapes
            found = words_found(text, parts)
            if found:
                leaks[fmt] = found
        assert leaks == {}, (target, form)
