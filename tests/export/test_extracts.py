"""Extracts (`--extracts`): every coded passage a quote's rules let leave, verbatim or not,
under its theme, in every format; the JSON gains the key only when asked, so an export
without it is the contract's, key for key."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session

from plrdesk.cli import export_command
from plrdesk.cli.exit_codes import Exit
from plrdesk.cli.parser import build as build_parser
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.formats import FORMATS, write_export
from plrdesk.export.model import ExportBundle
from plrdesk.export.render_csv import COLUMNS, EXTRACT_COLUMNS
from plrdesk.export.study import export_study
from plrdesk.services.corpus import load_corpus
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.export.conftest import WordListAnonymiser
from tests.export.support import change, entry, flat, theme_id
from tests.export.test_cli import export_args, with_stand_in  # noqa: F401 - a fixture
from tests.export.test_model import THEME, assert_shape
from tests.export.test_renderers import read_back
from tests.support.files import PASSPHRASE

NOTE = "Said the Oakwell club was where Jordan Harrington first talked about the move"


def with_extracts(study: StudyFile, anonymiser: WordListAnonymiser) -> ExportBundle:
    with study.transaction() as db:
        return build_summary(db, shipped_forms(), anonymiser, extracts=True)


def test_each_theme_has_every_passage_a_quote_may_come_from_verbatim_or_not(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    bundle = with_extracts(demo_study, stand_in)
    with demo_study.transaction() as db:
        passages = load_corpus(db, shipped_forms()).passages
    assert bundle.extracts
    for theme, place in zip(bundle.summary.themes, bundle.outline, strict=True):
        allowed = [p for p in passages if p.theme_id == place.theme_id]
        quotable = [p for p in allowed if p.counts and p.may_quote]
        assert theme.extracts is not None
        assert [(e.session_kind, e.verbatim) for e in theme.extracts] == [
            (p.session_kind, p.verbatim) for p in quotable
        ], theme.name
        # The quotes are the verbatim extracts (exemplars first there, said order here).
        assert sorted(q.text for q in theme.quotes) == sorted(
            e.text for e in theme.extracts if e.verbatim
        )
    every = [e for theme in bundle.summary.themes for e in theme.extracts or ()]
    assert any(not e.verbatim for e in every)  # the notes a writer has had no way to see


def test_no_extract_from_the_withdrawn_the_unquotable_or_a_flagged_note(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    flagged: list[str] = []

    def flag(db: Session) -> None:  # a note that would be an extract, flagged
        note = next(p for p in load_corpus(db, shipped_forms()).passages if p.may_quote)
        entry(db, note.entry_ref).safeguarding_flagged_at = dt.datetime(2008, 12, 2, tzinfo=dt.UTC)
        flagged.append(note.entry_ref)

    change(demo_study, flag)
    with demo_study.transaction() as db:
        passages = load_corpus(db, shipped_forms()).passages
    left_out = [p for p in passages if not (p.counts and p.may_quote)]
    assert {p.speaker_ref for p in left_out} >= {"C5", "C6"}  # no quote; withdrawn
    assert any(p.entry_ref in flagged for p in left_out)
    kept = " | ".join(
        flat(e.text)
        for theme in with_extracts(demo_study, stand_in).summary.themes
        for e in theme.extracts or ()
    )
    for p in left_out:
        assert flat(p.text) not in kept, p.entry_ref


def test_without_the_option_the_json_is_the_contracts_and_with_it_extracts_follow_quotes(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        plain = json.loads(export_study(db, shipped_forms(), "json").data)
        extended = json.loads(export_study(db, shipped_forms(), "json", extracts=True).data)
    assert_shape(plain)
    assert all("extracts" not in theme for theme in plain["themes"])
    for theme in extended["themes"]:
        assert list(theme) == [*THEME, "extracts"]
        for extract in theme["extracts"]:
            assert list(extract) == ["text", "descriptor", "session_kind", "verbatim"]
            assert isinstance(extract["verbatim"], bool)
    without = {k: v for k, v in extended.items() if k not in {"themes", "disclosure"}}
    assert without == {k: v for k, v in plain.items() if k not in {"themes", "disclosure"}}


def test_a_name_in_a_note_that_only_an_extract_carries_is_redacted_and_counted(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def edit(db: Session) -> None:
        note = entry(db, "E59")  # a practitioner's note, not verbatim
        note.text, note.verbatim = NOTE, False
        note.codings.clear()
        db.add(m.Coding(entry_id=note.id, theme_id=theme_id(db, "T3"), start=0, end=len(NOTE)))

    change(demo_study, edit)
    with demo_study.transaction() as db:
        plain = build_summary(db, shipped_forms(), stand_in)
    bundle = with_extracts(demo_study, stand_in)
    texts = [e.text for t in bundle.summary.themes for e in t.extracts or ()]
    assert "Said the Oakwell club was where [child] first talked about the move" in texts
    assert plain.summary.disclosure.redactions.get("child", 0) == 0  # not in the summary ...
    assert bundle.summary.disclosure.redactions["child"] == 1  # ... until extracts are
    assert bundle.made == plain.made  # the anonymiser read the same texts either way


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_command_line_carries_extracts_in_every_format(
    demo_path: Path,
    tmp_path: Path,
    with_stand_in: WordListAnonymiser,  # noqa: F811 - the fixture
    capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    out = tmp_path / f"summary{FORMATS[fmt]}"
    code = export_command.cmd_export(export_args(demo_path, fmt, out, extracts=True))
    assert code == Exit.OK
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"wrote {out} ({fmt}, anonymised, with extracts)"
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        bundle = with_extracts(study, with_stand_in)
    extracts = [(t, e) for t in bundle.summary.themes for e in t.extracts or ()]
    assert f"extracts: {len(extracts)}" in printed
    text = read_back(fmt, out)
    if fmt == "md":
        text = text.replace("\\", "")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert tuple(rows[0]) == EXTRACT_COLUMNS
        assert [(r[0], r[1], r[4], r[5]) for r in rows[1:]] == [
            (t.name, e.descriptor, e.text, "yes" if e.verbatim else "no") for t, e in extracts
        ]
        return
    if fmt == "qdpx":  # its sources carry every coded passage already
        assert all(flat(e.text) in flat(text) for _, e in extracts)
        return
    if fmt != "json":
        assert "Appendix: extracts by theme" in text
    folded = flat(text)
    for _, extract in extracts:
        assert flat(extract.text) in folded, extract.text


def test_the_csv_without_extracts_keeps_its_columns(
    demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    with demo_study.transaction() as db:
        data = export_study(db, shipped_forms(), "csv").data
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(header) == COLUMNS


def test_the_docx_appendix_keeps_words_and_notes_apart(
    demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    bundle = with_extracts(demo_study, stand_in)
    path = tmp_path / "summary.docx"
    write_export(bundle, "docx", path)
    paragraphs = docx.Document(str(path)).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Appendix: extracts by theme")
    appendix = paragraphs[start:]
    styles = {p.text: p.style.name if p.style is not None else "" for p in appendix}
    for theme in bundle.summary.themes:
        for extract in theme.extracts or ():
            assert (styles[extract.text] == "Quote") == extract.verbatim, extract.text
    assert any(p.text.endswith("the researcher's note, not word for word") for p in appendix)


def _parser_has(option: str) -> bool:
    """Whether `plrdesk export` takes `option` (cli/parser.py is not the export's file)."""
    _, unknown = build_parser().parse_known_args(
        ["export", "S", "--format", "md", "-o", "O", option]
    )
    return option not in unknown


@pytest.mark.skipif(not _parser_has("--extracts"), reason="--extracts is not yet in cli/parser.py")
def test_the_option_is_on_the_command_line(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "summary.md"
    result = cli("export", demo_path, "--format", "md", "-o", out, "--extracts")
    assert result.code == Exit.OK, result.err
    assert "## Appendix: extracts by theme" in out.read_text(encoding="utf-8")
    assert "--extracts" in cli("export", "--help").out
