"""XLSForm import: workbooks built here with openpyxl convert to form definitions that load
through the form loader; what cannot be converted is listed by sheet and row; a broken
workbook exits 5 through the CLI with one `file:line: message` line and writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from plrdesk.forms.loader import read_form
from plrdesk.forms.problems import FormErrors
from plrdesk.forms.schema import FormDefinition, Item, ItemType
from plrdesk.forms.xlsform import ConversionResult, convert_file
from plrdesk.forms.xlsform_expressions import Untranslatable, translate
from plrdesk.storage.files import write_atomically
from tests.conftest import CliResult

Cli = Callable[..., CliResult]
Rows = Sequence[Any]  # rows of cells, header first

HEADER = ["type", "name", "label"]
YES_NO = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def write_shareable(path: Path, data: bytes) -> None:
    write_atomically(path, data, private=False)


def workbook(
    path: Path,
    survey: Rows,
    choices: Rows | None = None,
    settings: Rows | None = None,
    **extra: Rows | None,
) -> Path:
    """An .xlsx at `path` with a sheet per argument, each given as rows (header first)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = {"survey": survey, "choices": choices, "settings": settings, **extra}
    for name, rows in sheets.items():
        if rows is not None:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(list(row))
    book.save(path)
    return path


def convert(
    tmp_path: Path, survey: Rows, *, language: str | None = None, **sheets: Rows | None
) -> tuple[FormDefinition, ConversionResult]:
    xlsx = workbook(tmp_path / "survey.xlsx", survey, **sheets)
    out = tmp_path / "survey.yaml"
    result = convert_file(xlsx, out, language=language, write=write_shareable)
    return read_form(out).definition, result


def only_item(form: FormDefinition) -> Item:
    (item,) = form.items()
    return item


# -- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("xls_type", "appearance", "expected"),
    [
        ("text", None, ItemType.TEXT),
        ("text", "multiline", ItemType.LONG_TEXT),
        ("integer", None, ItemType.NUMBER),
        ("decimal", None, ItemType.NUMBER),
        ("date", None, ItemType.DATE),
        ("time", None, ItemType.TIME),
        ("note", None, ItemType.INFO),
        ("acknowledge", None, ItemType.STATEMENT),
        ("select_one yn", "minimal", ItemType.SINGLE_CHOICE),
        ("select_multiple yn", None, ItemType.MULTI_CHOICE),
        ("select one yn", None, ItemType.SINGLE_CHOICE),
        ("range", None, ItemType.SCALE),
    ],
)
def test_each_type_converts(
    tmp_path: Path, xls_type: str, appearance: str | None, expected: ItemType
) -> None:
    survey = [[*HEADER, "appearance"], [xls_type, "q", "The question", appearance]]
    form, result = convert(tmp_path, survey, choices=YES_NO)
    item = only_item(form)
    assert (item.id, item.type, item.text) == ("q", expected, "The question")
    assert result.items == 1
    assert result.not_converted == []


def test_a_select_keeps_its_choice_list(tmp_path: Path) -> None:
    choices = [
        ["list_name", "name", "label"],
        ["fruit", "apple", "Apple"],
        ["other_list", "x", "Not this one"],
        ["fruit", 2, "Pear"],
        ["fruit", "kiwi", None],
    ]
    form, result = convert(tmp_path, [HEADER, ["select_one fruit", "f", "Fruit?"]], choices=choices)
    assert [(c.value, c.label) for c in only_item(form).choices] == [
        ("apple", "Apple"),
        ("2", "Pear"),
        ("kiwi", "kiwi"),
    ]
    assert result.not_converted == ["choices row 5: choice 'kiwi' has no label; its name is used"]


def test_or_other_adds_an_other_choice_and_says_so(tmp_path: Path) -> None:
    survey = [HEADER, ["select_multiple yn or_other", "f", "Which?"]]
    form, result = convert(tmp_path, survey, choices=YES_NO)
    assert [c.value for c in only_item(form).choices] == ["yes", "no", "other"]
    assert result.not_converted == [
        "survey row 2: or_other: the question asking to specify 'other' is not created"
    ]


