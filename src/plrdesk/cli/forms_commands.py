"""Handlers for `plrdesk forms ...`: check, readability, print, import-xlsform.

A form that prints a blank where a study detail belongs (the study has no researcher,
organisation or contact yet) is a warning, never an error: `forms print` still writes the
PDF (blanks to fill in by hand) and exits as it would have, with one warning line naming
the details; `forms check --study FILE` lists them per form among its warnings (exit 0
when nothing else is wrong). See docs/forms.md.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from plrdesk import shipped
from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say, warn
from plrdesk.cli.study_commands import opened
from plrdesk.forms.catalog import FormCatalog, usable_catalog
from plrdesk.forms.loader import LoadedForm, read_form
from plrdesk.forms.problems import FormErrors, Problem, Severity
from plrdesk.forms.schema import FormDefinition

HOW_TO_SET = "Study > Study details… in the app, or `plrdesk import STUDY details.json --merge`"


def _form_files(paths: list[Path]) -> list[Path]:
    if not paths:
        return sorted(shipped.forms_dir().glob("*.yaml"))
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.yaml"))
        elif path.exists():
            files.append(path)
        else:
            raise CliError(Exit.USAGE, f"{path}: no such file or folder")
    return files


def cmd_forms_check(args: argparse.Namespace) -> int:
    files = _form_files(args.paths)
    errors: list[Problem] = []
    catalog = FormCatalog()
    try:
        catalog = FormCatalog.from_files(files)
    except FormErrors as exc:
        errors = exc.problems
    warnings = sorted(w for loaded in catalog.forms.values() for w in loaded.warnings)
    if args.study is not None:
        drift, blanks = _study_problems(args, catalog)
        errors += drift
        warnings += blanks
    for problem in [*errors, *warnings]:
        say(str(problem))
    if errors:
        return Exit.INVALID_INPUT
    say(f"{len(files)} form file(s) checked: no errors, {len(warnings)} warning(s)")
    return Exit.OK


def _study_problems(
    args: argparse.Namespace, catalog: FormCatalog
) -> tuple[list[Problem], list[Problem]]:
    """Against the study: wording changed without a new version (errors), and the study
    details each form would print as blanks (warnings)."""
    from plrdesk.services.study_details import missing_for_form, study_details
    from plrdesk.services.study_forms import drifted

    args.file = args.study
    with opened(args) as study, study.transaction() as db:
        drifts = drifted(db, catalog)
        details = study_details(db)
    blanks = []
    for _key, loaded in sorted(catalog.forms.items()):
        missing = missing_for_form(details, loaded.definition)
        if missing:
            message = blank_details(loaded.definition, missing, args.study.name)
            line = loaded.lines.line(("id",))
            blanks.append(Problem(loaded.path, line, message, Severity.WARNING))
    problems = []
    for drift in drifts:
        loaded = catalog.forms[(drift.form_id, drift.version)]
        problems.append(
            Problem(
                drift.path,
                loaded.lines.line(("version",)),
                f"the wording of {drift.form_id!r} changed but its version is still"
                f" {drift.version!r}; {args.study} holds consents on the old wording:"
                " raise the version",
            )
        )
    return problems, blanks


def blank_details(form: FormDefinition, missing: list[str], study_name: str) -> str:
    """The warning for a form printed with blanks: which details, and how to set them."""
    return (
        f"{form.id} prints a blank for the study's {', '.join(missing)}"
        f" ({study_name} has none yet; set them with {HOW_TO_SET})"
    )


def usable_forms() -> FormCatalog:
    """The forms folder without its broken files, each named on a warning line.

    A file someone dropped into the folder must not stop the researcher printing or
    reading the forms that are fine; `forms check` still fails on it.
    """
    catalog = usable_catalog(shipped.forms_dir())
    for problems in catalog.left_out().values():
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        warn(f"warning: {problems[0]}{more}; the file was left out")
    return catalog


def find_form(reference: str, catalog: FormCatalog | None = None) -> LoadedForm:
    """A form by path (`forms/x.yaml`) or by id (its newest version in forms/)."""
    path = Path(reference)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return read_form(path)
    if catalog is None:
        catalog = usable_forms()
    loaded = catalog.loaded(reference)
    if loaded is None:
        broken = [p for p in catalog.skipped if Path(p.file).stem == reference]
        if broken:  # the form asked for is the broken one: its own problems, exit 5
            raise FormErrors(broken)
        raise CliError(Exit.USAGE, f"no form {reference!r} in {shipped.forms_dir()}")
    return loaded


def cmd_forms_readability(args: argparse.Namespace) -> int:
    from plrdesk.forms.plain_language import MAX_GRADE, readings

    loaded = find_form(args.form)
    form = loaded.definition
    limit = MAX_GRADE[form.reader]
    say(f"{form.id} v{form.version}: {form.reader.value} reader, grade limit {limit:.0f}")
    worst = 0.0
    for reading in readings(form):
        flag = " !" if reading.grade > limit else ""
        jargon = f"  jargon: {', '.join(reading.jargon)}" if reading.jargon else ""
        say(f"  {reading.item_id:<28} grade {reading.grade:5.1f}{flag}{jargon}")
        worst = max(worst, reading.grade)
    say(f"highest grade {worst:.1f}")
    return Exit.OK


def cmd_forms_print(args: argparse.Namespace) -> int:
    from plrdesk.printing.form_pdf import print_form
    from plrdesk.services.study_details import missing_for_form, study_details

    catalog = usable_forms()
    loaded = find_form(args.form, catalog)
    args.file = args.study
    with opened(args) as study, study.transaction() as db:
        pages = print_form(
            db,
            loaded,
            args.output,
            large_print=args.large_print,
            participant_ref=args.participant,
            shipped=catalog,
        )
        missing = missing_for_form(study_details(db), loaded.definition)
    say(f"wrote {args.output} ({pages} page{'s' if pages != 1 else ''})")
    if missing:
        warn(f"warning: {blank_details(loaded.definition, missing, args.study.name)}")
    return Exit.OK


def cmd_forms_import_xlsform(args: argparse.Namespace) -> int:
    from plrdesk.forms.xlsform import convert_file

    output = Path(args.output)
    # `-o forms/` means a folder, even one that does not exist yet (a Path drops the slash,
    # so this needs the parser to pass the text; see docs/forms.md).
    if str(args.output).endswith(("/", os.sep)) and not output.is_dir():
        raise CliError(Exit.FAILURE, f"{output}: no such folder for the output")
    try:
        result = convert_file(args.xlsx, output, language=args.language, write=_write_shareable)
    except FormErrors as exc:
        for problem in exc.problems:  # every problem, each on its own line
            warn(str(problem))
        return Exit.INVALID_INPUT
    for line in result.not_converted:
        say(f"not converted: {line}")
    for line in result.notes:  # advice, not a loss: the file name, markdown made plain
        say(f"note: {line}")
    written = result.output or output
    say(f"wrote {written}: {result.items} item(s), {len(result.not_converted)} not converted")
    return Exit.OK


def _write_shareable(path: Path, data: bytes) -> None:
    """A converted form holds no participant data: the user's umask applies."""
    from plrdesk.storage.files import write_atomically

    write_atomically(path, data, private=False)
