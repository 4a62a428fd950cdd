"""The XLSForm corpus of `test_xlsform_corpus.py`: workbooks as data, with the constructs
forms in the field use, and a writer for .xlsx (openpyxl), .xlsm and old .xls (xlwt).

Holds no tests; named test_* so that it sits with the tests it serves."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

Rows = list[list[Any]]
TYPE = ["type", "name", "label"]
YN = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]
FRUIT = [["fruit", "apple", "Apple"], ["fruit", "pear", "Pear"], ["fruit", "kiwi", "Kiwi"]]
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class Form:
    name: str
    sheets: dict[str, Rows]
    kept: str = "default"  # the language our converter keeps, as pyxform names it
    formats: tuple[str, ...] = ("xlsx", "xls")
    notes: list[str] = field(default_factory=list)  # what the form is there to show


def save(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook at `path`, its format from the suffix (.xlsx, .xlsm, .xls)."""
    if path.suffix == ".xls":
        import xlwt  # type: ignore[import-untyped]

        book = xlwt.Workbook(encoding="utf-8")
        for name, rows in sheets.items():
            sheet = book.add_sheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write(r, c, value)
        book.save(str(path))
        return path
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    if path.suffix == ".xlsm":  # a macro-enabled workbook (with no macro in it)
        _macro_enabled(path)
    return path


def _macro_enabled(path: Path) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(PLAIN_TYPE, MACRO_TYPE).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


CHILD_CHOICES = [*YN, *FRUIT]
HOUSEHOLD = Form(
    "household",
    {
        "survey": [
            [
                *TYPE,
                "hint",
                "required",
                "relevant",
                "constraint",
                "constraint_message",
                "calculation",
                "appearance",
                "repeat_count",
                "choice_filter",
            ],
            ["start", "start"],
            ["end", "end"],
            ["today", "today"],
            ["deviceid", "deviceid"],
            ["note", None, "**Welcome.** Read the _consent_ text aloud."],
            ["acknowledge", "consent", "I have read the consent text", None, True],
            ["begin group", "hh", "Household", None, None, "${consent} = 'OK'"],
            [
                "integer",
                "hh_size",
                "How many people live here?",
                "Count everyone",
                "yes",
                None,
                ". > 0 and . < 30",
                "Between 1 and 29",
            ],
            ["calculate", "adults_expected", None, None, None, None, None, None, "${hh_size} - 1"],
            [
                "begin repeat",
                "member",
                "Member",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "${hh_size}",
            ],
            ["text", "m_name", "Name of the member"],
            ["integer", "m_age", "Age of ${m_name}", None, "yes"],
            ["select_one yn", "m_school", "In school?", None, None, "${m_age} < 19"],
            ["end repeat"],
            [
                "select_multiple fruit",
                "fruit_eaten",
                "Fruit eaten this week",
                "Choose all",
                None,
                None,
                None,
                None,
                None,
                "minimal",
            ],
            ["end group"],
            ["begin group", "close", "Closing", None, None, None, None, None, None, "field-list"],
            [
                "text",
                "comments",
                "Anything else?",
                None,
                None,
                None,
                "string-length(.) < 500",
                None,
                None,
                "multiline",
            ],
            ["geopoint", "where", "Location"],
            ["end group"],
        ],
        "choices": CHILD_CHOICES,
        "settings": [["form_title", "form_id", "version"], ["Household", "hh_2024", 202401]],
    },
)