@pytest.mark.parametrize(
    ("parameters", "scale", "notes"),
    [
        ("start=1 end=5 step=1", (1, 5), []),
        ("start=0;end=10", (0, 10), []),
        (None, (1, 10), []),  # XLSForm's defaults
        ("start=0 end=100 step=10", (0, 100), ["survey row 2: range step 10 has no equivalent"]),
    ],
)
def test_range_becomes_a_scale(
    tmp_path: Path, parameters: str | None, scale: tuple[int, int], notes: list[str]
) -> None:
    survey = [[*HEADER, "parameters"], ["range", "r", "How much?", parameters]]
    form, result = convert(tmp_path, survey)
    item = only_item(form)
    assert (item.type, item.min, item.max) == (ItemType.SCALE, *scale)
    assert [n.split(";")[0] for n in result.not_converted] == notes


def test_a_range_in_fractions_becomes_a_number_and_says_so(tmp_path: Path) -> None:
    survey = [[*HEADER, "parameters"], ["range", "r", "How much?", "start=0.5 end=2.5"]]
    form, result = convert(tmp_path, survey)
    assert only_item(form).type == ItemType.NUMBER
    assert result.not_converted == [
        "survey row 2: range 'start=0.5 end=2.5' is not in whole numbers; converted to a number"
    ]


# -- groups -----------------------------------------------------------------------------------


def test_groups_become_sections_and_nested_groups_are_flattened(tmp_path: Path) -> None:
    survey = [
        [*HEADER, "relevant"],
        ["text", "before", "Before any group"],
        ["begin group", "household", "Your household", "${before} != 'skip'"],
        ["integer", "size", "How many people?"],
        ["begin_group", "members", "Members", "${size} > 1"],
        ["text", "eldest", "Who is eldest?", "${size} < 10"],
        ["end_group"],
        ["text", "after_inner", "After the inner group"],
        ["end group"],
        ["begin group", "untitled"],
        ["note", "n", "A note"],
        ["end group"],
        ["text", "last", "Outside again"],
    ]
    form, result = convert(tmp_path, survey)
    assert [(s.id, s.title, [i.id for i in s.items]) for s in form.sections] == [
        ("main", None, ["before"]),
        ("household", "Your household", ["size"]),
        ("household-members", "Members", ["eldest"]),
        ("household-2", "Your household", ["after-inner"]),
        ("untitled", None, ["n"]),
        ("main-2", None, ["last"]),
    ]
    relevant = {item.id: item.relevant for item in form.items()}
    assert relevant["size"] == "${before} != 'skip'"
    assert relevant["eldest"] == "(${before} != 'skip') and (${size} > 1) and (${size} < 10)"
    assert relevant["after-inner"] == "${before} != 'skip'"
    assert result.not_converted == []


def test_a_repeat_is_asked_once_and_listed(tmp_path: Path) -> None:
    survey = [
        [*HEADER, "repeat_count"],
        ["begin repeat", "child", "Each child", "3"],
        ["text", "child_name", "Name"],
        ["end repeat"],
    ]
    form, result = convert(tmp_path, survey)
    assert [(s.id, [i.id for i in s.items]) for s in form.sections] == [("child", ["child-name"])]
    assert result.not_converted == [
        "survey row 2: begin repeat 'child' (repeat_count '3') has no equivalent:"
        " its questions are converted to be asked once"
    ]


# -- logic and wording ------------------------------------------------------------------------


def test_relevant_required_constraint_and_hint(tmp_path: Path) -> None:
    survey = [
        [*HEADER, "hint", "required", "relevant", "constraint", "constraint_message"],
        [
            "integer",
            "Age_Years",
            "Age",
            "In whole years",
            "yes",
            None,
            ". >= 0 and . < 120",
            "0-119",
        ],
        ["select_multiple yn", "tools", "Tools", None, "TRUE", "${Age_Years} >= 18", None, None],
        ["text", "why", "Why?", None, "no", "${tools} != ''", "string-length(.) <= 200", None],
        ["acknowledge", "ok", "Agreed", None, True, "true() and ${why} = ''", None, None],
        ["date", "when", "When?", None, None, "${ok} = 'OK'", None, None],
    ]
    form, result = convert(tmp_path, survey, choices=YES_NO)
    age, tools, why, ok, when = form.items()
    assert (age.id, age.help, age.required) == ("age-years", "In whole years", True)
    assert [(c.rule, c.message) for c in age.constraints] == [(". >= 0 and . < 120", "0-119")]
    assert (tools.required, tools.relevant) == (True, "${age-years} >= 18")
    assert (why.required, why.relevant) == (False, "count-selected(${tools}) > 0")
    assert [(c.rule, c.message) for c in why.constraints] == [
        ("string-length(.) <= 200", "This answer is not allowed.")
    ]
    assert (ok.required, ok.relevant) == (True, "true and string-length(${why}) = 0")
    assert when.relevant == "${ok} = yes"
    assert result.not_converted == []


