"""pyxform, the reference XLSForm converter, as the oracle for ours.

Every workbook of the corpus (`test_xlsform_corpus_forms.py`), written as .xlsx, .xls and
some as .xlsm, goes through pyxform first. A workbook pyxform accepts must convert through
`plrdesk forms import-xlsform` (into a folder, so the file is named after the form) and
pass `plrdesk forms check`, or be refused for a reason of the whole form, never one row.
What converts is compared with pyxform's XForm: each control of a kind we convert is an
item, in order, of the matching type, with the same text (its markdown made plain) and the
same choice values. The share that converts is printed and recorded in docs/forms.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from plrdesk.forms.loader import read_form
from plrdesk.forms.schema import Item
from plrdesk.forms.xlsform_text import plain
from tests.conftest import CliResult
from tests.forms.test_xlsform_corpus_forms import FORMS, REFUSED_BY_PYXFORM, Form, save

Cli = Callable[..., CliResult]
XF = "{http://www.w3.org/2002/xforms}"
BODY = "{http://www.w3.org/1999/xhtml}body"
# Refusals that no single row could avoid: there is no form to write.
WHOLE_FORM_REASONS = ("no question converts to a form item",)
GOAL = 95.0

_INPUT_TYPES = {
    "string": {"text", "long-text"},
    "int": {"number"},
    "decimal": {"number"},
    "date": {"date"},
    "time": {"time"},
}


@dataclass(frozen=True)
class Control:
    """A question in pyxform's XForm that our converter should turn into an item."""

    types: set[str]
    label: str | None  # None: not compared (it shows an earlier answer)
    values: list[str]


def _xform_controls(xform: str, language: str) -> list[Control]:
    root = ET.fromstring(xform)
    binds = {bind.get("nodeset"): bind for bind in root.iter(f"{XF}bind")}
    texts = _itext(root, language)
    instances = {
        instance.get("id"): [
            item.findtext(f"{XF}name") or "" for item in instance.iter(f"{XF}item")
        ]
        for instance in root.iter(f"{XF}instance")
        if instance.get("id") and instance.get("src") is None
    }
    controls: list[Control] = []
    body = root.find(BODY)
    assert body is not None
    for element in body.iter():
        tag = element.tag.removeprefix(XF)
        bind = binds.get(element.get("ref"))
        if _generated(element, bind):
            continue
        if tag == "input" and bind is not None:
            if element.get("query"):
                continue  # select_one_external: its choices are in a file
            types = set(_INPUT_TYPES.get(bind.get("type") or "string", set()))
            if bind.get("readonly") == "true()" and "text" in types:
                types.add("info")  # a note, or a read-only text question
        elif tag in {"select1", "select"}:
            itemset = element.find(f"{XF}itemset")
            if itemset is not None and _instance(itemset) not in instances:
                continue  # choices from a file
            types = {"single-choice"} if tag == "select1" else {"multi-choice"}
        elif tag == "range":
            types = {"scale", "number"}
        elif tag == "trigger":
            types = {"statement"}
        else:
            continue
        if not types:
            continue
        controls.append(Control(types, _label(element, texts), _values(element, instances)))
    return controls


# Controls pyxform adds with no row of the workbook behind them (xls2json.py): the
# question after an `or_other` select, and the labels of a table-list group.
_GENERATED = ("/generated_table_list_label_", "/reserved_name_for_field_list_labels_")


def _generated(element: ET.Element, bind: ET.Element | None) -> bool:
    ref = element.get("ref") or ""
    relevant = bind.get("relevant") or "" if bind is not None else ""
    specify_other = ref.endswith("_other") and relevant.startswith("selected(../")
    return specify_other or any(name in ref for name in _GENERATED)


def _instance(itemset: ET.Element) -> str:
    match = re.match(r"instance\('([^']+)'\)", itemset.get("nodeset") or "")
    return match.group(1) if match else ""


