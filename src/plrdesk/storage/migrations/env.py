"""Alembic environment: run migrations on the engine plrdesk hands in (never a URL)."""

from alembic import context

from plrdesk.domain.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copy; batch mode does that for us
    )
    context.run_migrations()
