"""Searching the notes by keyboard (issue 11: the results showed internal question ids,
"S1 · barriers", and landing on one showed the note without the words searched for).

Ctrl+F, a word typed, Enter (the results take the keys, the best match current), the
arrows to a result in another interview, Enter: the Sessions tab opens that note with the
keyboard in it and the words found highlighted (tinted, the first selected). Every result
reads as the question in the guide's words, the session and its kind, and who spoke; none
shows a question's id. The researcher then adds to the note, and the study file holds the
words typed, in that note."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.services.search import SearchHit
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.search_highlight import found_text
from plrdesk.ui.search_page import HitRole
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

WORD = "timetable"  # in interviews, a phone interview and the focus group of the demo
ADDED = " (checked against the school's timetable)"
ID_STYLE = re.compile(r"\bS\d+ · [a-z]+(-[a-z]+)*\b")  # "S1 · barriers", "S7 · what-helped"


def guide_words(guide: str, question: str) -> str:
    form = shipped_forms().get(guide)
    assert form is not None
    item = form.item(question)
    assert item is not None
    return " ".join(item.text.split())


Fact = tuple[str, str, str | None, str | None, str]


def entry_facts(path: Path) -> dict[uuid.UUID, Fact]:
    """Entry id -> (session ref, session kind, guide, question id, text), by a fresh open."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return {
            e.id: (e.session.ref, e.session.kind, e.session.guide, e.question, e.text or "")
            for e in db.scalars(select(m.Entry))
        }


def test_search_arrows_enter_lands_on_the_note_with_the_words_highlighted(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    facts = entry_facts(demo_path)
    controller.open_path(demo_path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    page = window.search

    press(qtbot, Qt.Key.Key_F, CTRL)
    assert window.tabs.currentWidget() is page
    assert focused() is page.box
    type_text(qtbot, WORD)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=OPEN_TIMEOUT_MS)
    assert focused() is page.results
    qtbot.waitUntil(lambda: page.results.currentIndex().row() == 0)

    rows = range(page.model.rowCount())
    hits: list[SearchHit] = [page.model.index(r, 0).data(HitRole) for r in rows]
    texts: list[str] = [page.model.index(r, 0).data() for r in rows]
    kinds_seen = set()
    for hit, text in zip(hits, texts, strict=True):
        session_ref, kind, guide, question, _ = facts[hit.entry_id]
        kinds_seen.add(kind)
        assert ID_STYLE.search(text) is None, text
        first, second, _snippet = text.split("\n")
        assert guide is not None
        assert question is not None
        assert first == f"“{guide_words(guide, question)}”", text
        assert second.startswith(f"{session_ref}, {kind.replace('-', ' ')} · "), text
        assert question not in second.split()
    assert {"practitioner-interview", "phone-interview", "focus-group"} <= kinds_seen
    spoken = {text.split("\n")[1].split(" · ")[1] for text in texts}
    assert "C6 (child)" in spoken  # the focus group's line (E82), by ref and kind
    assert "G1 (parent or carer)" in spoken  # the phone interview's

    # The arrows to a practitioner interview further down, then Enter.
    target = next(
        r for r, hit in enumerate(hits) if r > 0 and hit.session_kind == "practitioner-interview"
    )
    for _ in range(target):
        press(qtbot, Qt.Key.Key_Down)
    assert page.results.currentIndex().row() == target
    landed = hits[target]
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.sessions)
    sessions = window.sessions
    qtbot.waitUntil(
        lambda: (
            sessions.current is not None
            and sessions.current.doc.ref == landed.session_ref
            and isinstance(focused(), QTextEdit)
        ),
        timeout=OPEN_TIMEOUT_MS,
    )
    note = focused()
    assert isinstance(note, QTextEdit)
    editor = sessions.current.notes.editor_for(landed.entry_id)  # type: ignore[union-attr]
    assert editor is not None
    assert editor.text is note
    qtbot.waitUntil(lambda: bool(found_text(note)))
    assert [w.casefold() for w in found_text(note)] == [WORD] * len(landed.spans)
    assert note.textCursor().selectedText().casefold() == WORD

    # Adding to the note from there: End, then words.
    press(qtbot, Qt.Key.Key_End, CTRL)
    type_text(qtbot, ADDED)
    controller.close_study()
    after = entry_facts(demo_path)
    changed = [entry_id for entry_id in facts if after[entry_id][4] != facts[entry_id][4]]
    assert changed == [landed.entry_id]
    assert after[landed.entry_id][4] == facts[landed.entry_id][4] + ADDED