def _values(element: ET.Element, instances: dict[str | None, list[str]]) -> list[str]:
    itemset = element.find(f"{XF}itemset")
    found = (
        instances[_instance(itemset)]
        if itemset is not None
        else [item.findtext(f"{XF}value") or "" for item in element.findall(f"{XF}item")]
    )
    return list(dict.fromkeys(found))  # a name reused in a filter branch is one choice


def _itext(root: ET.Element, language: str) -> dict[str, str]:
    for translation in root.iter(f"{XF}translation"):
        if translation.get("lang") == language:
            return {
                text.get("id") or "": text.findtext(f"{XF}value") or ""
                for text in translation.iter(f"{XF}text")
            }
    return {}


def _label(element: ET.Element, texts: dict[str, str]) -> str | None:
    label = element.find(f"{XF}label")
    if label is None:
        return ""
    if len(label):  # an <output/>: the text shows an earlier answer
        return None
    ref = re.fullmatch(r"jr:itext\('([^']+)'\)", label.get("ref") or "")
    return texts.get(ref.group(1), "") if ref else (label.text or "")


def _matches(item: Item, control: Control) -> bool:
    text_ok = control.label is None or not control.label or item.text == plain(control.label)
    values = [choice.value for choice in item.choices]
    return item.type.value in control.types and text_ok and values == control.values


def _workbooks(tmp_path: Path, forms: list[Form]) -> list[tuple[Form, Path]]:
    books = []
    for form in forms:
        for suffix in form.formats:
            books.append((form, save(tmp_path / f"{form.name}.{suffix}", form.sheets)))
    return books


def _accepted_by_pyxform(path: Path) -> str | None:
    try:
        return str(convert(str(path)).xform)
    except PyXFormError:
        return None


def test_every_workbook_pyxform_accepts_converts_and_passes_forms_check(
    cli: Cli, tmp_path: Path
) -> None:
    converted: list[str] = []
    refused: list[str] = []
    failures: list[str] = []
    extra = [f for f in FORMS if f.name in {"household", "loop"}]
    books = _workbooks(tmp_path, FORMS)
    books += [(form, save(tmp_path / f"{form.name}.xlsm", form.sheets)) for form in extra]
    for form, book in books:
        xform = _accepted_by_pyxform(book)
        assert xform is not None, f"pyxform refuses {book.name}: fix the corpus"
        out = tmp_path / f"out-{book.name.replace('.', '-')}"
        out.mkdir()
        result = cli("forms", "import-xlsform", book, "-o", out)
        if result.code != 0:
            whole_form = any(reason in result.err for reason in WHOLE_FORM_REASONS)
            (refused if whole_form else failures).append(f"{book.name}: {result.err.strip()}")
            continue
        (written,) = out.iterdir()
        check = cli("forms", "check", written)
        if check.code != 0:
            failures.append(f"{book.name}: forms check: {check.out.strip()}")
            continue
        items = read_form(written).definition.items()
        controls = _xform_controls(xform, form.kept)
        mismatch = [
            f"{item.id} ({item.type.value}, {item.text!r}) vs {control}"
            for item, control in zip(items, controls, strict=False)
            if not _matches(item, control)
        ]
        if len(items) != len(controls) or mismatch:
            failures.append(f"{book.name}: {len(items)} items, {len(controls)} controls {mismatch}")
            continue
        converted.append(book.name)
    share = 100 * len(converted) / len(books)
    print(  # noqa: T201 - the figure docs/forms.md records
        f"\nXLSForm corpus: {len(converted)} of {len(books)} workbooks pyxform accepts"
        f" convert and pass forms check ({share:.1f}%); refused as a whole:"
        f" {[line.partition(':')[0] for line in refused]}"
    )
    assert failures == []
    assert all(line.startswith("no-question-converts.") for line in refused), refused
    assert share >= GOAL


def test_what_pyxform_refuses_is_not_counted(tmp_path: Path) -> None:
    for _form, book in _workbooks(tmp_path, REFUSED_BY_PYXFORM):
        assert _accepted_by_pyxform(book) is None, book.name
