"""`begin loop over LIST` ... `end loop` written out as groups, the way pyxform builds
it (builder.py, `_create_loop_from_dict`): the loop becomes a group holding one group per
choice of LIST (named and labelled after the choice, leaving out a choice named `none`),
each with a copy of the loop's rows in which `%(name)s` and `%(label)s` are the choice's
name and label.

pyxform keeps the rows' names, the same in every copy; a reference to them is refused
(several elements share the name). Our ids are unique in the whole form, so a copied name
is prefixed with the choice: `age` in the copy for `mother` is `mother_age` (id
`mother-age`).
"""

from __future__ import annotations

from collections.abc import Callable

from plrdesk.forms.xlsform_sheets import Row
from plrdesk.forms.xlsform_types import kind_of

Label = Callable[[Row], str]


def expand_loops(
    rows: list[Row], lists: dict[str, list[Row]], label: Label, label_keys: tuple[str, ...]
) -> list[Row]:
    """`rows` with every complete loop over a known list written out as groups. A loop
    without its end or its list is left as it is, for the survey's checks to report.
    `label_keys` are the columns a written-out group's label goes in."""
    result: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        kind = kind_of(row.get("type"))
        end = _matching_end(rows, i) if kind.structure == ("begin", "loop") else None
        if end is None or kind.list_name not in lists:
            result.append(row)
            i += 1
            continue
        body = expand_loops(rows[i + 1 : end], lists, label, label_keys)
        result.append(Row(row.number, {**row.cells, "type": "begin group"}))
        for choice in lists[kind.list_name or ""]:
            name = choice.get("name")
            if not name or name == "none":
                continue
            text = label(choice)
            cells = {"type": "begin group", "name": name, **dict.fromkeys(label_keys, text)}
            result.append(Row(row.number, cells))
            result += [_copy(child, name, text) for child in body]
            result.append(Row(row.number, {"type": "end group"}))
        result.append(Row(rows[end].number, {"type": "end group"}))
        i = end + 1
    return result


def _matching_end(rows: list[Row], begin: int) -> int | None:
    depth = 0
    for index in range(begin, len(rows)):
        structure = kind_of(rows[index].get("type")).structure
        if structure is None or structure[1] != "loop":
            continue
        depth += 1 if structure[0] == "begin" else -1
        if depth == 0:
            return index
    return None


def _copy(row: Row, name: str, label: str) -> Row:
    def fill(text: str) -> str:
        return text.replace("%(name)s", name).replace("%(label)s", label)

    cells = {key: fill(value) for key, value in row.cells.items()}
    if own := row.get("name"):
        cells["name"] = f"{name}_{own}"
    return Row(row.number, cells)
