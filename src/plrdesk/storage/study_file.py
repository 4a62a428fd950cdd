"""An open study: one encrypted file, one long-lived connection, one SQLAlchemy engine.

Holding a single connection (StaticPool) means the key is derived once per open and no
later operation pays for it again. SQLCipher has one writer anyway; the desktop app
runs every operation on one database worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy.exc
import sqlcipher3
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from plrdesk.domain.models import Study
from plrdesk.storage import cipher, migrate
from plrdesk.storage.errors import NotAStudyFile, StudyExists

log = logging.getLogger(__name__)

STUDY_SUFFIX = ".plr"


class StudyFile:
    """An open, keyed study file. Close it (or use it as a context manager) to drop the key."""

    def __init__(self, path: Path, raw_connection: Any) -> None:
        self.path = path
        self._raw = raw_connection
        self.engine: Engine = create_engine(
            "sqlite://",
            module=sqlcipher3,
            creator=lambda: self._raw,
            poolclass=StaticPool,
        )
        # The driver runs in autocommit mode; SQLAlchemy's pysqlite recipe: emit BEGIN ourselves
        # so each unit of work is one real transaction.
        event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, *, title: str) -> StudyFile:
        """Create a new, empty study at `path` (which must not exist) holding its `study` row."""
        if path.exists():
            raise StudyExists(f"{path}: a file already exists there; choose another name")
        study: StudyFile | None = None
        try:
            study = cls(path, cipher.connect(path, passphrase, must_exist=False))
            migrate.create_schema(study.engine)
            with study.transaction() as db:
                db.add(Study(title=title, aims=[], created_at=dt.datetime.now(dt.UTC)))
        except BaseException:
            if study is not None:
                study.close()
            for leftover in (path, *_sidecars(path)):
                leftover.unlink(missing_ok=True)
            raise
        log.info("created study file")
        return study

    @classmethod
    def open(cls, path: Path, passphrase: str) -> StudyFile:
        """Open an existing study, upgrading its schema (after an encrypted backup) if older."""
        raw = cipher.connect(path, passphrase, must_exist=True)
        study = cls(path, raw)
        try:
            state = migrate.schema_state(study.engine)
            if state == migrate.SchemaState.FOREIGN:
                raise NotAStudyFile(f"{path}: an encrypted database, but not a plrdesk study")
            if state == migrate.SchemaState.OLDER:
                from plrdesk.storage.backups import automatic_backup

                automatic_backup(study, reason="before-upgrade")
                migrate.upgrade(study.engine)
            elif state == migrate.SchemaState.NEWER:
                raise NotAStudyFile(f"{path}: made by a newer plrdesk; update plrdesk to open it")
        except (sqlcipher3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
            study.close()
            reason = getattr(exc, "orig", exc)  # the driver's own words, not SQLAlchemy's wrapper
            raise NotAStudyFile(f"{path}: the file is damaged ({reason})") from exc
        except BaseException:
            study.close()
            raise
        return study

    def close(self) -> None:
        """Checkpoint the WAL into the main file and drop the connection (and with it the key)."""
        if self._raw is None:
            return
        try:
            self._raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.engine.dispose()  # closes the one pooled connection, and with it the key
            self._raw.close()
            self._raw = None

    def __enter__(self) -> StudyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- work ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        with self.sessions() as db, db.begin():
            yield db

    def raw_execute(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement on the raw connection outside any transaction (PRAGMA, VACUUM)."""
        assert self._raw is not None, "study is closed"
        rows: list[tuple[Any, ...]] = self._raw.execute(sql).fetchall()
        return rows

    def raw_connection(self) -> Any:
        """The keyed DB-API connection itself, for read-only raw SQL (plrdesk info)."""
        assert self._raw is not None, "study is closed"
        return self._raw

    def interrupt(self) -> None:
        """Abort the statement running on this study's connection (from any thread)."""
        if self._raw is not None:
            self._raw.interrupt()

    def study_row(self, db: Session) -> Study:
        row = db.scalars(select(Study)).first()
        if row is None:
            raise NotAStudyFile(f"{self.path}: the study record is missing")
        return row

    def rekey(self, new_passphrase: str) -> None:
        """Re-encrypt every page under a new passphrase; the old one stops working."""
        self.raw_execute(f"PRAGMA rekey = {cipher.quote_passphrase(new_passphrase)}")

    def integrity_problems(self) -> list[str]:
        """Both checks: SQLite's page structure and SQLCipher's per-page HMACs. [] means sound."""
        problems: list[str] = []
        for pragma in ("integrity_check", "cipher_integrity_check"):
            try:
                rows = self.raw_execute(f"PRAGMA {pragma}")
            except sqlcipher3.DatabaseError as exc:  # a page that does not decrypt stops the check
                problems.append(f"{pragma}: {exc}")
                continue
            problems += [str(row[0]) for row in rows if row[0] != "ok"]
        return problems

    def vacuum(self) -> None:
        """Rewrite the file without free pages, then empty the WAL so no old page survives."""
        self.raw_execute("VACUUM")
        self.raw_execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
