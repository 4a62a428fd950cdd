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
    # Plain ADD COLUMN, never batch mode: batch mode copies the table, and copying `entry`
    # would silently drop the full-text index triggers defined on it (revision 0002).
    op.add_column("consent", sa.Column("second_signature_png", sa.LargeBinary(), nullable=True))
    op.add_column("consent", sa.Column("scan_image", sa.LargeBinary(), nullable=True))
    op.add_column("consent", sa.Column("scan_media_type", sa.String(length=40), nullable=True))
    op.add_column(
        "consent", sa.Column("confirmations", sa.JSON(), nullable=False, server_default="{}")
    )
    op.add_column("consent", sa.Column("recorded_by", sa.Text(), nullable=True))
    op.add_column(
        "entry", sa.Column("follow_up", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("entry", sa.Column("updated_at", sa.String(length=40), nullable=True))


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
