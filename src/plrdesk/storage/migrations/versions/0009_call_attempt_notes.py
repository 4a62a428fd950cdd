"""A note on each call attempt of a phone interview ("call back Tuesday"; on a call the
parent declined, the reason).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("call_attempt", sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_attempt") as batch_op:
        batch_op.drop_column("note")
