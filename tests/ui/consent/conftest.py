"""Consent recorder fixtures: people without consents in the demo study, a way to run an
operation on the database worker and wait for its result, and a form with every item type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.forms.loader import parse_form
from plrdesk.forms.schema import FormDefinition
from plrdesk.services.changes import Changes, Table
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, write

T = TypeVar("T")

ALL_TYPES = """\
id: every-type
title: Every kind of item
version: "1"
kind: interview-guide
audience: researcher
sections:
  - id: first
    title: The first part
    items:
      - id: intro
        type: info
        text: This form is for {study.title}, run by {study.researcher}.
      - id: agree
        type: statement
        text: I agree to the things written on this form, every one of them, as read to me.
        required: true
      - id: quote
        type: yes-no
        text: May we quote you?
      - id: why-not
        type: text
        text: Why not?
        relevant: ${quote} = no
        required: true
      - id: story
        type: long-text
        text: Tell us more.
        help: As much or as little as you like.
      - id: school
        type: single-choice
        text: Which school?
        choices: [{value: north, label: North}, {value: south, label: South}]
      - id: tools
        type: multi-choice
        text: Which tools?
        choices: [{value: caf, label: CAF}, {value: iss, label: Information sharing}]
      - id: tools-more
        type: text
        text: What else did you use besides the CAF?
        relevant: selected(${tools}, 'caf')
  - id: second
    title: The second part
    items:
      - id: age
        type: number
        text: How old?
        constraints:
          - {rule: ". >= 11 and . <= 13", message: Give an age from 11 to 13.}
      - id: when
        type: date
        text: When did you move?
      - id: at
        type: time
        text: What time?
      - id: mood
        type: scale
        text: How did it feel?
        min: 1
        max: 5
      - id: hands
        type: show-of-hands
        text: Who agrees?
        choices: [{value: agree, label: Agree}, {value: disagree, label: Disagree}]
      - id: sign
        type: signature
        text: Sign here
"""

VALUES = {
    "study.title": "The move to secondary school",
    "study.researcher": "Claire Beaumont",
    "study.organisation": None,
    "study.contact": None,
}


@pytest.fixture
def every_type() -> FormDefinition:
    return parse_form(ALL_TYPES, "every-type.yaml").definition


Run = Callable[[Operation[Any]], Any]


@pytest.fixture
def run(qtbot: QtBot, ctx: StudyContext) -> Run:
    """Run `op` on the database worker and return its result (or raise its error)."""

    def run_op(op: Operation[T]) -> T:
        done: list[Any] = []
        failed: list[Exception] = []
        ctx.runner.run(op, done.append, failed.append)
        qtbot.waitUntil(lambda: bool(done or failed), timeout=10_000)
        if failed:
            raise failed[0]
        return done[0]  # type: ignore[no-any-return]

    return run_op


def add_people(db: Session) -> Changes:
    parent = m.Participant(ref="G5", kind="parent", name="Nadia Okafor", position=100)
    child = m.Participant(ref="C7", kind="child", name="Femi Okafor", position=101)
    child.guardians = [parent]
    practitioner = m.Participant(ref="P7", kind="practitioner", name="Ann Lee", position=102)
    db.add_all([parent, child, practitioner])
    db.flush()
    changes = Changes()
    for person in (parent, child, practitioner):
        changes.add(Table.PARTICIPANT, person.id)
    return changes


@pytest.fixture
def people(run: Run) -> None:
    """A new parent G5 with child C7, and a new practitioner P7: nobody has consented yet."""
    run(write(add_people))
