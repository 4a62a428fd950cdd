"""The survey and choices sheets of an XLSForm as sections and items (see `xlsform.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from plrdesk.forms import placeholders
from plrdesk.forms.problems import FormErrors, Problem
from plrdesk.forms.schema import ItemType
from plrdesk.forms.xlsform_choices import ChoiceLists
from plrdesk.forms.xlsform_expressions import Untranslatable, translate
from plrdesk.forms.xlsform_loops import expand_loops
from plrdesk.forms.xlsform_sheets import Row, Sheet, display
from plrdesk.forms.xlsform_text import plain
from plrdesk.forms.xlsform_types import Kind, Notes, kind_of, to_id, unique

YES = {"yes", "true", "true()", "1"}
_NO = {"no", "false", "false()", "0", ""}
# Columns whose value changes what a question does, and which have no equivalent here.
_DROPPED_COLUMNS = ("calculation", "choice_filter", "default", "trigger")
DEFAULT_MESSAGE = "This answer is not allowed."


@dataclass(frozen=True)
class _Group:
    what: str  # group | repeat
    row: Row
    id: str
    title: str | None


@dataclass
class _Question:
    row: Row
    name: str
    kind: Kind
    groups: tuple[_Group, ...]
    id: str = ""
    type: ItemType = ItemType.TEXT


@dataclass
class _Segment:
    """Consecutive questions with the same enclosing groups: one section."""

    groups: tuple[_Group, ...]
    questions: list[_Question] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)


class SurveyConverter:
    def __init__(
        self,
        survey: Sheet,
        choices: Sheet | None,
        language: str,
        where: str,
        notes: Notes,
        *,
        allow_duplicate_choices: bool = False,
    ) -> None:
        self.survey = survey
        self.language = language
        self.where = where
        self.notes = notes
        self.errors: list[Problem] = []
        self.marked: list[str] = []  # "survey row 3", ...: texts whose markdown was taken out
        self.lists = ChoiceLists(
            choices, notes, self.error, self.text, allow_duplicates=allow_duplicate_choices
        )
        self.missing: dict[str, str] = {}  # XLSForm names that are not items -> what they are
        self.seen: set[str] = set()
        self.ambiguous: set[str] = set()  # names of several rows: a reference cannot say which
        self.ids: dict[str, str] = {}
        self.types: dict[str, ItemType] = {}
        self.group_relevant: dict[int, str | None] = {}

    # -- errors and notes --------------------------------------------------------------------

    def error(self, sheet: str, row: int, message: str) -> None:
        self.errors.append(Problem(self.where, row, f"{sheet} row {row}: {message}"))

    def note(self, row: Row, text: str, sheet: str = "survey") -> None:
        self.notes.add(text, sheet, row.number)

    def text(self, row: Row, base: str, sheet: Sheet | None = None) -> str:
        """A cell in the chosen language, its markdown made plain text."""
        sheet = sheet or self.survey
        original = sheet.translated(row, base, self.language)
        text = plain(original)
        if text != original and (where := f"{sheet.name} row {row.number}") not in self.marked:
            self.marked.append(where)
        return text

    # -- structure ---------------------------------------------------------------------------

    def _rows(self) -> list[Row]:
        """The survey's rows, without the disabled ones and with loops written out."""
        rows = []
        for row in self.survey.rows:
            disabled = row.get("disabled")
            if disabled.lower() in YES - {"1"}:  # pyxform's yes/no words
                self.note(row, f"the row is disabled ({disabled!r}) and is left out")
                continue
            rows.append(row)
            kind = kind_of(row.get("type"))
            if kind.or_other and kind.list_name:
                self.lists.add_other(kind.list_name)
        key = f"label::{self.language}" if self.language else "label"
        keys = (key, "label") if key in self.survey.columns else ("label",)
        return expand_loops(rows, self.lists.rows, self.lists.label, keys)

    def sections(self) -> tuple[list[dict[str, Any]], int]:
        """The sections as plain data for YAML, and the number of items; FormErrors if the
        survey's structure is broken."""
        segments = self._walk()
        if self.errors:
            raise FormErrors(self.errors)
        taken: set[str] = set()
        for segment in segments:
            for question in segment.questions:
                self._name(question, taken)
        for segment in segments:
            for question in segment.questions:
                segment.items.append(self._item(question))
        if self.errors:
            raise FormErrors(self.errors)
        result = []
        for segment in segments:
            path = "-".join(group.id for group in segment.groups)[:80].rstrip("-")
            section: dict[str, Any] = {"id": unique(path or "main", taken)}
            if segment.groups and segment.groups[-1].title:
                section["title"] = segment.groups[-1].title
            section["items"] = segment.items
            result.append(section)
        return result, sum(len(s.items) for s in segments)

    def _walk(self) -> list[_Segment]:
        segments: list[_Segment] = []
        stack: list[_Group] = []
        scopes: list[dict[str, int]] = [{}]  # names in each enclosing group -> first row
        current: _Segment | None = None
        for row in self._rows():
            type_text, name = row.get("type"), self._row_name(row)
            if not type_text:
                if what := name or self.text(row, "label"):
                    self.note(row, f"a row with no type ({what!r}) is left out")
                continue
            kind = kind_of(type_text)
            if kind.structure is not None:
                current = None
                if kind.structure[0] == "begin" and not self._unique(row, name, scopes[-1]):
                    continue
                self._structure(row, kind, stack, scopes)
                continue
            if not name:
                self.error("survey", row.number, f"the {type_text!r} row has no name")
                continue
            if not self._unique(row, name, scopes[-1]):
                continue
            if kind.item is None:
                self._left_out(row, type_text, name)
                continue
            if kind.list_name is not None and not self.lists.check(row, kind.list_name):
                continue
            if current is None:
                current = _Segment(tuple(stack))
                segments.append(current)
            current.questions.append(_Question(row, name, kind, tuple(stack)))
        for group in stack:
            what = f"begin {group.what} {group.row.get('name')!r}"
            self.error("survey", group.row.number, f"{what} has no matching 'end {group.what}'")
        return [segment for segment in segments if segment.questions]

    @staticmethod
    def _row_name(row: Row) -> str:
        """The row's name; pyxform's own for a note or an audit without one (xls2json.py)."""
        name, type_text = row.get("name"), row.get("type").strip()
        if not name and type_text == "note":
            return f"generated_note_name_{row.number}"
        return "audit" if type_text == "audit" else name

    def _unique(self, row: Row, name: str, scope: dict[str, int]) -> bool:
        """Names must differ within a group (pyxform's rule); the same name in two groups
        is allowed, but then a reference to it cannot say which row it means."""
        if not name:
            return True
        if name in scope:
            message = f"the name {name!r} is used twice (first on row {scope[name]})"
            self.error("survey", row.number, message + " in the same group")
            return False
        scope[name] = row.number
        if name in self.seen:
            self.ambiguous.add(name)
        self.seen.add(name)
        return True

    def _structure(
        self, row: Row, kind: Kind, stack: list[_Group], scopes: list[dict[str, int]]
    ) -> None:
        assert kind.structure is not None
        verb, what = kind.structure
        if verb == "end":
            if stack and stack[-1].what == what:
                stack.pop()
                scopes.pop()
            else:
                self.error("survey", row.number, f"'end {what}' without a matching 'begin {what}'")
            return
        name = row.get("name")
        if not name:
            self.error("survey", row.number, f"the 'begin {what}' row has no name")
        else:
            self.missing.setdefault(name, f"a {what}")
        if what == "loop" and kind.list_name not in self.lists.rows:
            # A complete loop over a known list was written out as groups (expand_loops);
            # one without its end is reported below, with the other unended groups.
            message = f"begin loop {name!r} has no list of choices to loop over"
            if kind.list_name:
                where = "on the choices sheet" if self.lists.sheet else "(no choices sheet)"
                message = f"no choice list {kind.list_name!r} {where} for begin loop {name!r}"
            self.error("survey", row.number, message)
        title = self.text(row, "label") or None
        group = _Group(what, row, to_id(name, "section", f"section-{row.number}"), title)
        stack.append(group)
        scopes.append({})
        if what == "repeat":
            times = (
                f" (repeat_count {row.get('repeat_count')!r})" if row.get("repeat_count") else ""
            )
            self.note(
                row,
                f"begin repeat {name!r}{times} has no equivalent:"
                " its questions are converted to be asked once",
            )

    def _left_out(self, row: Row, type_text: str, name: str) -> None:
        what = type_text.split()[0]
        self.missing[name] = f"a {what} row"
        detail = ""
        if what.lower() == "calculate" and row.get("calculation"):
            detail = f" (calculation {row.get('calculation')!r})"
        elif what.lower().endswith(("_from_file", "_external")):
            detail = " (its choices are in a separate file)"
        self.note(row, f"type {type_text!r} has no equivalent; {name!r}{detail} is left out")

    def _name(self, question: _Question, taken: set[str]) -> None:
        base = to_id(question.name, "q", f"row-{question.row.number}")
        question.id = unique(base, taken)
        if question.id != base:
            message = f"{question.name!r} becomes {question.id!r}, as {base!r} is already used"
            self.note(question.row, message)
        question.type = question.kind.item or ItemType.TEXT
        row = question.row
        if question.type == ItemType.TEXT and "multiline" in row.get("appearance").split():
            question.type = ItemType.LONG_TEXT
        if question.type == ItemType.SCALE and self._scale(row) is None:
            question.type = ItemType.NUMBER
        self.ids[question.name] = question.id
        self.types[question.id] = question.type

    # -- items -------------------------------------------------------------------------------

    def _scale(self, row: Row) -> tuple[int, int] | None:
        text = row.get("parameters")
        found = {k.lower(): v for k, v in re.findall(r"([A-Za-z_]+)\s*=\s*([^\s;,]+)", text)}
        start, end = _whole(found.get("start", "1")), _whole(found.get("end", "10"))
        if start is None or end is None:
            return None
        return start, end

    def _item(self, question: _Question) -> dict[str, Any]:
        row, name = question.row, question.name
        text = self.text(row, "label")
        if not text:
            text = name
            where = f" in {display(self.language)}" if self.language else ""
            self.note(row, f"{name!r} has no label{where}; its name is used as the text")
        item: dict[str, Any] = {"id": question.id, "type": question.type.value, "text": text}
        if hint := self.text(row, "hint"):
            item["help"] = hint
        if "${" in text + (hint or ""):
            self.note(row, f"the text of {name!r} shows earlier answers (${{...}}): not filled in")
        for unknown in placeholders.unknown(f"{text} {hint}"):
            message = f"{{{unknown}}} in the text of {name!r} would be a placeholder: reword it"
            self.error("survey", row.number, message)
        if question.type != ItemType.INFO and self._required(row):
            item["required"] = True
        if relevant := self._relevant(question):
            item["relevant"] = relevant
        if row.get("constraint"):
            rule = self._expression(row, "constraint", question.type)
            if rule is not None:
                message = self.text(row, "constraint_message") or DEFAULT_MESSAGE
                item["constraints"] = [{"rule": rule, "message": message}]
        self._choices_and_range(question, item)
        for column in _DROPPED_COLUMNS:
            if value := row.get(column):
                self.note(row, f"{column} {value!r} has no equivalent; ignored")
        if (read_only := row.get("read_only")) and read_only.lower() not in _NO:
            self.note(row, f"read_only {read_only!r} has no equivalent; ignored")
        return item

    def _choices_and_range(self, question: _Question, item: dict[str, Any]) -> None:
        row, kind = question.row, question.kind
        if kind.list_name is not None:
            choices = [dict(choice) for choice in self.lists.read[kind.list_name]]  # no YAML alias
            if kind.or_other:
                self.note(row, "or_other: the question asking to specify 'other' is not created")
                if all(choice["value"] != "other" for choice in choices):
                    choices.append({"value": "other", "label": "Other"})
            item["choices"] = choices
        if kind.item != ItemType.SCALE:
            return
        scale, parameters = self._scale(row), row.get("parameters")
        if scale is None:
            message = f"range {parameters!r} is not in whole numbers; converted to a number"
            self.note(row, message)
            return
        item["min"], item["max"] = scale
        step = re.search(r"step\s*=\s*([^\s;,]+)", parameters, re.IGNORECASE)
        if step and _number(step.group(1)) != 1:
            self.note(
                row, f"range step {step.group(1)} has no equivalent; the scale uses steps of 1"
            )

    def _required(self, row: Row) -> bool:
        value = row.get("required")
        if value.lower() in YES:
            return True
        if value.lower() not in _NO:
            self.note(row, f"required {value!r} is an expression; converted as not required")
        return False

    def _relevant(self, question: _Question) -> str | None:
        conditions = []
        for group in question.groups:
            key = id(group.row)  # a loop's copies share its row number, not its Row
            if key not in self.group_relevant:
                rule = None
                if group.row.get("relevant"):
                    rule = self._expression(group.row, "relevant", None)
                self.group_relevant[key] = rule
            if group_rule := self.group_relevant[key]:
                conditions.append(group_rule)
        if question.row.get("relevant"):
            own = self._expression(question.row, "relevant", question.type)
            if own is not None:
                conditions.append(own)
        if len(conditions) <= 1:
            return conditions[0] if conditions else None
        return " and ".join(f"({condition})" for condition in conditions)

    def _expression(self, row: Row, column: str, own: ItemType | None) -> str | None:
        source = row.get(column)
        try:
            return translate(
                source,
                self.ids,
                self.types,
                own=own,
                missing=self.missing,
                ambiguous=self.ambiguous,
            )
        except Untranslatable as exc:
            self.note(row, f"{column} {source!r} is dropped: {exc}")
            return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _whole(text: str) -> int | None:
    number = _number(text)
    return int(number) if number is not None and number.is_integer() else None
