"""All the forms a study can use: the shipped files in forms/ plus the versions the study
stored when it first used them. Looked up by id and version."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from plrdesk.forms.loader import LoadedForm, parse_form, read_form
from plrdesk.forms.problems import FormErrors, Problem
from plrdesk.forms.schema import GUIDE_KINDS, FormDefinition, ItemType


def version_key(version: str) -> tuple[int, ...] | tuple[float, str]:
    """Order versions numerically where they are numbers ("10" after "9")."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (float("inf"), version)


@dataclass
class FormCatalog:
    forms: dict[tuple[str, str], LoadedForm] = field(default_factory=dict)
    skipped: list[Problem] = field(default_factory=list)
    """Problems of the files left out (`leave_out_broken`), sorted; empty otherwise."""

    @classmethod
    def from_files(
        cls, paths: Iterable[Path], *, review_language: bool = True, leave_out_broken: bool = False
    ) -> FormCatalog:
        """Load every file; raise FormErrors with all problems across all files.

        With `leave_out_broken`, keep the files that load instead, and put the problems of
        those that do not in `skipped`.
        """
        catalog = cls()
        for path in paths:
            try:
                loaded = read_form(path, review_language=review_language)
            except FormErrors as exc:
                catalog.skipped += exc.problems
                continue
            catalog.skipped += catalog._add(loaded, path)
        catalog.skipped.sort()
        if catalog.skipped and not leave_out_broken:
            raise FormErrors(catalog.skipped)
        return catalog

    def left_out(self) -> dict[str, list[Problem]]:
        """The files left out (see `skipped`), each with its problems, in file order."""
        files: dict[str, list[Problem]] = {}
        for problem in self.skipped:
            files.setdefault(problem.file, []).append(problem)
        return files

    def _add(self, loaded: LoadedForm, path: Path | None) -> list[Problem]:
        form = loaded.definition
        key = (form.id, form.version)
        if path is not None and path.stem != form.id:
            return [
                Problem(
                    loaded.path,
                    loaded.lines.line(("id",)),
                    f"the file for form {form.id!r} must be named {form.id}.yaml",
                )
            ]
        if key in self.forms:
            other = self.forms[key].path
            return [
                Problem(
                    loaded.path,
                    loaded.lines.line(("version",)),
                    f"form {form.id!r} version {form.version!r} is also defined in {other}",
                )
            ]
        self.forms[key] = loaded
        return []

    def add_stored(self, form_id: str, version: str, source: str) -> None:
        """A version the study stored; forms/ wins where both have the same id and version."""
        if (form_id, version) not in self.forms:
            self.forms[(form_id, version)] = parse_form(
                source, f"(stored in study) {form_id}", review_language=False
            )

    def get(self, form_id: str, version: str | None = None) -> FormDefinition | None:
        loaded = self.loaded(form_id, version)
        return loaded.definition if loaded else None

    def loaded(self, form_id: str, version: str | None = None) -> LoadedForm | None:
        if version is not None:
            return self.forms.get((form_id, version))
        versions = [v for (fid, v) in self.forms if fid == form_id]
        if not versions:
            return None
        return self.forms[(form_id, max(versions, key=version_key))]

    def ids(self) -> set[str]:
        return {form_id for form_id, _ in self.forms}

    # The interchange checks ask these two questions (plrdesk.interchange.references.FormLookup).

    def guide_questions(self, form_id: str) -> set[str] | None:
        """Question ids of a guide (all its versions), or None when no such guide exists.

        Info items (the researcher's reminders) are not questions: nothing is filed under them.
        """
        questions: set[str] | None = None
        for (fid, _), loaded in self.forms.items():
            if fid == form_id and loaded.definition.kind in GUIDE_KINDS:
                asked = {i.id for i in loaded.definition.items() if i.type != ItemType.INFO}
                questions = (questions or set()) | asked
        return questions

    def form_items(self, form_id: str, version: str) -> set[str] | None:
        form = self.get(form_id, version)
        return None if form is None else {item.id for item in form.items()}

    def versions(self, form_id: str) -> list[str]:
        return sorted((v for fid, v in self.forms if fid == form_id), key=version_key)


def shipped_catalog(folder: Path, *, review_language: bool = False) -> FormCatalog:
    """The forms in `folder` for use (no plain-language review unless asked).

    Strict: one broken file raises FormErrors. Commands that put data into a study
    (import, demo) or read every form (export) stop there, naming the file.
    """
    return FormCatalog.from_files(sorted(folder.glob("*.yaml")), review_language=review_language)


def usable_catalog(folder: Path) -> FormCatalog:
    """The forms in `folder` that load, leaving out each broken file (listed in `skipped`).

    For the app and for printing or reading one form: a file someone dropped into the
    folder must not stop the researcher using the forms that are fine. The caller says
    which files were left out.
    """
    files = sorted(folder.glob("*.yaml"))
    return FormCatalog.from_files(files, review_language=False, leave_out_broken=True)