@pytest.mark.parametrize("value", ["yes", "Yes", "true", "TRUE", "1", 1, True, "true()"])
def test_required_spellings(tmp_path: Path, value: object) -> None:
    form, _ = convert(tmp_path, [[*HEADER, "required"], ["text", "q", "Q", value]])
    assert only_item(form).required is True


def test_an_item_without_a_label_gets_its_name_and_a_note(tmp_path: Path) -> None:
    form, result = convert(tmp_path, [HEADER, ["text", "nickname", None]])
    assert only_item(form).text == "nickname"
    assert result.not_converted == [
        "survey row 2: 'nickname' has no label; its name is used as the text"
    ]


def test_names_become_ids_and_expressions_follow(tmp_path: Path) -> None:
    survey = [
        [*HEADER, "relevant"],
        ["text", "Q1_first.name", "First"],
        ["text", "_1st", "Second", "${Q1_first.name} = 'x'"],
        ["text", "q1-first-name", "Third", "${_1st} != 'y'"],
    ]
    form, result = convert(tmp_path, survey)
    assert [i.id for i in form.items()] == ["q1-first-name", "q-1st", "q1-first-name-2"]
    assert [i.relevant for i in form.items()] == [
        None,
        "${q1-first-name} = 'x'",
        "${q-1st} != 'y'",
    ]
    assert result.not_converted == [
        "survey row 4: 'q1-first-name' becomes 'q1-first-name-2', as 'q1-first-name' is"
        " already used"
    ]


# -- languages --------------------------------------------------------------------------------

BILINGUAL = [
    ["type", "name", "label::English (en)", "label::Français (fr)", "hint::English (en)"],
    ["select_one yn", "q", "Ready?", "Prêt ?", "Say yes or no"],
]
BILINGUAL_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Français (fr)"],
    ["yn", "yes", "Yes", "Oui"],
    ["yn", "no", "No", "Non"],
]


@pytest.mark.parametrize("language", ["Français (fr)", "fr", "FR", "français", " FRANÇAIS  (fr) "])
def test_one_language_is_kept(tmp_path: Path, language: str) -> None:
    form, result = convert(tmp_path, BILINGUAL, choices=BILINGUAL_CHOICES, language=language)
    item = only_item(form)
    assert (item.text, item.help, [c.label for c in item.choices]) == (
        "Prêt ?",
        None,
        ["Oui", "Non"],
    )
    assert form.language == "fr"
    assert result.not_converted == []


@pytest.mark.parametrize("language", ["francais", "de", "English (fr)"])
def test_a_language_not_in_the_form_is_an_error(tmp_path: Path, language: str) -> None:
    with pytest.raises(FormErrors) as caught:
        convert(tmp_path, BILINGUAL, choices=BILINGUAL_CHOICES, language=language)
    assert str(caught.value).endswith(
        f"survey row 1: no labels in {language!r} (languages found: English (en), Français (fr))"
    )


def test_english_keeps_its_hint(tmp_path: Path) -> None:
    form, _ = convert(tmp_path, BILINGUAL, choices=BILINGUAL_CHOICES, language="English")
    item = only_item(form)
    assert (item.text, item.help, item.choices[0].label) == ("Ready?", "Say yes or no", "Yes")


def test_several_languages_and_none_chosen_keeps_the_first_and_says_so(tmp_path: Path) -> None:
    form, result = convert(tmp_path, BILINGUAL, choices=BILINGUAL_CHOICES)
    assert only_item(form).text == "Ready?"
    assert result.not_converted == [
        "the labels are in several languages (English (en), Français (fr)): English (en) is"
        " kept, the others are not converted (choose one with --language)"
    ]


def test_the_plain_label_column_is_the_default_language(tmp_path: Path) -> None:
    survey = [["type", "name", "label::Français (fr)", "label"], ["text", "q", "Nom ?", "Name?"]]
    form, result = convert(tmp_path, survey)
    assert only_item(form).text == "Name?"
    assert result.not_converted[0].startswith(
        "the labels are in several languages (Français (fr), default): default is kept"
    )


def test_settings_default_language_chooses(tmp_path: Path) -> None:
    settings = [["form_id", "default_language"], ["ready", "English (en)"]]
    form, _ = convert(tmp_path, BILINGUAL, choices=BILINGUAL_CHOICES, settings=settings)
    assert only_item(form).text == "Ready?"


