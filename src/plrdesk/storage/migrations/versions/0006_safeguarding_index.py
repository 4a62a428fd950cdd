"""A partial index on flagged entries: the safeguarding count and the to-do list find the
few flagged notes without reading every note in the study.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_entry_safeguarding",
        "entry",
        ["safeguarding_flagged_at"],
        sqlite_where=sa.text("safeguarding_flagged_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_entry_safeguarding", "entry")
