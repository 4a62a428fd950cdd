"""Fixtures for the printing tests: a study row in a plain in-memory database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from tests.printing.support import STUDY


@pytest.fixture
def db() -> Iterator[Session]:
    """The study row (and nothing else) in a plain in-memory database with the real models;
    the encrypted study file is exercised by the command-line tests."""
    engine = create_engine("sqlite://")
    m.Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(m.Study(aims=[], created_at=dt.datetime.now(dt.UTC), **STUDY))
        session.flush()
        yield session
    engine.dispose()