def test_plain_choice_labels_serve_any_language(tmp_path: Path) -> None:
    survey = [["type", "name", "label::English (en)"], ["select_one yn", "q", "Ready?"]]
    form, _ = convert(tmp_path, survey, choices=YES_NO)
    item = only_item(form)
    assert (item.text, [c.label for c in item.choices]) == ("Ready?", ["Yes", "No"])
    assert form.language == "en"


def test_plain_label_is_used_without_language_columns(tmp_path: Path) -> None:
    form, _ = convert(tmp_path, [HEADER, ["text", "q", "Plain"]])
    assert only_item(form).text == "Plain"
    assert form.language == "en-GB"
    with pytest.raises(FormErrors, match=r"no labels in 'de' \(languages found: default\)"):
        convert(tmp_path, [HEADER, ["text", "q", "Plain"]], language="de")


# -- settings and output ----------------------------------------------------------------------


def test_settings_give_id_title_and_version(tmp_path: Path) -> None:
    settings = [["form_title", "form_id", "version"], ["Household survey", "HH_Survey", 202401]]
    xlsx = workbook(tmp_path / "any name.xlsx", [HEADER, ["text", "q", "Q"]], settings=settings)
    result = convert_file(xlsx, tmp_path / "hh-survey.yaml", language=None, write=write_shareable)
    loaded = read_form(tmp_path / "hh-survey.yaml")
    form = loaded.definition
    assert (form.id, form.title, form.version) == ("hh-survey", "Household survey", "202401")
    assert (form.kind.value, form.audience.value) == ("interview-guide", "researcher")
    assert result == ConversionResult(1, [], [], tmp_path / "hh-survey.yaml")
    raw = yaml.safe_load(loaded.source)
    assert list(raw) == [
        "id",
        "title",
        "version",
        "kind",
        "audience",
        "description",
        "sections",
    ]


def test_defaults_without_settings_and_a_note_when_the_file_name_differs(tmp_path: Path) -> None:
    xlsx = workbook(tmp_path / "Youth_Voice.xlsx", [HEADER, ["text", "q", "Q"]])
    result = convert_file(xlsx, tmp_path / "other.yaml", language=None, write=write_shareable)
    form = read_form(tmp_path / "other.yaml").definition
    assert (form.id, form.title, form.version) == ("youth-voice", "youth-voice", "1")
    assert result.not_converted == []
    assert result.notes == [
        "the form id is 'youth-voice': `forms check` wants the file named youth-voice.yaml,"
        " not other.yaml (give -o a folder to have it so named)"
    ]


# -- what is not converted --------------------------------------------------------------------


def test_what_cannot_be_converted_is_listed_by_sheet_and_row(tmp_path: Path) -> None:
    survey = [
        [*HEADER, "relevant", "calculation", "default", "choice_filter", "read_only"],
        ["calculate", "total", None, None, "${n} * 2"],
        ["geopoint", "where", "Where are you?"],
        ["integer", "n", "How many?", "${total} > 2", None, "3"],
        ["text", "why", "Why?", "${n} + 1 > 2"],
        ["select_one yn", "f", "Filtered", "regex(${why}, 'x')", None, None, "yes = 1"],
        ["text", "fixed", "Fixed", None, None, None, None, "yes"],
        ["image", "photo", "A photo"],
        ["select_one_from_file places.csv", "place", "Place"],
    ]
    form, result = convert(tmp_path, survey, choices=YES_NO)
    assert [i.id for i in form.items()] == ["n", "why", "f", "fixed"]
    assert all(i.relevant is None for i in form.items())
    assert result.items == 4
    assert result.not_converted == [
        "survey row 2: type 'calculate' has no equivalent; 'total' (calculation '${n} * 2')"
        " is left out",
        "survey row 3: type 'geopoint' has no equivalent; 'where' is left out",
        "survey row 4: relevant '${total} > 2' is dropped: ${total} is a calculate row,"
        " which is not converted",
        "survey row 4: default '3' has no equivalent; ignored",
        "survey row 5: relevant '${n} + 1 > 2' is dropped: unexpected '+' (at character 6)",
        "survey row 6: relevant \"regex(${why}, 'x')\" is dropped: unknown function 'regex'"
        " (known: count-selected, selected, string-length) (at character 1)",
        "survey row 6: choice_filter 'yes = 1' has no equivalent; ignored",
        "survey row 7: read_only 'yes' has no equivalent; ignored",
        "survey row 8: type 'image' has no equivalent; 'photo' is left out",
        "survey row 9: type 'select_one_from_file places.csv' has no equivalent; 'place'"
        " (its choices are in a separate file) is left out",
    ]


