"""The choices sheet of an XLSForm as choice lists (see `xlsform.py`)."""

from __future__ import annotations

from collections.abc import Callable

from plrdesk.forms.xlsform_sheets import Row, Sheet
from plrdesk.forms.xlsform_types import Notes

Error = Callable[[str, int, str], None]  # (sheet, row, message)
Text = Callable[[Row, str, Sheet], str]  # (row, column, sheet) -> plain text


class ChoiceLists:
    """The lists of a choices sheet, each read (and its problems reported) once, when a
    question first uses it."""

    def __init__(
        self,
        sheet: Sheet | None,
        notes: Notes,
        error: Error,
        text: Text,
        *,
        allow_duplicates: bool,
    ) -> None:
        self.sheet = sheet
        self.notes = notes
        self.error = error
        self.text = text
        self.allow_duplicates = allow_duplicates
        self.rows: dict[str, list[Row]] = {}
        self.read: dict[str, list[dict[str, str]]] = {}
        for row in sheet.rows if sheet else ():
            list_name = row.get("list_name")
            if list_name:
                self.rows.setdefault(list_name, []).append(row)
            elif row.get("name") or row.get("label"):
                self.notes.add("a choice with no list_name is left out", "choices", row.number)

    def add_other(self, list_name: str) -> None:
        """An "Other" choice at the end of the list, for an `or_other` select. As in
        pyxform, the list itself gains it, so every question and loop using it has it."""
        rows = self.rows.get(list_name)
        if self.sheet is None or rows is None or any(r.get("name") == "other" for r in rows):
            return
        labels = {key: "Other" for key in self.sheet.columns if key.partition("::")[0] == "label"}
        cells = {"list_name": list_name, "name": "other", "label": "Other", **labels}
        rows.append(Row(rows[-1].number, cells))

    def check(self, row: Row, list_name: str) -> bool:
        """The list exists (an error on `row` if not); its choices are read."""
        if list_name not in self.rows:
            where = "on the choices sheet" if self.sheet else "(there is no choices sheet)"
            self.error("survey", row.number, f"no choice list {list_name!r} {where}")
            return False
        if list_name not in self.read:
            self.read[list_name] = self._choices(list_name)
        return True

    def label(self, row: Row) -> str:
        """A choice's label in the chosen language, or its name."""
        assert self.sheet is not None
        return self.text(row, "label", self.sheet) or row.get("name")

    def _choices(self, list_name: str) -> list[dict[str, str]]:
        seen: dict[str, int] = {}
        result = []
        for row in self.rows[list_name]:
            value = row.get("name")
            if not value:
                message = f"a choice in list {list_name!r} has no name; left out"
                self.notes.add(message, "choices", row.number)
                continue
            if value in seen:
                self._duplicate(row, list_name, value, seen[value])
                continue
            seen[value] = row.number
            assert self.sheet is not None  # a list has rows, so there is a sheet
            label = self.text(row, "label", self.sheet)
            if not label:
                label = value
                message = f"choice {value!r} has no label; its name is used"
                self.notes.add(message, "choices", row.number)
            result.append({"value": value, "label": label})
        return result

    def _duplicate(self, row: Row, list_name: str, value: str, first: int) -> None:
        """A second choice with the same name: pyxform allows it when the settings say
        `allow_choice_duplicates: yes`, for cascading selects whose branches share a name.
        Our items have no choice filter, so the choice is listed once."""
        message = f"list {list_name!r} has the choice {value!r} twice (first on row {first})"
        if not self.allow_duplicates:
            self.error("choices", row.number, message)
            return
        self.notes.add(f"{message}; it is listed once", "choices", row.number)
