"""XLSForms as they come from the field (issue 12 §3): old .xls and .xlsm workbooks, rows
pyxform names itself, loops, cascades that reuse a choice name, old spellings, markdown,
forms with nothing to convert, and `-o FOLDER`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plrdesk.forms.loader import read_form
from plrdesk.forms.problems import FormErrors
from plrdesk.forms.schema import FormDefinition
from plrdesk.forms.xlsform import ConversionResult, convert_file
from plrdesk.forms.xlsform_text import plain
from plrdesk.storage.files import write_atomically
from tests.conftest import CliResult
from tests.forms.test_xlsform_corpus_forms import TYPE, YN, save

Cli = Callable[..., CliResult]


def write(path: Path, data: bytes) -> None:
    write_atomically(path, data, private=False)


def convert(
    tmp_path: Path, sheets: dict[str, Any], suffix: str = "xlsx"
) -> tuple[FormDefinition, ConversionResult]:
    book = save(tmp_path / f"form.{suffix}", sheets)
    result = convert_file(book, tmp_path, language=None, write=write)
    assert result.output is not None
    return read_form(result.output).definition, result


@pytest.mark.parametrize("suffix", ["xls", "xlsm"])
def test_old_xls_and_macro_workbooks_are_read(tmp_path: Path, suffix: str) -> None:
    sheets = {
        "survey": [[*TYPE, "required"], ["select_one yn", "q", "Ready?", True], ["date", "d", 7]],
        "choices": [*YN, ["yn", 3, "Three"]],
        "settings": [["form_id", "version"], ["old_form", 2024.0]],
    }
    form, result = convert(tmp_path, sheets, suffix)
    q, d = form.items()
    assert (form.id, form.version, q.required, d.text) == ("old-form", "2024", True, "7")
    assert [c.value for c in q.choices] == ["yes", "no", "3"]
    assert result.output == tmp_path / "old-form.yaml"


def test_an_outsized_xls_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plrdesk.forms import xlsform_books

    book = save(tmp_path / "big.xls", {"survey": [TYPE, ["text", "q", "Q"]]})
    monkeypatch.setattr(xlsform_books, "MAX_XLS_BYTES", book.stat().st_size - 1)
    with pytest.raises(FormErrors, match=r"the \.xls file is larger than 64 MiB"):
        convert_file(book, tmp_path, language=None, write=write)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.xls"]


def test_a_lone_sheet_with_another_name_is_the_survey(tmp_path: Path) -> None:
    form, _ = convert(tmp_path, {"Form 1": [TYPE, ["text", "q", "Q"]]})
    assert [item.id for item in form.items()] == ["q"]


def test_a_note_without_a_name_is_named_as_pyxform_names_it(tmp_path: Path) -> None:
    survey = [TYPE, ["note", None, "Hello"], ["text", "q", "Q"], ["note", None, "Bye"]]
    form, result = convert(tmp_path, {"survey": survey})
    assert [i.id for i in form.items()] == ["generated-note-name-2", "q", "generated-note-name-4"]
    assert result.not_converted == []


def test_a_loop_is_written_out_once_per_choice(tmp_path: Path) -> None:
    survey = [
        [*TYPE, "relevant"],
        ["begin loop over who", "each", "Each person", "true()"],
        ["integer", "age", "Age of %(label)s"],
        ["end loop"],  # no name, as pyxform allows
    ]
    choices = [["list_name", "name", "label"], ["who", "mum", "Mum"], ["who", "none", "None"]]
    choices.append(["who", "dad", "Dad"])
    form, result = convert(tmp_path, {"survey": survey, "choices": choices})
    assert [(s.id, s.title, [(i.id, i.text) for i in s.items]) for s in form.sections] == [
        ("each-mum", "Mum", [("mum-age", "Age of Mum")]),
        ("each-dad", "Dad", [("dad-age", "Age of Dad")]),
    ]
    assert {i.relevant for i in form.items()} == {"true"}
    assert result.not_converted == []


def test_a_loop_over_a_missing_list_is_an_error(tmp_path: Path) -> None:
    survey = [TYPE, ["begin loop over nowhere", "l", "L"], ["text", "q", "Q"], ["end loop"]]
    with pytest.raises(FormErrors, match=r"no choice list 'nowhere' .* for begin loop 'l'"):
        convert(tmp_path, {"survey": survey})


def test_a_choice_name_reused_in_another_branch_is_listed_once(tmp_path: Path) -> None:
    survey = [[*TYPE, "choice_filter"], ["select_one city", "city", "City", "state='n'"]]
    choices = [
        ["list_name", "name", "label", "state"],
        ["city", "spring", "Springfield", "n"],
        ["city", "spring", "Springfield", "s"],
    ]
    settings = [["allow_choice_duplicates"], ["yes"]]
    form, result = convert(tmp_path, {"survey": survey, "choices": choices, "settings": settings})
    assert [c.value for c in form.items()[0].choices] == ["spring"]
    assert result.not_converted == [
        "survey row 2: choice_filter \"state='n'\" has no equivalent; ignored",
        "choices row 3: list 'city' has the choice 'spring' twice (first on row 2);"
        " it is listed once",
    ]


@pytest.mark.parametrize(
    ("spelling", "kind"),
    [
        ("select one from yn", "single-choice"),
        ("select all that apply from yn", "multi-choice"),
        ("select all that apply yn", "multi-choice"),
        ("add select one prompt using yn", "single-choice"),
        ("select_one yn or specify other", "single-choice"),
    ],
)
def test_old_select_spellings_convert(tmp_path: Path, spelling: str, kind: str) -> None:
    form, _ = convert(tmp_path, {"survey": [TYPE, [spelling, "q", "Q"]], "choices": YN})
    (item,) = form.items()
    assert item.type.value == kind
    assert [c.value for c in item.choices][:2] == ["yes", "no"]


def test_or_other_gives_every_question_on_that_list_the_other_choice(tmp_path: Path) -> None:
    survey = [TYPE, ["select_one yn", "a", "A"], ["select_one yn or_other", "b", "B"]]
    form, _ = convert(tmp_path, {"survey": survey, "choices": YN})
    assert [[c.value for c in i.choices] for i in form.items()] == [["yes", "no", "other"]] * 2


def test_markdown_becomes_plain_text_and_one_line_says_so(tmp_path: Path) -> None:
    survey = [
        [*TYPE, "hint"],
        ["note", "n", "# Welcome\n**Read** this *first*", "See [the guide](https://x.org)"],
        ["select_one yn", "q", "Is hh_size right?"],
    ]
    choices = [["list_name", "name", "label"], ["yn", "yes", "__Yes__"], ["yn", "no", "No"]]
    form, result = convert(tmp_path, {"survey": survey, "choices": choices})
    note, question = form.items()
    assert (note.text, note.help) == ("Welcome\nRead this first", "See the guide (https://x.org)")
    assert (question.text, question.choices[0].label) == ("Is hh_size right?", "Yes")
    assert result.notes == [
        "markdown and HTML marks (emphasis, headings, links) were taken out of the text on"
        " survey row 2; choices row 2: the words are kept as plain text"
    ]
    assert result.not_converted == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<span style="color:red">Stop</span> now', "Stop now"),
        ("line<br/>break", "line\nbreak"),
        ("under 5 <years>", "under 5 <years>"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        (r"a \*literal\* star", "a *literal* star"),
        ("***both***", "both"),
    ],
)
def test_plain_text_of_markdown(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_the_same_name_in_two_groups_converts_but_a_reference_to_it_is_dropped(
    tmp_path: Path,
) -> None:
    survey = [
        [*TYPE, "relevant"],
        ["begin group", "mum", "Mum"],
        ["integer", "age", "Age"],
        ["end group"],
        ["begin group", "dad", "Dad"],
        ["integer", "age", "Age"],
        ["end group"],
        ["text", "older", "Older?", "${age} > 40"],
    ]
    form, result = convert(tmp_path, {"survey": survey})
    assert [i.id for i in form.items()] == ["age", "age-2", "older"]
    assert form.items()[2].relevant is None
    assert result.not_converted[-1] == (
        "survey row 8: relevant '${age} > 40' is dropped: ${age} is the name of several rows:"
        " it cannot say which"
    )


def test_disabled_rows_and_what_lies_beyond_60_empty_rows_are_left_out(tmp_path: Path) -> None:
    survey: list[list[Any]] = [[*TYPE, "disabled"], ["text", "a", "A"], ["text", "b", "B", "yes"]]
    survey += [[None]] * 61 + [["text", "c", "Far below"]]
    form, result = convert(tmp_path, {"survey": survey})
    assert [i.id for i in form.items()] == ["a"]
    assert result.not_converted == ["survey row 3: the row is disabled ('yes') and is left out"]


def test_single_colon_language_headers_are_read_as_pyxform_reads_them(tmp_path: Path) -> None:
    survey = [["type", "name", "label:English", "hint:English", "jr:count"]]
    survey.append(["text", "q", "Question", "Help"])
    form, _ = convert(tmp_path, {"survey": survey})
    (item,) = form.items()
    assert (item.text, item.help) == ("Question", "Help")


def test_a_form_with_nothing_to_convert_is_an_error(cli: Cli, tmp_path: Path) -> None:
    survey: list[list[Any]] = [[*TYPE, "calculation"], ["geopoint", "g", "Where?"]]
    survey.append(["calculate", "c", None, "1"])
    book = save(tmp_path / "form.xlsx", {"survey": survey})
    out = tmp_path / "out"
    out.mkdir()
    result = cli("forms", "import-xlsform", book, "-o", out)
    assert result.code == 5
    assert result.err == (
        f"plrdesk: {book}:1: survey row 1: no question converts to a form item"
        " (2 row(s) not converted: see docs/forms.md)\n"
    )
    assert list(out.iterdir()) == []


def test_output_to_a_folder_names_the_file_after_the_form(cli: Cli, tmp_path: Path) -> None:
    sheets = {
        "survey": [TYPE, ["text", "q", "**Name?**"], ["geopoint", "g", "Where?"]],
        "settings": [["form_id"], ["Visit_Log"]],
    }
    book = save(tmp_path / "anything.xls", sheets)
    out = tmp_path / "forms"
    out.mkdir()
    result = cli("forms", "import-xlsform", book, "-o", out)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "not converted: survey row 3: type 'geopoint' has no equivalent; 'g' is left out",
        "note: markdown and HTML marks (emphasis, headings, links) were taken out of the text"
        " on survey row 2: the words are kept as plain text",
        f"wrote {out / 'visit-log.yaml'}: 1 item(s), 1 not converted",
    ]
    assert cli("forms", "check", out).code == 0


def test_the_file_name_advice_is_a_note_not_a_loss(cli: Cli, tmp_path: Path) -> None:
    book = save(tmp_path / "visit.xlsx", {"survey": [TYPE, ["text", "q", "Q"]]})
    result = cli("forms", "import-xlsform", book, "-o", tmp_path / "other.yaml")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "note: the form id is 'visit': `forms check` wants the file named visit.yaml, not"
        " other.yaml (give -o a folder to have it so named)",
        f"wrote {tmp_path / 'other.yaml'}: 1 item(s), 0 not converted",
    ]


def test_an_output_ending_in_a_slash_must_be_a_folder(tmp_path: Path) -> None:
    import argparse

    from plrdesk.cli.exit_codes import CliError, Exit
    from plrdesk.cli.forms_commands import cmd_forms_import_xlsform

    book = save(tmp_path / "visit.xlsx", {"survey": [TYPE, ["text", "q", "Q"]]})
    args = argparse.Namespace(xlsx=book, output=f"{tmp_path}/forms/", language=None)
    with pytest.raises(CliError) as caught:  # the parser passes the text as typed
        cmd_forms_import_xlsform(args)
    assert (caught.value.code, caught.value.message) == (
        Exit.FAILURE,
        f"{tmp_path / 'forms'}: no such folder for the output",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit.xlsx"]
