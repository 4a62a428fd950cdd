"""The study's own details in full: the researcher's phone and e-mail apart from the free
contact line, the endorser's role, and an ethics reference.

The existing `contact` column keeps what older versions stored there (one free line) and
is read as the "other contact" part; nothing is moved, so no guess is made about which
part of an old line is a phone number.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("phone", "email", "endorser_role", "ethics_reference")


def upgrade() -> None:
    # add_column, not batch mode: batch mode rebuilds the table, which would be harmless
    # here but is not needed for nullable columns.
    for name in COLUMNS:
        op.add_column("study", sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("study") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