def test_stray_rows_are_listed(tmp_path: Path) -> None:
    survey = [HEADER, ["text", "q", "Q"], [None, "orphan", "No type"], [None, None, None]]
    choices = [*YES_NO, [None, "maybe", "Maybe"], ["yn", None, "No name"]]
    form, result = convert(tmp_path, [*survey, ["select_one yn", "c", "C"]], choices=choices)
    assert [c.value for c in form.items()[1].choices] == ["yes", "no"]
    assert result.not_converted == [
        "survey row 3: a row with no type ('orphan') is left out",
        "choices row 4: a choice with no list_name is left out",
        "choices row 5: a choice in list 'yn' has no name; left out",
    ]


def test_a_dropped_group_rule_is_listed_once(tmp_path: Path) -> None:
    survey = [
        [*HEADER, "relevant"],
        ["begin group", "g", "Group", "today() > 0"],
        ["text", "a", "A"],
        ["text", "b", "B"],
        ["end group"],
    ]
    form, result = convert(tmp_path, survey)
    assert [i.relevant for i in form.items()] == [None, None]
    assert result.not_converted == [
        "survey row 2: relevant 'today() > 0' is dropped: unknown function 'today'"
        " (known: count-selected, selected, string-length) (at character 1)"
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("${a_b} = 'x' and not(${n} < 3)", "${a-b} = 'x' and not(${n} < 3)"),
        ("selected(${m}, 'x') or count-selected(${m}) >= 2", None),
        ("${m} = ''", "count-selected(${m}) = 0"),
        ("'' != ${a_b}", "string-length(${a-b}) > 0"),
        ('${n} != ""', "string-length(${n}) > 0"),
        (". = ''", "string-length(.) = 0"),
        ("${ack} != ''", "${ack} = yes"),
        ("${ack} != 'OK'", "${ack} != yes"),
        ("${a_b} = 'OK'", "${a-b} = 'OK'"),
        ("false() or ${n} >= 1.5", "false or ${n} >= 1.5"),
    ],
)
def test_expressions_are_rewritten(source: str, expected: str | None) -> None:
    ids = {"a_b": "a-b", "n": "n", "m": "m", "ack": "ack"}
    types = {"a-b": ItemType.TEXT, "n": ItemType.NUMBER, "m": ItemType.MULTI_CHOICE}
    types["ack"] = ItemType.STATEMENT
    assert translate(source, ids, types, own=ItemType.TEXT) == (expected or source)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("${n} * 2 > 3", "unexpected '*'"),
        ("${gone} = 1", "${gone} is not a question in this form"),
        ("${calc} = 1", "${calc} is a calculate row, which is not converted"),
        ("jr:choice-name(${n}, '${n}')", "unexpected ':'"),
        ("${n} = ", "the expression ends too early"),
    ],
)
def test_untranslatable_expressions_say_why(source: str, reason: str) -> None:
    with pytest.raises(Untranslatable) as caught:
        translate(source, {"n": "n"}, {"n": ItemType.NUMBER}, missing={"calc": "a calculate row"})
    assert str(caught.value).startswith(reason)


# -- errors through the CLI -------------------------------------------------------------------


def _not_a_workbook(path: Path) -> Path:
    path.write_bytes(b"type,name,label\ntext,q,Q\n")
    return path


def _old_xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    return path


