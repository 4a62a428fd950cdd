"""A dump is strict JSON: a value JSON cannot write (NaN, from a study imported before
import refused it) is named, never written as `NaN` for the next reader to choke on."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.services.study_dump import UnwritableValue, dump_document, dump_text
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE


def give_a_nan(path: Path) -> str:
    """Store NaN in a participant's attributes, as an older, laxer import could; its path."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        people = list(db.scalars(select(m.Participant).order_by(m.Participant.position)))
        people[2].attributes = {**people[2].attributes, "score": float("nan")}
    return "participants[2].attributes.score"


def refuse_constant(name: str) -> None:
    raise AssertionError(f"the dump holds {name}, which is not JSON")


def test_dump_text_names_a_value_json_cannot_hold(demo_path: Path) -> None:
    where = give_a_nan(demo_path)
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        document = dump_document(db)
    with pytest.raises(UnwritableValue, match=rf"^{re.escape(where)}: NaN cannot be written"):
        dump_text(document)


def test_dump_text_of_the_demo_is_strict_json(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        text = dump_text(dump_document(db))
    assert text.endswith("}\n")
    json.loads(text, parse_constant=refuse_constant)


def test_the_dump_command_never_writes_nan(cli: Callable[..., CliResult], demo_path: Path) -> None:
    where = give_a_nan(demo_path)
    result = cli("dump", demo_path, "-o", "-", "--yes")
    assert "NaN" not in result.out
    assert result.code == 1
    assert where in result.err
    assert result.err.count("\n") == 1
