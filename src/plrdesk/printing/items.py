"""The body of a printed form: section headings, information text and numbered items,
blank to fill in by hand or, on a participant's copy, showing the recorded answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from plrdesk.forms.schema import FormDefinition, Item, ItemType
from plrdesk.printing.flowables import BoxCell, BoxRow, Mark, TickBox, WriteLine
from plrdesk.printing.styles import FONT, Look
from plrdesk.printing.text import StudyText, para, paragraphs, yes_or_no

TICKED = {ItemType.STATEMENT, ItemType.YES_NO}
MAX_SCALE_BOXES = 21


class Body:
    """Builds the flowables for a form's sections. `answers` is None on a blank form."""

    def __init__(
        self,
        form: FormDefinition,
        study: StudyText,
        look: Look,
        width: float,
        page_height: float,
        answers: Mapping[str, Any] | None,
        signature: Callable[[], Flowable] | None = None,
    ) -> None:
        self.form = form
        self.study = study
        self.look = look
        self.width = width
        self.page_height = page_height  # the height a page has for the body
        self.answers = answers
        self.signature = signature  # a copy's recorded signature, for `signature` items
        self.number = 0
        self.right = self._right_column()

    def flowables(self) -> list[Flowable]:
        story: list[Flowable] = []
        for section in self.form.sections:
            if section.title:
                story.append(para(self.study.fill(section.title), self.look["heading"]))
            for item in section.items:
                story += self.item(item)
        return story

    # -- one item ------------------------------------------------------------------------

    def item(self, item: Item) -> list[Flowable]:
        look = self.look
        text = self.study.fill(item.text)
        if item.type == ItemType.INFO:
            story: list[Flowable] = list(paragraphs(text, look["body"]))
            if item.help:
                story.append(para(self.study.fill(item.help), look["help"]))
            return story
        if item.type == ItemType.SIGNATURE:
            return [para(text, look["label"]), *self._signature_area(item)]
        self.number += 1
        content: list[Flowable] = list(paragraphs(text, look["cell"]))
        if item.help:
            content.append(para(self.study.fill(item.help), look["help"]))
        if item.type in TICKED:
            box = self._yes_no(item) if item.type == ItemType.YES_NO else self._tick(item)
            row = [para(f"{self.number}.", look["number"]), content, box]
            widths = [look.number_width, self.width - look.number_width - self.right, self.right]
            return [self._row(row, widths)]
        content += self._answer_area(item)
        if item.probes:
            content.append(para("Prompts:", look["help"]))
            content += [para(f"- {probe}", look["help"]) for probe in item.probes]
        row = [para(f"{self.number}.", look["number"]), content]
        return [self._row(row, [look.number_width, self.width - look.number_width])]

    def _row(self, cells: list[Any], widths: list[float]) -> Table:
        table = Table([cells], colWidths=widths, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT),  # else Helvetica, listed unused
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (-1, 0), (-1, 0), "RIGHT" if len(cells) == 3 else "LEFT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), self.look.base * 0.5),
                    ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), self.look.base * 0.9),
                ]
            )
        )
        if table.wrap(sum(widths), self.page_height)[1] > self.page_height:
            table.splitInRow = 1  # taller than a page (a long guide question): let it flow on
        return table

    # -- answers -------------------------------------------------------------------------

    def _answer(self, item: Item) -> Any:
        return None if self.answers is None else self.answers.get(item.id)

    def _mark(self, item: Item) -> Mark:
        agreed = yes_or_no(self._answer(item))
        return None if agreed is None else ("tick" if agreed else "cross")

    def _tick(self, item: Item) -> Flowable:
        if self.answers is None:
            return TickBox(self.look.box, None, drop=self.look.base * 0.12)
        # A copy says the answer in words too: clearer, and read out by screen readers.
        agreed = yes_or_no(self._answer(item))
        word = {True: "Yes", False: "No", None: ""}[agreed]
        return BoxRow([BoxCell(word, self._mark(item))], self.look.base, self.look.box)

    def _yes_no(self, item: Item) -> BoxRow:
        agreed = yes_or_no(self._answer(item))
        yes: Mark = "tick" if agreed is True else None
        no: Mark = "tick" if agreed is False else None
        return BoxRow([BoxCell("Yes", yes), BoxCell("No", no)], self.look.base, self.look.box)

    def _right_column(self) -> float:
        """One width for the boxes column, so that every box on the form lines up."""
        samples = [[BoxCell("")]]
        if self.answers is not None:
            samples += [[BoxCell("Yes")], [BoxCell("No")]]
        if any(item.type == ItemType.YES_NO for item in self.form.items()):
            samples.append([BoxCell("Yes"), BoxCell("No")])
        rows = [BoxRow(cells, self.look.base, self.look.box) for cells in samples]
        return max(float(row.wrap(self.width, 1e6)[0]) for row in rows) + 2

    def _answer_area(self, item: Item) -> list[Flowable]:
        look = self.look
        answer = self._answer(item)
        kind = item.type
        if kind in {ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE}:
            return self._choices(item, answer)
        if kind == ItemType.SCALE:
            return self._scale(item, answer)
        if kind == ItemType.SHOW_OF_HANDS:
            counts = answer if isinstance(answer, Mapping) else {}
            cells = [
                BoxCell(c.label, wide=True, inside=_text(counts.get(c.value))) for c in item.choices
            ]
            return [Spacer(1, look.base * 0.3), BoxRow(cells, look.base, look.box * 1.3)]
        if self.answers is not None:
            if _text(answer):
                return [para(_text(answer), look["label"])]
            return [para("(not recorded)", look["help"])]
        lines = 4 if kind == ItemType.LONG_TEXT else 1
        width = look.base * 10 if kind in {ItemType.NUMBER, ItemType.TIME} else None
        return [WriteLine(look.write_gap, width) for _ in range(lines)]

    def _choices(self, item: Item, answer: Any) -> list[Flowable]:
        look = self.look
        chosen = set(answer) if isinstance(answer, list | tuple | set) else {answer}
        hint = "Tick one." if item.type == ItemType.SINGLE_CHOICE else "Tick all that apply."
        rows = [
            [TickBox(look.box, "tick" if c.value in chosen else None), para(c.label, look["cell"])]
            for c in item.choices
        ]
        box_width = look.box + look.base * 0.6
        label_width = self.width - look.number_width - box_width
        table = Table(rows, colWidths=[box_width, label_width], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT),  # else Helvetica, listed unused
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), look.base * 0.15),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), look.base * 0.15),
                ]
            )
        )
        story: list[Flowable] = [] if self.answers is not None else [para(hint, look["help"])]
        return [*story, table]

    def _scale(self, item: Item, answer: Any) -> list[Flowable]:
        assert item.min is not None  # the schema demands both ends of a scale
        assert item.max is not None
        low, high = sorted((item.min, item.max))
        if high - low + 1 > MAX_SCALE_BOXES:
            if self.answers is not None:
                return [para(_text(answer) or "(no answer)", self.look["label"])]
            return [para(f"A number from {low} to {high}:", self.look["help"]), self._line()]
        cells = [
            BoxCell(str(n), "tick" if _text(answer) == str(n) else None)
            for n in range(low, high + 1)
        ]
        return [Spacer(1, self.look.base * 0.3), BoxRow(cells, self.look.base, self.look.box)]

    def _signature_area(self, item: Item) -> list[Flowable]:
        return [self.signature() if self.signature is not None else self._line()]

    def _line(self) -> WriteLine:
        return WriteLine(self.look.write_gap)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)