def _a_zip_that_is_not_xlsx(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return path


def _sheets(**sheets: Rows) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(list(row))
        book.save(path)
        return path

    return make


ERROR_CASES: list[tuple[str, Callable[[Path], Path], int, str]] = [
    ("not-xlsx", _not_a_workbook, 1, "not an Excel workbook (.xlsx, .xlsm or .xls)\n"),
    ("xls", _old_xls, 1, "not a readable .xls workbook (CompDocError"),
    ("zip", _a_zip_that_is_not_xlsx, 1, "not a readable .xlsx workbook (KeyError"),
    (
        "no-survey",
        _sheets(Sheet1=[HEADER], Sheet2=[HEADER]),
        1,
        "the workbook has no 'survey' sheet",
    ),
    ("no-type", _sheets(survey=[["kind", "name"], ["text", "q"]]), 1, "survey row 1: no 'type'"),
    ("no-name", _sheets(survey=[["type", "label"], ["text", "Q"]]), 1, "survey row 1: no 'name'"),
    (
        "duplicate",
        _sheets(survey=[HEADER, ["text", "q", "Q"], ["integer", "z", "Z"], ["date", "q", "D"]]),
        4,
        "survey row 4: the name 'q' is used twice (first on row 2)",
    ),
    (
        "unknown-list",
        _sheets(
            survey=[HEADER, ["text", "q", "Q"], ["select_one colours", "c", "C"]], choices=YES_NO
        ),
        3,
        "survey row 3: no choice list 'colours' on the choices sheet",
    ),
    (
        "no-choices-sheet",
        _sheets(survey=[HEADER, ["select_multiple yn", "c", "C"]]),
        2,
        "survey row 2: no choice list 'yn' (there is no choices sheet)",
    ),
    (
        "duplicate-choice",
        _sheets(survey=[HEADER, ["select_one yn", "c", "C"]], choices=[*YES_NO, ["yn", "no", "N"]]),
        4,
        "choices row 4: list 'yn' has the choice 'no' twice (first on row 3)",
    ),
    (
        "unended-group",
        _sheets(survey=[HEADER, ["begin group", "g", "G"], ["text", "q", "Q"]]),
        2,
        "survey row 2: begin group 'g' has no matching 'end group'",
    ),
    (
        "stray-end",
        _sheets(survey=[HEADER, ["text", "q", "Q"], ["end repeat"]]),
        3,
        "survey row 3: 'end repeat' without a matching 'begin repeat'",
    ),
    (
        "no-name-in-row",
        _sheets(survey=[HEADER, ["text", None, "Q"]]),
        2,
        "survey row 2: the 'text' row has no name",
    ),
    (
        "placeholder-like-text",
        _sheets(survey=[[*HEADER, "hint"], ["text", "q", "Q", "See {e.g} here"]]),
        2,
        "survey row 2: {e.g} in the text of 'q' would be a placeholder: reword it",
    ),
]


@pytest.mark.parametrize(
    ("make", "line", "message"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_a_broken_workbook_exits_5_with_one_line_and_writes_nothing(
    cli: Cli, tmp_path: Path, make: Callable[[Path], Path], line: int, message: str
) -> None:
    xlsx = make(tmp_path / "form.xlsx")
    out = tmp_path / "out" / "form.yaml"
    out.parent.mkdir()
    result = cli("forms", "import-xlsform", xlsx, "-o", out)
    assert result.code == 5, result.err
    assert result.err.startswith(f"plrdesk: {xlsx}:{line}: {message}")
    assert result.err.count("\n") == 1
    assert result.out == ""
    assert list(out.parent.iterdir()) == []


def test_a_missing_output_folder_fails_before_anything_is_read(cli: Cli, tmp_path: Path) -> None:
    xlsx = workbook(tmp_path / "form.xlsx", [HEADER, ["text", "q", "Q"]])
    result = cli("forms", "import-xlsform", xlsx, "-o", tmp_path / "nowhere" / "form.yaml")
    assert (result.code, result.err) == (
        1,
        f"plrdesk: {tmp_path / 'nowhere'}: no such folder for the output\n",
    )


def test_an_error_leaves_an_existing_output_alone(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "form.yaml"
    out.write_text("id: form\n", encoding="utf-8")
    xlsx = workbook(tmp_path / "form.xlsx", [HEADER, ["text", "q", "Q"], ["text", "q", "Q"]])
    assert cli("forms", "import-xlsform", xlsx, "-o", out).code == 5
    assert out.read_text(encoding="utf-8") == "id: form\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx", "form.yaml"]


def test_cli_happy_path_lists_what_was_not_converted(cli: Cli, tmp_path: Path) -> None:
    survey = [
        [*HEADER, "label::English (en)"],
        ["text", "q", None, "Name?"],
        ["geopoint", "gps", None, "Where?"],
        ["begin repeat", "visit", None, "Visit"],
        ["date", "day", None, "Day?"],
        ["end repeat"],
    ]
    xlsx = workbook(tmp_path / "form.xlsx", survey)
    out = tmp_path / "form.yaml"
    result = cli("forms", "import-xlsform", xlsx, "-o", out, "--language", "en")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "not converted: survey row 3: type 'geopoint' has no equivalent; 'gps' is left out",
        "not converted: survey row 4: begin repeat 'visit' has no equivalent:"
        " its questions are converted to be asked once",
        f"wrote {out}: 2 item(s), 2 not converted",
    ]
    assert cli("forms", "check", out).code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx", "form.yaml"]
