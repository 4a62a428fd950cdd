"""A coding highlight's tooltip names who coded it, escaped, beside the theme."""

from __future__ import annotations

import uuid

from plrdesk.domain.ids import CodingId, EntryId, ThemeId
from plrdesk.domain.spans import Span
from plrdesk.services.codings import CodingView
from plrdesk.ui.sessions.highlight import LiveCoding, coding_tooltip


def _view(coder: str) -> CodingView:
    return CodingView(
        id=CodingId(uuid.uuid4()),
        entry_id=EntryId(uuid.uuid4()),
        theme_id=ThemeId(uuid.uuid4()),
        theme_name="Trust",
        colour="#336699",
        start=0,
        end=4,
        memo=None,
        coder=coder,
    )


def test_the_tooltip_names_each_coder(qapp: object) -> None:
    tip = coding_tooltip(
        [LiveCoding(_view("Claire Beaumont"), Span(0, 4)), LiveCoding(_view("Bo <C>"), None)]
    )
    assert "<b>Trust</b> · by Claire Beaumont" in tip
    assert "<i>(whole note)</i> · by Bo &lt;C&gt;" in tip
