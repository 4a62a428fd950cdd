"""Converting an ODK/KoboToolbox XLSForm (.xlsx) to a form definition (docs/forms.md).

`plrdesk forms import-xlsform FILE.xlsx -o NAME.yaml [--language LANG]` calls
`convert_file`. The workbook's `survey`, `choices` and `settings` sheets are read with
openpyxl (read-only, cached formula values). What cannot be converted is never dropped
silently: `ConversionResult.not_converted` lists it by sheet and row, and the command
prints each line. A broken workbook raises FormErrors (`file:row: sheet row N: ...`, exit
5) and nothing is written.

The form. `kind: interview-guide`, `audience: researcher` (the researcher reads and fills
it in; edit both by hand for a participant-facing form). `id` is settings `form_id`, else
the workbook's file name; `title` is settings `form_title`, else the id; `version` is
settings `version` as text, else "1". Ids are made to fit our pattern: ASCII, lower case,
anything else (underscores, spaces, dots) becomes a hyphen: `hh_size` -> `hh-size`, and
every `${hh_size}` in an expression becomes `${hh-size}`. `forms check` wants the file to
be named `<id>.yaml`; a note says so when the output name differs.

Types. text -> text (long-text with appearance `multiline`); integer, decimal -> number
(a number item takes decimals); select_one L / select_multiple L -> single-choice /
multi-choice with list L of the choices sheet (values kept exactly, so expressions still
match; `or_other` adds an "other" choice, noted); date, time; note -> info;
acknowledge -> statement; range -> scale with min/max from `parameters` start/end
(XLSForm defaults 1 and 10; a step other than 1 is noted; bounds that are not whole
numbers give a number item, noted). Every other type (calculate, geopoint, image, audio,
barcode, start, select_one_from_file, ...) is left out and noted.

Groups. Our sections do not nest, so each run of questions with the same enclosing groups
becomes one section: its id joins the group names outer to inner (`household` >
`members` gives `household-members`), its title is the innermost group's label. Questions
outside any group go in section `main`. A section id already in use gets `-2`, `-3`, ...
(questions after a nested group ends continue in `household-2`). A group's `relevant`
applies to each of its questions: `(group rule) and (question rule)`. A repeat is treated
as a group (its questions asked once) and noted.

Columns. relevant -> relevant; required (yes/true/1, any case) -> required (an expression
there is noted and gives not-required); constraint + constraint_message -> constraints
(message "This answer is not allowed." when there is none); hint -> help; label -> text
(the name, noted, when there is no label). Expressions are rewritten by
`xlsform_expressions.py`; one our parser refuses is noted and dropped from that item.
Noted as ignored when filled in: calculation, choice_filter, default, trigger, read_only.
Other columns (appearance, media, required_message, guidance_hint, ...) only change the
look and are ignored.

Languages. With `label::English (en)` style columns, one language is kept: `language`
matches the text after `label::` ignoring case, in full ("English (en)"), by code ("en")
or by name ("English"); a plain `label` column on the survey sheet is the language
"default". If several languages hold labels and none is chosen, settings
`default_language` decides; failing that it is an error listing the languages. A sheet
without a column in the chosen language (a plain `hint` beside `label::...` columns,
plain choice labels) is read from its plain column. The form's `language` becomes the
code in brackets, if any.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass
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
from plrdesk.forms.xlsform_survey import SurveyConverter
from plrdesk.forms.xlsform_types import Notes, to_id

__all__ = ["ConversionResult", "convert_file"]

DEFAULT_VERSION = "1"


@dataclass(frozen=True)
class ConversionResult:
    items: int
    not_converted: list[str]  # e.g. "survey row 7: type 'geopoint' has no equivalent; ..."


Write = Callable[[Path, bytes], None]


def convert_file(
    xlsx: Path, output: Path, *, language: str | None, write: Write
) -> ConversionResult:
    """Convert the XLSForm `xlsx` and hand the form definition to `write(output, data)`
    (the caller's atomic, guarded write: forms/ does no file I/O of its own).

    Raises FormErrors, and writes nothing, when the workbook cannot be converted."""
    where = str(xlsx)
    if not output.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder for the output", str(output.parent))
    if output.exists() and output.resolve() == xlsx.resolve():
        raise FormErrors([Problem(where, 1, "the output would overwrite the workbook")])
    sheets = read_workbook(xlsx)
    survey = sheets["survey"]
    for column in ("type", "name"):
        if column not in survey.columns:
            message = f"survey row {survey.header_row}: no {column!r} column"
            raise FormErrors([Problem(where, survey.header_row, message)])
    if not survey.rows:
        message = f"survey row {survey.header_row}: the survey sheet has no rows"
        raise FormErrors([Problem(where, survey.header_row, message)])
    notes = Notes()
    settings_sheet = sheets.get("settings")
    settings = settings_sheet.rows[0] if settings_sheet and settings_sheet.rows else Row(2, {})
    chosen = _language(sheets, language, settings.get("default_language"), where)
    sections, items = SurveyConverter(
        survey, sheets.get("choices"), chosen, where, notes
    ).sections()
    form = _form(xlsx, settings, chosen, sections, where)
    if output.stem != form["id"]:
        notes.add(
            f"the form id is {form['id']!r}: `forms check` wants the file named"
            f" {form['id']}.yaml, not {output.name}"
        )
    text = yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=88)
    try:
        parse_form(text, output.name)
    except FormErrors as exc:
        raise FormErrors(
            [
                Problem(where, 1, f"the converted form fails the form checks ({problem})")
                for problem in exc.problems
            ]
        ) from None
    write(output, text.encode("utf-8"))
    return ConversionResult(items, notes.texts())


def _language(sheets: dict[str, Sheet], wanted: str | None, default: str, where: str) -> str:
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
    raise fail(f"the labels are in several languages ({names}): choose one with --language")


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
