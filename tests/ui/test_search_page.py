"""The search page (issue 11): results read as the question in the guide's words, the
session and who spoke, never a question's id; Enter in the box hands the keys to the
results with the best match current; Enter on a result asks to land on it with the words
found."""

from __future__ import annotations

import re
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from plrdesk.services.search import SearchHit
from plrdesk.ui.context import StudyContext
from plrdesk.ui.search_page import NO_QUESTION, UNWORDED, HitRole, SearchPage, result_text

ID_STYLE = re.compile(r"\bS\d+ · [a-z]+(-[a-z]+)*\b")


def make_page(qtbot: QtBot, ctx: StudyContext) -> SearchPage:
    page = SearchPage(ctx)
    qtbot.addWidget(page)
    page.resize(700, 500)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    return page


def test_results_are_in_words_and_enter_lands_with_the_words(
    qtbot: QtBot, ctx: StudyContext, qtmodeltester: ModelTester
) -> None:
    page = make_page(qtbot, ctx)
    page.focus_box()
    qtbot.keyClicks(page.box, "timetable")
    qtbot.keyClick(page.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)
    assert page.results.hasFocus()
    qtbot.waitUntil(lambda: page.results.currentIndex().row() == 0)
    assert page.count.text() == "5 note(s) found"
    qtmodeltester.check(page.model)
    for row in range(page.model.rowCount()):
        hit = page.model.index(row, 0).data(HitRole)
        assert isinstance(hit, SearchHit)
        text = page.model.index(row, 0).data()
        lines = text.split("\n")
        assert len(lines) == 3
        assert ID_STYLE.search(text) is None, text
        assert lines[0] == f"“{hit.question_text}”"
        assert hit.question is not None
        assert hit.question not in lines[0].split()
        assert lines[1] == f"{hit.session_words} · {hit.speaker}"
        assert "timetable" in lines[2].casefold()

    qtbot.keyClick(page.results, Qt.Key.Key_Down)
    chosen = page.model.index(1, 0).data(HitRole)
    with qtbot.waitSignal(ctx.navigator.sig_show_entry) as landed:
        qtbot.keyClick(page.results, Qt.Key.Key_Return)
    assert landed.args == [chosen.entry_id]
    words = ctx.navigator.take_found(chosen.entry_id)
    assert words is not None
    assert words.query == "timetable"
    assert words.spans == chosen.spans


def test_a_note_under_no_question_says_so() -> None:
    hit = SearchHit(
        entry_id=uuid.uuid4(),
        snippet="an [aside]",
        session_ref="S1",
        session_kind="practitioner-interview",
        question=None,
        speaker_ref="P1",
        speaker="P1 (practitioner)",
    )
    assert (
        result_text(hit)
        == f"{NO_QUESTION}\nS1, practitioner interview · P1 (practitioner)\nan [aside]"
    )


def test_a_question_whose_guide_is_unknown_is_not_shown_by_its_id() -> None:
    hit = SearchHit(
        entry_id=uuid.uuid4(),
        snippet="the [gap]",
        session_ref="S1",
        session_kind="practitioner-interview",
        question="barriers",
        speaker_ref="P1",
        speaker="P1 (practitioner)",
    )
    text = result_text(hit)
    assert text.split("\n")[0] == UNWORDED
    assert "barriers" not in text
