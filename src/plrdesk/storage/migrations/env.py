"""Alembic environment: run migrations on the engine plrdesk hands in (never a URL)."""

from alembic import context

from plrdesk.domain.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # No render_as_batch: batch mode copies tables and drops their triggers (the full-text
        # index lives in triggers on `entry`). Migrations use plain ADD COLUMN, or copy a
        # table by hand and re-create its triggers.
    )
    context.run_migrations()
