"""Full-text index over entry text, filled from the entries already in the study.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Full-text index over entry text. The FTS table keeps its own copy of the text under a
    # stable integer rowid from entry_fts_map: entry ids are UUIDs, and implicit rowids may
    # be renumbered by VACUUM, so they cannot key the index. secure-delete makes a deleted
    # entry's words leave the index at once (erasure), not at the next merge.
    op.execute(
        "CREATE TABLE entry_fts_map (rowid INTEGER PRIMARY KEY, entry_id CHAR(32) NOT NULL UNIQUE)"
    )
    op.execute(
        "CREATE VIRTUAL TABLE entry_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO entry_fts(entry_fts, rank) VALUES ('secure-delete', 1)")
    op.execute(
        """CREATE TRIGGER entry_fts_insert AFTER INSERT ON entry WHEN new.text IS NOT NULL BEGIN
             INSERT INTO entry_fts_map(entry_id) VALUES (new.id);
             INSERT INTO entry_fts(rowid, text) VALUES (last_insert_rowid(), new.text);
           END"""
    )
    op.execute(
        """CREATE TRIGGER entry_fts_update AFTER UPDATE OF text ON entry BEGIN
             DELETE FROM entry_fts WHERE rowid = (SELECT rowid FROM entry_fts_map WHERE entry_id = old.id);
             DELETE FROM entry_fts_map WHERE entry_id = old.id AND new.text IS NULL;
             INSERT OR IGNORE INTO entry_fts_map(entry_id) SELECT new.id WHERE new.text IS NOT NULL;
             INSERT INTO entry_fts(rowid, text)
               SELECT rowid, new.text FROM entry_fts_map WHERE entry_id = new.id AND new.text IS NOT NULL;
           END"""
    )
    op.execute(
        """CREATE TRIGGER entry_fts_delete AFTER DELETE ON entry BEGIN
             DELETE FROM entry_fts WHERE rowid = (SELECT rowid FROM entry_fts_map WHERE entry_id = old.id);
             DELETE FROM entry_fts_map WHERE entry_id = old.id;
           END"""
    )
    # Studies made before this revision: index what they already hold.
    op.execute(
        "INSERT INTO entry_fts_map(entry_id) SELECT id FROM entry WHERE text IS NOT NULL ORDER BY position"
    )
    op.execute(
        "INSERT INTO entry_fts(rowid, text) SELECT m.rowid, e.text FROM entry_fts_map m JOIN entry e ON e.id = m.entry_id"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER entry_fts_delete")
    op.execute("DROP TRIGGER entry_fts_update")
    op.execute("DROP TRIGGER entry_fts_insert")
    op.execute("DROP TABLE entry_fts")
    op.execute("DROP TABLE entry_fts_map")