FORMS: list[Form] = [
    HOUSEHOLD,
    Form(
        "all-types",
        {
            "survey": [
                [*TYPE, "parameters", "appearance", "hint"],
                ["text", "t", "Text"],
                ["text", "long", "Long text", None, "multiline"],
                ["integer", "i", "Integer"],
                ["decimal", "d", "Decimal"],
                ["date", "dt", "Date"],
                ["time", "tm", "Time"],
                ["note", "n", "A note"],
                ["acknowledge", "ack", "Acknowledge"],
                ["range", "r", "Range", "start=0 end=10 step=1"],
                ["select_one yn", "s1", "One", None, "likert"],
                ["select_multiple fruit", "sm", "Many", None, None, "Tick all"],
            ],
            "choices": CHILD_CHOICES,
        },
    ),
    Form(
        "unnamed-notes",
        {
            "survey": [
                TYPE,
                ["note", None, "Before the group"],
                ["begin group", "g", "Group"],
                ["note", None, "Inside the group"],
                ["text", "q", "A question"],
                ["end group"],
            ]
        },
        notes=["a note row with no name is named generated_note_name_ROW, as pyxform does"],
    ),
    Form("lone-sheet", {"Sheet1": [TYPE, ["text", "q", "Only sheet, not named survey"]]}),
    Form(
        "loop",
        {
            "survey": [
                TYPE,
                ["select_multiple toilet", "has", "Which toilets are there?"],
                ["begin loop over toilet", "per_toilet", "Each kind"],
                ["integer", "number", "How many %(label)s?"],
                ["text", "state", "State of the %(label)s (%(name)s)"],
                ["end loop"],
            ],
            "choices": [
                ["list_name", "name", "label"],
                ["toilet", "pit", "pit latrine"],
                ["toilet", "flush", "flush toilet"],
                ["toilet", "none", "None of these"],
            ],
        },
        notes=["`end loop` has no name; a choice named none is not looped over"],
    ),
    Form(
        "cascade",
        {
            "survey": [
                [*TYPE, "choice_filter"],
                ["select_one state", "state", "State"],
                ["select_one city", "city", "City", "state=${state}"],
            ],
            "choices": [
                ["list_name", "name", "label", "state"],
                ["state", "north", "North"],
                ["state", "south", "South"],
                ["city", "springfield", "Springfield", "north"],
                ["city", "riverton", "Riverton", "north"],
                ["city", "springfield", "Springfield", "south"],
            ],
            "settings": [["allow_choice_duplicates"], ["yes"]],
        },
        notes=["a city name reused in another state's branch"],
    ),
    Form(
        "old-spellings",
        {
            "survey": [
                TYPE,
                ["select one from yn", "a", "Old single"],
                ["select all that apply from fruit", "b", "Old multiple"],
                ["select one yn", "c", "Spaced single"],
                ["select all that apply fruit", "d", "Spaced multiple"],
                ["select_one yn or specify other", "e", "With other"],
            ],
            "choices": CHILD_CHOICES,
        },
    ),
    Form(
        "markdown",
        {
            "survey": [
                [*TYPE, "hint"],
                ["note", "intro", "# Welcome\nThis is **important** and *urgent*."],
                ["text", "q", "See [the guide](https://example.org/guide) first", "_Be brief_"],
                ["note", "red", '<span style="color:red">Stop</span> if unsure'],
                ["select_one yn", "s", "Is hh_size *right*?"],
            ],
            "choices": [
                ["list_name", "name", "label"],
                ["yn", "yes", "**Yes**"],
                ["yn", "no", "No"],
            ],
        },
    ),
    Form(
        "nested-groups",
        {
            "survey": [
                [*TYPE, "relevant"],
                ["text", "top", "Top"],
                ["begin_group", "outer", "Outer", "${top} != ''"],
                ["integer", "size", "Size"],
                ["begin group", "inner", "Inner", "${size} > 1"],
                ["text", "deep", "Deep"],
                ["end_group"],
                ["text", "after", "After inner"],
                ["end group"],
                ["begin repeat", "visits", None],
                ["date", "visit_day", "Day of the visit"],
                ["end repeat"],
            ]
        },
    ),
    Form(
        "languages-default",
        {
            "survey": [
                [
                    "type",
                    "name",
                    "label::English (en)",
                    "label::Français (fr)",
                    "hint::English (en)",
                    "hint::Français (fr)",
                ],
                ["select_one yn", "ready", "Ready?", "Prêt ?", "Say yes or no", "Oui ou non"],
                ["text", "why", "Why?", "Pourquoi ?"],
            ],
            "choices": [
                ["list_name", "name", "label::English (en)", "label::Français (fr)"],
                ["yn", "yes", "Yes", "Oui"],
                ["yn", "no", "No", "Non"],
            ],
            "settings": [["default_language"], ["Français (fr)"]],
        },
        kept="Français (fr)",
    ),
    Form(
        "languages-none-chosen",
        {
            "survey": [
                ["type", "name", "label::English (en)", "label::Kiswahili (sw)"],
                ["text", "name", "Your name?", "Jina lako?"],
                ["integer", "age", "Your age?", "Umri wako?"],
            ]
        },
        kept="English (en)",
    ),
    Form(
        "calculations",
        {
            "survey": [
                [*TYPE, "calculation", "relevant", "default", "read_only"],
                ["integer", "a", "A"],
                ["calculate", "double", None, "${a} * 2"],
                ["text", "shown", "Shown when double > 4", None, "${double} > 4"],
                ["note", "echo", "You said ${a}"],
                ["text", "fixed", "Fixed", None, None, "x", "yes"],
                ["hidden", "h"],
            ]
        },
    ),
    Form(
        "metadata",
        {
            "survey": [
                TYPE,
                ["start", "start"],
                ["end", "end"],
                ["username", "username"],
                ["audit", None],
                ["text", "q", "The one question"],
            ]
        },
    ),
    Form(
        "no-question-converts",
        {
            "survey": [
                [*TYPE, "calculation"],
                ["geopoint", "where", "Where?"],
                ["image", "photo", "Photo"],
                ["calculate", "c", None, "1 + 1"],
            ]
        },
        notes=["refused: there is nothing to convert"],
    ),
    Form(
        "comment-rows",
        {
            "survey": [
                [*TYPE, "comment", "disabled"],
                ["text", "a", "A"],
                [],
                [None, None, None, "a researcher's comment"],
                ["text", "b", "B", None, "yes"],
                *[[] for _ in range(5)],
                ["text", "c", "C"],
            ]
        },
    ),
    Form(
        "same-name-in-two-groups",
        {
            "survey": [
                TYPE,
                ["begin group", "mother", "Mother"],
                ["integer", "age", "Mother's age"],
                ["end group"],
                ["begin group", "father", "Father"],
                ["integer", "age", "Father's age"],
                ["end group"],
            ]
        },
    ),
    Form(
        "header-spellings",
        {
            "survey": [
                [
                    "Type",
                    "Name",
                    "label:English",
                    "hint:English",
                    "constraint message",
                    "constraint",
                ],
                ["integer", "n", "Number", "A hint", "Too big", ". < 10"],
                ["select_one yn", "s", "Yes or no?"],
            ],
            "choices": [
                ["list name", "name", "label:English"],
                ["yn", "yes", "Yes"],
                ["yn", "no", "No"],
            ],
        },
        kept="English",
    ),
    Form(
        "unsupported-types",
        {
            "survey": [
                TYPE,
                ["text", "q", "Kept"],
                ["barcode", "code", "Scan"],
                ["select_one_from_file places.csv", "place", "Place"],
                ["rank fruit", "ranked", "Rank them"],
                ["audio", "voice", "Record"],
            ],
            "choices": CHILD_CHOICES,
        },
    ),
    Form(
        "numbers-as-choices",
        {
            "survey": [
                [*TYPE, "required"],
                ["select_one score", "s", "Score", True],
                ["select_multiple score", "m", "Scores", "TRUE"],
            ],
            "choices": [
                ["list_name", "name", "label"],
                ["score", 1, 1],
                ["score", 2, 2],
                ["score", 3, "Three"],
            ],
        },
    ),
    Form(
        "capital-sheets",
        {
            "Survey": [TYPE, ["select_one yn", "q", "Q"]],
            "Choices": YN,
            "Settings": [["form_id", "form_title"], ["Capital Sheets", "Capitals"]],
        },
    ),
    Form(
        "expressions",
        {
            "survey": [
                [*TYPE, "relevant", "required", "constraint"],
                ["select_multiple fruit", "f", "Fruit"],
                ["text", "why_apple", "Why apple?", "selected(${f}, 'apple')"],
                ["text", "why_none", "Why none?", "count-selected(${f}) = 0", "${f} = ''"],
                ["text", "code", "Code", None, None, "regex(., '^[A-Z]{3}$')"],
                ["integer", "n", "N", "not(${why_apple} = '')"],
            ],
            "choices": CHILD_CHOICES,
        },
    ),
]
# Workbooks pyxform refuses: not counted, whatever our converter makes of them.
REFUSED_BY_PYXFORM: list[Form] = [
    Form(
        "group-without-name",
        {"survey": [TYPE, ["begin group", None, "G"], ["text", "q", "Q"], ["end group"]]},
    ),
    Form("same-name-twice", {"survey": [TYPE, ["text", "q", "Q"], ["text", "q", "Again"]]}),
    Form("unended-group", {"survey": [TYPE, ["begin group", "g", "G"], ["text", "q", "Q"]]}),
]
