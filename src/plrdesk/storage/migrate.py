"""Schema versions with Alembic: create a new study at head, upgrade an older one on open.

Alembic is driven in-process on the study's own (already keyed) connection, so a
migration never needs the passphrase and never opens a second connection.
"""

from __future__ import annotations

import enum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaState(enum.Enum):
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"
    FOREIGN = "foreign"  # encrypted, but no plrdesk schema in it


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config_without_engine()).get_current_head()
    assert head is not None
    return head


def _config_without_engine() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables or "study" not in tables:
        return SchemaState.FOREIGN
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return SchemaState.CURRENT
    script = ScriptDirectory.from_config(_config_without_engine())
    known = {rev.revision for rev in script.walk_revisions()}
    return SchemaState.OLDER if current in known else SchemaState.NEWER


def create_schema(engine: Engine) -> None:
    """Build a new study's schema by running every migration from the first."""
    command.upgrade(_config(engine), "head")


def upgrade(engine: Engine, target: str = "head") -> None:
    command.upgrade(_config(engine), target)
