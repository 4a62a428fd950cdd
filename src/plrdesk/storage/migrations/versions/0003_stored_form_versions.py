"""Stored form versions, and the guide version each session used.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("form_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("form_id", "version"),
    )
    op.add_column("session", sa.Column("guide_version", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch_op:
        batch_op.drop_column("guide_version")
    op.drop_table("form_version")
