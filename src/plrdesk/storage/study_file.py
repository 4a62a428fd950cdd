"""An open study: one encrypted file, one long-lived connection, one SQLAlchemy engine.

Holding a single connection (StaticPool) means the key is derived once per open and no
later operation pays for it again. SQLCipher has one writer anyway; the desktop app
runs every operation on one database worker thread.

Across processes, a study opened to be written holds its `study_lock.StudyLock`; one
opened to be read takes none and leaves the closing checkpoint to the writer. While open,
the study and its sidecars are `files.protected`: no output of this process lands there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy.exc
import sqlcipher3
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from plrdesk.domain.models import Study
from plrdesk.storage import cipher, driver_errors, files, migrate, study_lock
from plrdesk.storage.backups import automatic_backup
from plrdesk.storage.errors import NotAStudyFile, ReadOnlyLocation, StudyExists, StudyReplaced
from plrdesk.storage.opening import connect_existing

log = logging.getLogger(__name__)

STUDY_SUFFIX = ".plr"


class Identity(NamedTuple):
    """What the study file on disk looked like after our own last change to it."""

    device: int
    inode: int
    size: int
    modified_ns: int

    @classmethod
    def of(cls, path: Path) -> Identity | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class StudyFile:
    """An open, keyed study file. Close it (or use it as a context manager) to drop the key."""

    def __init__(
        self,
        path: Path,
        raw_connection: Any,
        *,
        lock: study_lock.StudyLock | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self._raw = raw_connection
        self.lock = lock
        self.read_only = read_only
        self.wal_set_aside: Path | None = None
        """Where a `-wal` that was not this study's was moved on opening, to tell the user."""
        self._guard = contextlib.ExitStack()
        self._guard.enter_context(files.protected(path))
        self._identity = Identity.of(path)
        self._replaced: str | None = None
        self._wal_aside: Path | None = None
        self._wal_id = _file_id(_wal(path))  # SQLite keeps its -wal while the study is open
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
            # Made here, empty and owner-only, so SQLite's file and the -wal and -shm it
            # makes beside it (with the same mode) are private from the first byte.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            study = cls(path, cipher.connect(path, passphrase, must_exist=False))
            migrate.create_schema(study.engine)
            with study.transaction() as db:
                db.add(Study(title=title, aims=[], created_at=dt.datetime.now(dt.UTC)))
        except BaseException:
            if study is not None:
                study.close()
            for leftover in files.family(path):
                leftover.unlink(missing_ok=True)
            raise
        log.info("created study file")
        return study

    @classmethod
    def open(
        cls, path: Path, passphrase: str, *, lock: study_lock.StudyLock | None = None
    ) -> StudyFile:
        """Open an existing study, upgrading its schema (after an encrypted backup) if older.

        With `lock` (held by the caller, handed over: closing releases it) the study is
        open to be written; without, to be read while others may write.
        """
        try:
            raw, set_aside, read_only = connect_existing(path, passphrase, writer=lock is not None)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        study = cls(path, raw, lock=lock, read_only=read_only)
        study.wal_set_aside = set_aside
        try:
            state = migrate.schema_state(study.engine)
            if state == migrate.SchemaState.FOREIGN:
                raise NotAStudyFile(f"{path}: an encrypted database, but not a plrdesk study")
            if state == migrate.SchemaState.OLDER:
                study._upgrade()
            elif state == migrate.SchemaState.NEWER:
                raise NotAStudyFile(f"{path}: made by a newer plrdesk; update plrdesk to open it")
        except (sqlcipher3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
            study.close()
            reason = getattr(exc, "orig", exc)  # the driver's own words, not SQLAlchemy's wrapper
            known = driver_errors.classify(exc, path)
            raise known or NotAStudyFile(f"{path}: the file is damaged ({reason})") from exc
        except BaseException:
            study.close()
            raise
        return study

    def _upgrade(self) -> None:
        """Back up, then migrate; a reader takes the write lock for it (or is told who has it)."""
        if self.read_only:
            raise ReadOnlyLocation(
                f"{self.path} was made by an older plrdesk and needs upgrading, but it is"
                " on a read-only disk or folder; copy it somewhere writable first"
            )
        held = self.lock or study_lock.StudyLock.acquire(self.path, study_lock.COMMAND)
        try:
            automatic_backup(self, reason="before-upgrade")
            migrate.upgrade(self.engine)
        finally:
            if self.lock is None:
                held.release()

    def close(self) -> None:
        """Checkpoint the WAL into the main file (a writer, or a reader alone with it) and drop
        the connection (and with it the key); then release the lock. A writer whose file was
        replaced under it keeps a copy of its own and leaves the new file untouched."""
        if self._raw is None:
            return
        abandoned = False
        try:
            if self.lock is not None:
                if self.replaced() is None:
                    self._checkpoint()
                else:
                    abandoned = self._abandon_wal()
            elif not self.read_only:
                with study_lock.unless_written(self.path) as alone:
                    if alone and self.replaced() is None:
                        self._checkpoint()
        finally:
            self.engine.dispose()  # closes the one pooled connection, and with it the key
            self._raw.close()
            self._raw = None
            if abandoned and self._wal_aside is not None:
                for ours in (self._wal_aside, Path(f"{self._wal_aside}-shm")):
                    ours.unlink(missing_ok=True)
            self._guard.close()
            if self.lock is not None:
                self.lock.release()

    def _checkpoint(self) -> None:
        with contextlib.suppress(Exception):  # a full disk: the WAL stays, and replays
            self._raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _abandon_wal(self) -> bool:
        """Our file was replaced: keep what we had as a backup, then empty our -wal, so its
        frames reach neither the file now at our name (SQLite's checkpoint on close writes
        through the inode it holds, which `cp` over the study reuses) nor its next opener.
        False when our -wal could not be moved out of the way (see _move_our_wal_aside)."""
        with contextlib.suppress(Exception):  # best effort: the app offered a copy already
            kept = automatic_backup(self, reason="replaced", verify=True)
            log.info("replaced study: kept a copy in %s", kept.parent)
        if self._wal_aside is None:
            return False
        with contextlib.suppress(OSError):
            os.truncate(self._wal_aside, 0)
        return True

    # -- the file under us -----------------------------------------------------------------

    def replaced(self) -> str | None:
        """Why the file on disk is no longer the one we opened (moved, replaced, written by
        someone else since our last change), or None when it still is. Once replaced, a
        study stays replaced: nothing we do afterwards makes the new file ours."""
        if self._replaced is None:
            self._replaced = self._differs()
            if self._replaced is not None and self.lock is not None:
                self._wal_aside = self._move_our_wal_aside()
        return self._replaced

    def _move_our_wal_aside(self) -> Path | None:
        """Our -wal must not sit beside the file now at our name: an opener would read our
        pages as its own (a backup of this study has the same key), and replay them after a
        crash. SQLite keeps writing through its open handle, so moving the name is safe."""
        if _file_id(_wal(self.path)) != self._wal_id:
            return None  # not ours any more (someone put a -wal there too): leave it
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f".{self.path.name}-wal.replaced-{stamp}")
        try:
            files.move_into_place(_wal(self.path), aside)
            shm = self.path.with_name(self.path.name + "-shm")
            if shm.exists():
                files.move_into_place(shm, aside.with_name(aside.name + "-shm"))
        except OSError:
            return None
        log.info("replaced study: our -wal moved out of its way")
        return aside

    def _differs(self) -> str | None:
        now = Identity.of(self.path)
        then = self._identity
        if then is None:
            return None
        if now is None:
            return f"{self.path} was moved or deleted while it was open"
        if (now.device, now.inode) != (then.device, then.inode):
            return f"{self.path} was replaced by another file while it was open"
        if (now.size, now.modified_ns) != (then.size, then.modified_ns):
            return f"{self.path} was changed by another program while it was open"
        return None

    def check_unchanged(self) -> None:
        """Raise StudyReplaced before a save would go into a file that is not ours any more."""
        reason = self.replaced()
        if reason is not None:
            raise StudyReplaced(reason)

    def note_own_changes(self) -> None:
        """After our own commit (which may checkpoint and so change the file), remember it;
        never a file that is not the one we opened."""
        now = Identity.of(self.path)
        then = self._identity
        if self._replaced is None and now and then and now[:2] == then[:2]:
            self._identity = now

    def __enter__(self) -> StudyFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- work ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error."""
        try:
            with self.sessions() as db, db.begin():
                yield db
        finally:
            # A commit may checkpoint and so change the file; so may one that failed half
            # way (a full disk). Either is ours: nobody else writes while we hold the lock.
            self.note_own_changes()

    def raw_execute(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement on the raw connection outside any transaction (PRAGMA, VACUUM)."""
        assert self._raw is not None, "study is closed"
        try:
            rows: list[tuple[Any, ...]] = self._raw.execute(sql).fetchall()
        finally:
            self.note_own_changes()
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


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino
