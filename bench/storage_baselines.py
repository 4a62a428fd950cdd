"""The baseline programs bench/storage.py compares plrdesk against, run as subprocesses.

    python bench/storage_baselines.py import DRIVER DATA.json DB   # plain import, one commit
    python bench/storage_baselines.py info STUDY.plr               # bare keyed open and count

Only the standard library and the database driver are imported, so a subprocess pays
for nothing plrdesk does not need either. `import` does by hand the database work that
`plrdesk import` does: the same tables and indexes, the same FTS5 index kept by the same
triggers, the same pragmas (WAL, synchronous=FULL, foreign keys, secure delete), UUID
ids, one transaction, but no encryption, no ORM and no validation. DRIVER is `sqlite3`
(the standard library) or `sqlcipher3` (SQLCipher used without a key is plain SQLite;
used when the standard library's SQLite is too old for FTS5 secure-delete), or, as a
diagnostic, `sqlcipher3-keyed` (the same SQL into a file keyed with PLRDESK_PASSPHRASE,
which separates the cost of encryption from the cost of plrdesk's Python layers).
`info` opens the study with its passphrase (PLRDESK_PASSPHRASE) and counts rows.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import uuid
from typing import Any

PASSPHRASE_ENV = "PLRDESK_PASSPHRASE"

SCHEMA = """
CREATE TABLE participant (
    id CHAR(32) PRIMARY KEY, ref VARCHAR(64) NOT NULL UNIQUE, kind VARCHAR(20) NOT NULL,
    name TEXT NOT NULL, contact TEXT, attributes JSON NOT NULL, withdrawn_on DATE,
    withdrawal_reason TEXT, position INTEGER NOT NULL);
CREATE TABLE guardianship (
    child_id CHAR(32) NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    guardian_id CHAR(32) NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, PRIMARY KEY (child_id, guardian_id));
CREATE TABLE consent (
    id CHAR(32) PRIMARY KEY, ref VARCHAR(64) NOT NULL UNIQUE,
    participant_id CHAR(32) NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    on_behalf_of_id CHAR(32) REFERENCES participant(id) ON DELETE CASCADE,
    form VARCHAR(80) NOT NULL, form_version VARCHAR(40) NOT NULL, method VARCHAR(20) NOT NULL,
    given_on DATE NOT NULL, answers JSON NOT NULL, withdrawn_on DATE, signature_png BLOB,
    position INTEGER NOT NULL);
CREATE INDEX ix_consent_participant_id ON consent (participant_id);
CREATE INDEX ix_consent_on_behalf_of_id ON consent (on_behalf_of_id);
CREATE TABLE session (
    id CHAR(32) PRIMARY KEY, ref VARCHAR(64) NOT NULL UNIQUE, kind VARCHAR(40) NOT NULL,
    guide VARCHAR(80), started_at VARCHAR(40), ended_at VARCHAR(40), position INTEGER NOT NULL);
CREATE TABLE session_participant (
    session_id CHAR(32) NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    participant_id CHAR(32) NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, PRIMARY KEY (session_id, participant_id));
CREATE INDEX ix_session_participant_participant_id ON session_participant (participant_id);
CREATE TABLE call_attempt (
    id CHAR(32) PRIMARY KEY,
    session_id CHAR(32) NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    at VARCHAR(40) NOT NULL, outcome VARCHAR(20) NOT NULL, minutes INTEGER,
    position INTEGER NOT NULL);
CREATE INDEX ix_call_attempt_session_id ON call_attempt (session_id);
CREATE TABLE entry (
    id CHAR(32) PRIMARY KEY, ref VARCHAR(64) NOT NULL UNIQUE,
    session_id CHAR(32) NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    question VARCHAR(80), speaker_id CHAR(32) REFERENCES participant(id) ON DELETE CASCADE,
    text TEXT, verbatim BOOLEAN NOT NULL, show_of_hands JSON, at VARCHAR(40),
    safeguarding_flagged_at VARCHAR(40), safeguarding_action TEXT, position INTEGER NOT NULL);
CREATE INDEX ix_entry_session_id ON entry (session_id);
CREATE INDEX ix_entry_speaker_id ON entry (speaker_id);
CREATE TABLE theme (
    id CHAR(32) PRIMARY KEY, ref VARCHAR(64) NOT NULL UNIQUE, name TEXT NOT NULL,
    description TEXT, colour VARCHAR(9),
    parent_id CHAR(32) REFERENCES theme(id) ON DELETE CASCADE, position INTEGER NOT NULL);
CREATE INDEX ix_theme_parent_id ON theme (parent_id);
CREATE TABLE coding (
    id CHAR(32) PRIMARY KEY,
    entry_id CHAR(32) NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
    theme_id CHAR(32) NOT NULL REFERENCES theme(id) ON DELETE CASCADE,
    start INTEGER, "end" INTEGER, memo TEXT, position INTEGER NOT NULL);
CREATE INDEX ix_coding_entry_id ON coding (entry_id);
CREATE INDEX ix_coding_theme_id ON coding (theme_id);
CREATE TABLE entry_fts_map (rowid INTEGER PRIMARY KEY, entry_id CHAR(32) NOT NULL UNIQUE);
CREATE VIRTUAL TABLE entry_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO entry_fts(entry_fts, rank) VALUES ('secure-delete', 1);
CREATE TRIGGER entry_fts_insert AFTER INSERT ON entry WHEN new.text IS NOT NULL BEGIN
    INSERT INTO entry_fts_map(entry_id) VALUES (new.id);
    INSERT INTO entry_fts(rowid, text) VALUES (last_insert_rowid(), new.text);
END;
CREATE TRIGGER entry_fts_update AFTER UPDATE OF text ON entry BEGIN
    DELETE FROM entry_fts WHERE rowid = (SELECT rowid FROM entry_fts_map WHERE entry_id = old.id);
    DELETE FROM entry_fts_map WHERE entry_id = old.id AND new.text IS NULL;
    INSERT OR IGNORE INTO entry_fts_map(entry_id) SELECT new.id WHERE new.text IS NOT NULL;
    INSERT INTO entry_fts(rowid, text)
      SELECT rowid, new.text FROM entry_fts_map WHERE entry_id = new.id AND new.text IS NOT NULL;
END;
CREATE TRIGGER entry_fts_delete AFTER DELETE ON entry BEGIN
    DELETE FROM entry_fts WHERE rowid = (SELECT rowid FROM entry_fts_map WHERE entry_id = old.id);
    DELETE FROM entry_fts_map WHERE entry_id = old.id;
END;
"""

PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
)


def _quoted_passphrase() -> str:
    return "'" + os.environ[PASSPHRASE_ENV].replace("'", "''") + "'"


def _id() -> str:
    return uuid.uuid4().hex


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def import_plain(driver: str, data_path: str, db_path: str) -> None:
    """json-load the document and insert every record with executemany; commit once."""
    keyed = driver.endswith("-keyed")  # diagnostic: the same SQL on an encrypted file
    db_api: Any = importlib.import_module(driver.removesuffix("-keyed"))
    with open(data_path, encoding="utf-8") as handle:
        doc = json.load(handle)
    conn = db_api.connect(db_path, isolation_level=None)
    if keyed:
        conn.execute(f"PRAGMA key = {_quoted_passphrase()}")
    for pragma in PRAGMAS:
        conn.execute(pragma).fetchall()
    conn.executescript(SCHEMA)
    conn.execute("BEGIN")

    people: dict[str, str] = {}
    rows: list[tuple[Any, ...]] = []
    for n, p in enumerate(doc["participants"]):
        people[p["ref"]] = _id()
        rows.append(
            (
                people[p["ref"]],
                p["ref"],
                p["kind"],
                p["name"],
                p.get("contact"),
                json.dumps(p.get("attributes", {})),
                p.get("withdrawn_on"),
                p.get("withdrawal_reason"),
                n,
            )
        )
    conn.executemany("INSERT INTO participant VALUES (?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany(
        "INSERT INTO guardianship VALUES (?,?,?)",
        [
            (people[p["ref"]], people[g], n)
            for p in doc["participants"]
            for n, g in enumerate(p.get("guardians", []))
        ],
    )
    conn.executemany(
        "INSERT INTO consent VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                _id(),
                c["ref"],
                people[c["participant"]],
                people[c["on_behalf_of"]] if c.get("on_behalf_of") else None,
                c["form"],
                c["form_version"],
                c["method"],
                c["given_on"],
                json.dumps(c.get("answers", {})),
                c.get("withdrawn_on"),
                None,
                n,
            )
            for n, c in enumerate(doc["consents"])
        ],
    )

    entries: dict[str, str] = {}
    sessions, members, attempts, entry_rows = [], [], [], []
    for n, s in enumerate(doc["sessions"]):
        sid = _id()
        sessions.append(
            (sid, s["ref"], s["kind"], s.get("guide"), s.get("started_at"), s.get("ended_at"), n)
        )
        members += [(sid, people[r], k) for k, r in enumerate(s.get("participants", []))]
        attempts += [
            (_id(), sid, a["at"], a["outcome"], a.get("minutes"), k)
            for k, a in enumerate(s.get("call_attempts", []))
        ]
        for k, e in enumerate(s.get("entries", [])):
            entries[e["ref"]] = eid = _id()
            guard = e.get("safeguarding") or {}
            entry_rows.append(
                (
                    eid,
                    e["ref"],
                    sid,
                    e.get("question"),
                    people[e["speaker"]] if e.get("speaker") else None,
                    e.get("text"),
                    e.get("verbatim", False),
                    _json(e.get("show_of_hands")),
                    e.get("at"),
                    guard.get("flagged_at"),
                    guard.get("action"),
                    k,
                )
            )
    conn.executemany("INSERT INTO session VALUES (?,?,?,?,?,?,?)", sessions)
    conn.executemany("INSERT INTO session_participant VALUES (?,?,?)", members)
    conn.executemany("INSERT INTO call_attempt VALUES (?,?,?,?,?,?)", attempts)
    conn.executemany("INSERT INTO entry VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", entry_rows)

    themes = {t["ref"]: _id() for t in doc["themes"]}
    conn.executemany(
        "INSERT INTO theme VALUES (?,?,?,?,?,?,?)",
        [
            (
                themes[t["ref"]],
                t["ref"],
                t["name"],
                t.get("description"),
                t.get("colour"),
                themes[t["parent"]] if t.get("parent") else None,
                n,
            )
            for n, t in enumerate(doc["themes"])
        ],
    )
    conn.executemany(
        "INSERT INTO coding VALUES (?,?,?,?,?,?,?)",
        [
            (
                _id(),
                entries[c["entry"]],
                themes[c["theme"]],
                c.get("start"),
                c.get("end"),
                c.get("memo"),
                n,
            )
            for n, c in enumerate(doc["codings"])
        ],
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    conn.close()
    print(f"imported {len(entry_rows)} entries")


def info_bare(db_path: str) -> None:
    """Open the encrypted study with its passphrase and count a few tables."""
    import sqlcipher3

    conn = sqlcipher3.connect(db_path)
    conn.execute(f"PRAGMA key = {_quoted_passphrase()}")
    for table in ("participant", "session", "entry", "theme", "coding"):
        (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        print(f"{table}: {count}")
    conn.close()


def main(argv: list[str]) -> int:
    if argv[:1] == ["import"] and len(argv) == 4:
        import_plain(argv[1], argv[2], argv[3])
        return 0
    if argv[:1] == ["info"] and len(argv) == 2:
        info_bare(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
