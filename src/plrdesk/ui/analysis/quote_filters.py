"""What the quote bank's filters offer: from the rows loaded, each kind of participant,
session, question, attribute and coder present, in a reader's order."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from plrdesk.services.coders import coder_key
from plrdesk.services.quote_bank import KIND_WORD, QuoteRow, attribute_label, attribute_text
from plrdesk.ui.analysis.quote_model import question_text, session_kind_label

Choice = tuple[str, Any, str | None]
"""(the text shown, the value the filter takes, a tooltip or None)."""


@dataclass(frozen=True)
class FilterChoices:
    kinds: list[Choice]
    sessions: list[Choice]
    questions: list[Choice]
    attributes: list[Choice]


def filter_choices(rows: Sequence[QuoteRow]) -> FilterChoices:
    passages = [row.passage for row in rows]
    kinds = sorted(
        {p.speaker_kind for p in passages if p.speaker_kind is not None},
        key=lambda k: list(KIND_WORD).index(k) if k in KIND_WORD else len(KIND_WORD),
    )
    sessions = sorted({p.session_kind for p in passages})
    questions: dict[tuple[str | None, str], str] = {}
    for row in rows:
        if row.question is not None:
            questions.setdefault((row.passage.guide, row.question), question_text(row))
    attributes = sorted(
        {
            (name, attribute_text(value))
            for p in passages
            for name, value in p.speaker_attributes.items()
        },
        key=lambda pair: (pair[0], _natural(pair[1])),
    )
    return FilterChoices(
        kinds=[(KIND_WORD.get(k, k), k, None) for k in kinds],
        sessions=[(session_kind_label(k), k, None) for k in sessions],
        questions=[(_short(text), key, f"{key[1]}: {text}") for key, text in questions.items()],
        attributes=[(f"{attribute_label(n)} = {v}", (n, v), None) for n, v in attributes],
    )


def coder_choices(names: Iterable[str]) -> list[Choice]:
    """Each coder once (as `coders.coder_key` tells them apart), in alphabetical order."""
    spelling: dict[str, str] = {}
    for name in names:
        spelling.setdefault(coder_key(name), name)
    return [(spelling[key], key, None) for key in sorted(spelling)]


def keep_coder(
    rows: Sequence[QuoteRow], coders: Mapping[uuid.UUID, str], key: str | None
) -> list[QuoteRow]:
    """The rows coded by the coder `key` (None: every row)."""
    if key is None:
        return list(rows)
    return [row for row in rows if coder_key(coders.get(row.coding_id, "")) == key]


def refill(combo: QComboBox, any_text: str, items: list[Choice]) -> None:
    """Refill a filter combo, keeping the choice when it is still offered."""
    chosen = combo.currentData()
    combo.clear()
    combo.addItem(any_text, None)
    for text, data, tip in items:
        combo.addItem(text, data)
        if tip:
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    found = next((i for i in range(combo.count()) if combo.itemData(i) == chosen), 0)
    combo.setCurrentIndex(found)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _natural(text: str) -> tuple[int, float | str]:
    try:
        return (0, float(text))
    except ValueError:
        return (1, text.casefold())
