"""How long each session's clock ran in the app (it stops while the study is closed or
locked). Left empty for the sessions already there: their length stays what their start
and end times say.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("session", sa.Column("running_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch_op:
        batch_op.drop_column("running_seconds")
