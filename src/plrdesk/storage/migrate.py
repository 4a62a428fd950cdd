"""Schema versions with Alembic: create a new study at head, upgrade an older one on open.

Alembic is driven in-process on the study's own (already keyed) connection, so a
migration never needs the passphrase and never opens a second connection. Opening a
current study only reads `alembic_version` against `REVISIONS`; Alembic itself (about
70 ms of imports) loads only when there is something to migrate.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from plrdesk.storage.schema_version import HEAD, REVISIONS

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


__all__ = ["HEAD", "REVISIONS", "SchemaState", "create_schema", "schema_state", "upgrade"]


class SchemaState(enum.Enum):
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"
    FOREIGN = "foreign"  # encrypted, but no plrdesk schema in it


def _config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_revisions() -> list[str]:
    """The revisions the migration scripts define, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables or "study" not in tables:
        return SchemaState.FOREIGN
    current = current_revision(engine)
    if current == HEAD:
        return SchemaState.CURRENT
    return SchemaState.OLDER if current in REVISIONS else SchemaState.NEWER


def create_schema(engine: Engine) -> None:
    """Build a new study's schema by running every migration from the first."""
    upgrade(engine, "head")


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    command.upgrade(_config(engine), target)
