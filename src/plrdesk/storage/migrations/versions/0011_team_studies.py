"""Team studies (issue 14): what merging two copies of a study, coders and coding copies need.

- Every tracked record keeps a revision (`rev`) and the revisions it has been at (`revs`,
  newest last, the last 100), so a merge can tell "changed on one side since the copies
  parted" (one revision is in the other's history) from "changed on both" (neither is).
  Triggers keep them, so every way of writing (ORM, Core deletes, raw SQL) is tracked. A
  record that was there before this revision starts at a revision derived from its id, so two
  copies of an old study upgraded apart agree on what is unchanged.
- A deleted record leaves a tombstone (table, id), so a merge tells "deleted here" from
  "new there"; an erasure (audit action `erase-participant`) leaves an erasure record, so
  an erased participant's words never come back from another copy.
- Entries gain a conflict marker (`conflict_of_id`, `conflict_from`); other records' other
  versions are kept in `merge_conflict`.
- codings name their coder; a study names the study it is a coding copy of and its coder.

The triggers name the columns that count as a change (`position` does not: reordering is
not an edit). A later migration that adds a column to a tracked table must recreate that
table's update trigger (tests/storage/test_revisions.py checks the lists against the models).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_LIMIT = 100
NOW = "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')"
NEW_REV = "lower(hex(randomblob(16)))"

# table -> the columns whose change is an edit (as of this revision)
TRACKED: dict[str, tuple[str, ...]] = {
    "study": (
        "title",
        "researcher",
        "organisation",
        "contact",
        "phone",
        "email",
        "aims",
        "endorsed_by",
        "endorser_role",
        "endorsed_on",
        "endorsement_notes",
        "ethics_reference",
        "copy_of_id",
        "copy_coder",
    ),
    "identifier": ("text", "kind", "aliases"),
    "participant": (
        "ref",
        "kind",
        "name",
        "contact",
        "attributes",
        "withdrawn_on",
        "withdrawal_reason",
    ),
    "consent": (
        "ref",
        "participant_id",
        "on_behalf_of_id",
        "form",
        "form_version",
        "method",
        "given_on",
        "answers",
        "withdrawn_on",
        "signature_png",
        "second_signature_png",
        "scan_image",
        "scan_media_type",
        "confirmations",
        "recorded_by",
    ),
    "session": (
        "ref",
        "kind",
        "guide",
        "guide_version",
        "started_at",
        "ended_at",
        "running_seconds",
    ),
    "call_attempt": ("session_id", "at", "outcome", "minutes", "note"),
    "entry": (
        "ref",
        "session_id",
        "question",
        "speaker_id",
        "text",
        "verbatim",
        "show_of_hands",
        "at",
        "safeguarding_flagged_at",
        "safeguarding_action",
        "follow_up",
        "conflict_of_id",
        "conflict_from",
    ),
    "theme": ("ref", "name", "description", "colour", "parent_id"),
    "coding": ("entry_id", "theme_id", "start", "end", "memo", "exemplar", "coder"),
    "export_setting": ("kind", "descriptor_attributes", "allow_unique"),
    "redaction_decision": ("folded", "layer", "label", "decision", "decided_at"),
}
# Rows without an id of their own: their key is the pair of ids they link.
LINKS: dict[str, tuple[str, str]] = {
    "guardianship": ("child_id", "guardian_id"),
    "session_participant": ("session_id", "participant_id"),
}


def _history(old: str) -> str:
    grown = f"json_insert(coalesce(OLD.revs, '[]'), '$[#]', {old})"
    return (
        f"CASE WHEN json_array_length(coalesce(OLD.revs, '[]')) >= {HISTORY_LIMIT} "
        f"THEN json_remove({grown}, '$[0]') ELSE {grown} END"
    )


def update_trigger_sql(table: str, columns: Sequence[str]) -> str:
    """The trigger that moves a record to a new revision when one of `columns` changes,
    unless the writer set the revision itself (a merge taking the other copy's version)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f"""CREATE TRIGGER {table}_rev_update AFTER UPDATE OF {quoted} ON "{table}"
        WHEN NEW.rev IS OLD.rev BEGIN
          UPDATE "{table}" SET rev = {NEW_REV}, revs = {_history("OLD.rev")} WHERE id = NEW.id;
        END"""


def _key(table: str, prefix: str) -> str:
    if table in LINKS:
        first, second = LINKS[table]
        return f"{prefix}.{first} || ':' || {prefix}.{second}"
    return f"{prefix}.id"


def upgrade() -> None:
    op.add_column("coding", sa.Column("coder", sa.Text(), nullable=True))
    op.add_column("study", sa.Column("copy_of_id", sa.Uuid(), nullable=True))
    op.add_column("study", sa.Column("copy_coder", sa.Text(), nullable=True))
    # No foreign key (SQLite cannot add one without rebuilding entry and its triggers): a
    # trigger below clears the marker when the entry it copies is deleted.
    op.add_column("entry", sa.Column("conflict_of_id", sa.Uuid(), nullable=True))
    op.add_column("entry", sa.Column("conflict_from", sa.Text(), nullable=True))
    op.create_index("ix_entry_conflict_of_id", "entry", ["conflict_of_id"])
    op.create_table(
        "tombstone",
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=80), nullable=False),
        sa.Column("deleted_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "record_id"),
    )
    op.create_table(
        "erasure",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("erased_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    op.create_table(
        "merge_conflict",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("rev", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("other", sa.JSON(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tbl", "record_id", "rev"),
    )
    for table, columns in TRACKED.items():
        op.add_column(table, sa.Column("rev", sa.String(length=32), nullable=True))
        op.add_column(table, sa.Column("revs", sa.JSON(), nullable=True))
        # Derived from the id: two copies of one old study agree on what is unchanged.
        op.execute(f"""UPDATE "{table}" SET rev = id, revs = '[]'""")
        op.execute(
            f"""CREATE TRIGGER {table}_rev_insert AFTER INSERT ON "{table}"
                WHEN NEW.rev IS NULL BEGIN
                  UPDATE "{table}" SET rev = {NEW_REV}, revs = '[]' WHERE id = NEW.id;
                END"""
        )
        op.execute(update_trigger_sql(table, columns))
    for table in [*TRACKED, *LINKS]:
        op.execute(
            f"""CREATE TRIGGER {table}_tombstone AFTER DELETE ON "{table}" BEGIN
                  INSERT OR REPLACE INTO tombstone (tbl, record_id, deleted_at)
                  VALUES ('{table}', {_key(table, "OLD")}, {NOW});
                END"""
        )
        # A record that is there again (an undone delete) is no longer deleted.
        op.execute(
            f"""CREATE TRIGGER {table}_untombstone AFTER INSERT ON "{table}" BEGIN
                  DELETE FROM tombstone WHERE tbl = '{table}' AND record_id = {_key(table, "NEW")};
                END"""
        )
    op.execute(
        """CREATE TRIGGER entry_conflict_orphaned AFTER DELETE ON entry BEGIN
             UPDATE entry SET conflict_of_id = NULL WHERE conflict_of_id = OLD.id;
           END"""
    )
    # Erasures, however they are done, are recorded from their audit event (ids only).
    erased = (
        "SELECT replace(value, '-', ''), {at} FROM json_each({ids}) "
        "WHERE {action} = 'erase-participant'"
    )
    op.execute(
        f"""CREATE TRIGGER erasure_record AFTER INSERT ON audit_log
            WHEN NEW.action = 'erase-participant' BEGIN
              INSERT OR IGNORE INTO erasure (participant_id, erased_at)
              {erased.format(at="NEW.at", ids="NEW.record_ids", action="NEW.action")};
            END"""
    )
    op.execute(
        "INSERT OR IGNORE INTO erasure (participant_id, erased_at) "
        "SELECT replace(j.value, '-', ''), a.at FROM audit_log a, json_each(a.record_ids) j "
        "WHERE a.action = 'erase-participant'"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER erasure_record")
    op.execute("DROP TRIGGER entry_conflict_orphaned")
    for table in [*TRACKED, *LINKS]:
        op.execute(f"DROP TRIGGER {table}_untombstone")
        op.execute(f"DROP TRIGGER {table}_tombstone")
    for table in TRACKED:
        op.execute(f"DROP TRIGGER {table}_rev_update")
        op.execute(f"DROP TRIGGER {table}_rev_insert")
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("revs")
            batch_op.drop_column("rev")
    op.drop_table("merge_conflict")
    op.drop_table("erasure")
    op.drop_table("tombstone")
    op.drop_index("ix_entry_conflict_of_id", "entry")
    with op.batch_alter_table("entry") as batch_op:
        batch_op.drop_column("conflict_from")
        batch_op.drop_column("conflict_of_id")
    with op.batch_alter_table("study") as batch_op:
        batch_op.drop_column("copy_coder")
        batch_op.drop_column("copy_of_id")
    with op.batch_alter_table("coding") as batch_op:
        batch_op.drop_column("coder")
