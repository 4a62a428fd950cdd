"""Consent capture in the app (second signature, scanned form, timed verbal confirmations,
who recorded it) and entries that are follow-up questions, with their last edit time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent") as batch_op:
        batch_op.add_column(sa.Column("second_signature_png", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("scan_image", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("scan_media_type", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("confirmations", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("recorded_by", sa.Text(), nullable=True))
    with op.batch_alter_table("entry") as batch_op:
        batch_op.add_column(
            sa.Column("follow_up", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("updated_at", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entry") as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("follow_up")
    with op.batch_alter_table("consent") as batch_op:
        batch_op.drop_column("recorded_by")
        batch_op.drop_column("confirmations")
        batch_op.drop_column("scan_media_type")
        batch_op.drop_column("scan_image")
        batch_op.drop_column("second_signature_png")
