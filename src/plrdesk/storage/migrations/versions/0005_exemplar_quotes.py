"""Codings the researcher marked as usable quotes (the quote bank's exemplar flag).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "coding", sa.Column("exemplar", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("coding") as batch_op:
        batch_op.drop_column("exemplar")
