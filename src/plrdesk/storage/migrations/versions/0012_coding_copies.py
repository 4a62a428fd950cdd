"""Coding copies (issue 14 §3): the original study's record of each blind copy made for a
second coder, and per copied entry how its text went (the redactions as [start, end,
replacement], hashes of the original and the given text), so the second coder's codings
can come back onto the original words. Kept in the original only: the copy holds nothing
of where names were.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coding_copy",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("coder", sa.Text(), nullable=False),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        sa.Column("made_at", sa.String(length=40), nullable=False),
        sa.Column("brought_back", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "coding_copy_entry",
        sa.Column("copy_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("given_sha256", sa.String(length=64), nullable=False),
        sa.Column("edits", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["copy_id"], ["coding_copy.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("copy_id", "entry_id"),
    )
    op.create_index("ix_coding_copy_entry_entry_id", "coding_copy_entry", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_coding_copy_entry_entry_id", "coding_copy_entry")
    op.drop_table("coding_copy_entry")
    op.drop_table("coding_copy")
