"""Converting an ODK/KoboToolbox XLSForm (.xlsx, .xlsm, .xls) to a form definition
(docs/forms.md).

`plrdesk forms import-xlsform FILE -o NAME.yaml|FOLDER [--language LANG]` calls
`convert_file`. The workbook is read by `xlsform_books.py` and `xlsform_sheets.py` the way
pyxform reads it (its source is the reference for what a valid XLSForm is). What cannot
be converted is never dropped silently: `ConversionResult.not_converted` lists it by
sheet and row, and the command prints each line; `notes` is advice (the file name,
markdown made plain), printed as `note:` lines. A workbook that cannot be converted as a
whole raises FormErrors (`file:row: sheet row N: ...`, exit 5) and nothing is written; so
does one with no question that converts.

The form. `kind: interview-guide`, `audience: researcher` (the researcher reads and fills
it in; edit both by hand for a participant-facing form). `id` is settings `form_id`, else
the workbook's file name; `title` is settings `form_title`, else the id; `version` is
settings `version` as text, else "1". Ids are made to fit our pattern: ASCII, lower case,
anything else (underscores, spaces, dots) becomes a hyphen: `hh_size` -> `hh-size`, and
every `${hh_size}` in an expression becomes `${hh-size}`. `forms check` wants the file to
be named `<id>.yaml`: `-o FOLDER` writes `FOLDER/<id>.yaml`; a note says so when a named
output differs.

Types. text -> text (long-text with appearance `multiline`); integer, decimal -> number
(a number item takes decimals); select_one L / select_multiple L (and the old spellings
`select one from L`, `select all that apply from L`, ...) -> single-choice / multi-choice
with list L of the choices sheet (values kept exactly, so expressions still match;
`or_other` adds an "other" choice to the list, as pyxform does, noted); date, time;
note -> info; acknowledge -> statement; range -> scale with min/max from `parameters`
start/end (XLSForm defaults 1 and 10; a step other than 1 is noted; bounds that are not
whole numbers give a number item, noted). pyxform's older type names (`q int`,
`phone number`, `add note prompt`, ...) convert as the types they name. Every other type
(calculate, geopoint, image, audio, barcode, start, select_one_from_file, rank, ...) is
left out and noted. A note with no name is `generated_note_name_<row>`, as in pyxform.

Groups. Our sections do not nest, so each run of questions with the same enclosing groups
becomes one section: its id joins the group names outer to inner (`household` >
`members` gives `household-members`), its title is the innermost group's label. Questions
outside any group go in section `main`. A section id already in use gets `-2`, `-3`, ...
(questions after a nested group ends continue in `household-2`). A group's `relevant`
applies to each of its questions: `(group rule) and (question rule)`. A repeat is treated
as a group (its questions asked once) and noted. A loop is written out as groups, one per
choice (`xlsform_loops.py`). Names must differ within a group; a name used in two groups
converts (the second id gets `-2`) but a `${name}` reference to it is dropped and noted.

Columns. relevant -> relevant; required (yes/true/1, any case) -> required (an expression
there is noted and gives not-required); constraint + constraint_message -> constraints
(message "This answer is not allowed." when there is none); hint -> help; label -> text
(the name, noted, when there is no label). Markdown and HTML marks in texts become plain
text (`xlsform_text.py`), with one note naming the rows. Expressions are rewritten by
`xlsform_expressions.py`; one our parser refuses is noted and dropped from that item.
Noted as ignored when filled in: calculation, choice_filter, default, trigger, read_only.
A row with `disabled` yes is left out, noted. Other columns (appearance, media,
required_message, guidance_hint, ...) only change the look and are ignored. A choice
name used twice in a list is an error unless settings `allow_choice_duplicates` is yes
(cascading selects): then it is listed once, noted.

Languages. With `label::English (en)` style columns, one language is kept: `language`
matches the text after `label::` ignoring case, in full ("English (en)"), by code ("en")
or by name ("English"); a plain `label` column on the survey sheet is the language
"default". If several languages hold labels and none is chosen, settings
`default_language` decides; failing that the plain `label` column, else the first
language, is kept and a line lists the languages not converted. A sheet without a column
in the chosen language (a plain `hint` beside `label::...` columns, plain choice labels)
is read from its plain column. The form's `language` becomes the code in brackets, if any.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from plrdesk.forms.loader import parse_form
from plrdesk.forms.problems import FormErrors, Problem
from plrdesk.forms.xlsform_sheets import (
    Row,
    Sheet,
    display,
    label_languages,
    language_code,
    matches,
    read_workbook,
)
from plrdesk.forms.xlsform_survey import YES, SurveyConverter
from plrdesk.forms.xlsform_types import Notes, to_id

__all__ = ["ConversionResult", "convert_file"]

DEFAULT_VERSION = "1"


@dataclass(frozen=True)
class ConversionResult:
    items: int
    not_converted: list[str]  # e.g. "survey row 7: type 'geopoint' has no equivalent; ..."
    notes: list[str] = field(default_factory=list)  # advice: the file name, markdown taken out
    output: Path | None = None  # the file written (named after the form when given a folder)


Write = Callable[[Path, bytes], None]


def convert_file(
    xlsx: Path, output: Path, *, language: str | None, write: Write
) -> ConversionResult:
    """Convert the XLSForm `xlsx` and hand the form definition to `write(path, data)`
    (the caller's atomic, guarded write: forms/ does no file I/O of its own). `output` is
    the file to write, or a folder to write `<form id>.yaml` in.

    Raises FormErrors, and writes nothing, when the workbook cannot be converted."""
    where = str(xlsx)
    folder = output.is_dir()
    if not folder and not output.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder for the output", str(output.parent))
    sheets = read_workbook(xlsx)
    survey = sheets["survey"]
    for column in ("type", "name"):
        if column not in survey.columns:
            message = f"survey row {survey.header_row}: no {column!r} column"
            raise FormErrors([Problem(where, survey.header_row, message)])
    if not survey.rows:
        message = f"survey row {survey.header_row}: the survey sheet has no rows"
        raise FormErrors([Problem(where, survey.header_row, message)])
    notes, advice = Notes(), Notes()
    settings_sheet = sheets.get("settings")
    settings = settings_sheet.rows[0] if settings_sheet and settings_sheet.rows else Row(2, {})
    chosen = _language(sheets, language, settings.get("default_language"), where, notes)
    converter = SurveyConverter(
        survey,
        sheets.get("choices"),
        chosen,
        where,
        notes,
        allow_duplicate_choices=settings.get("allow_choice_duplicates").lower() in YES,
    )
    sections, items = converter.sections()
    if items == 0:
        message = (
            f"survey row {survey.header_row}: no question converts to a form item"
            f" ({len(notes.texts())} row(s) not converted: see docs/forms.md)"
        )
        raise FormErrors([Problem(where, survey.header_row, message)])
    if converter.marked:
        advice.add(
            "markdown and HTML marks (emphasis, headings, links) were taken out of the text"
            f" on {_rows(converter.marked)}: the words are kept as plain text"
        )
    form = _form(xlsx, settings, chosen, sections, where)
    target = output / f"{form['id']}.yaml" if folder else output
    if target.exists() and target.resolve() == xlsx.resolve():
        raise FormErrors([Problem(where, 1, "the output would overwrite the workbook")])
    if target.stem != form["id"]:
        advice.add(
            f"the form id is {form['id']!r}: `forms check` wants the file named"
            f" {form['id']}.yaml, not {target.name} (give -o a folder to have it so named)"
        )
    text = yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=88)
    try:
        parse_form(text, target.name)
    except FormErrors as exc:
        raise FormErrors(
            [
                Problem(where, 1, f"the converted form fails the form checks ({problem})")
                for problem in exc.problems
            ]
        ) from None
    write(target, text.encode("utf-8"))
    return ConversionResult(items, notes.texts(), advice.texts(), target)


def _rows(places: list[str]) -> str:
    """ "survey row 3", "survey row 5", "choices row 2" as "survey rows 3, 5; choices row 2"."""
    by_sheet: dict[str, list[int]] = {}
    for place in places:
        sheet, _, number = place.partition(" row ")
        by_sheet.setdefault(sheet, []).append(int(number))
    order = ("settings", "survey", "choices")
    return "; ".join(
        f"{sheet} row{'s' if len(numbers) > 1 else ''} {', '.join(map(str, sorted(numbers)))}"
        for sheet, numbers in sorted(by_sheet.items(), key=lambda entry: order.index(entry[0]))
    )


def _language(
    sheets: dict[str, Sheet], wanted: str | None, default: str, where: str, notes: Notes
) -> str:
    """The label language to keep ("" for the plain `label` column)."""
    survey = sheets["survey"]
    found = label_languages(survey)
    if choices := sheets.get("choices"):  # a plain choice label is read in any language
        found += [name for name in label_languages(choices) if name and name not in found]
    names = ", ".join(display(language) for language in found) or "none"
    line = survey.header_row

    def fail(message: str) -> FormErrors:
        return FormErrors([Problem(where, line, f"survey row {line}: {message}")])

    if wanted is not None:
        chosen = [language for language in found if matches(wanted, language)]
        if len(chosen) == 1:
            return chosen[0]
        if not chosen:
            raise fail(f"no labels in {wanted!r} (languages found: {names})")
        raise fail(f"{wanted!r} matches several languages ({names}): give it in full")
    if len(found) <= 1:
        return found[0] if found else ""
    chosen = [language for language in found if default and matches(default, language)]
    if len(chosen) == 1:
        return chosen[0]
    # As ODK does without a default language: the plain `label` column, else the first.
    kept = "" if "" in found else found[0]
    notes.add(
        f"the labels are in several languages ({names}): {display(kept)} is kept, the others"
        " are not converted (choose one with --language)"
    )
    return kept


def _form(
    xlsx: Path, settings: Row, language: str, sections: list[Any], where: str
) -> dict[str, Any]:
    """The form as plain data for YAML; `settings` is the settings sheet's row of values."""
    row = settings.number
    form_id = to_id(settings.get("form_id") or xlsx.stem, "form", "imported-form")
    version = settings.get("version") or DEFAULT_VERSION
    if len(version) > 40:
        message = f"settings row {row}: the version {version!r} is longer than 40 characters"
        raise FormErrors([Problem(where, row, message)])
    form: dict[str, Any] = {
        "id": form_id,
        "title": settings.get("form_title") or form_id,
        "version": version,
        "kind": "interview-guide",
        "audience": "researcher",
    }
    if code := language_code(language):
        form["language"] = code
    form["description"] = (
        f"Converted from the XLSForm {xlsx.name}: check the wording and logic before use."
    )
    form["sections"] = sections
    return form
