"""A leftover `-wal` is replayed only when it was written under this study's own key.

SQLite checkpoints a WAL by copying its frames into the database as they are, and with
SQLCipher those frames are pages encrypted under the key of whichever database wrote
them. A `-wal` from another study (copied beside this one from a USB stick, say) is a
perfectly valid WAL to SQLite, and checkpointing it writes the stranger's pages into this
study, which can then never be read again. So before SQLite may see a leftover WAL, we
check every committed frame's HMAC ourselves with this study's keys (SQLCipher 4's
defaults, as in docs/recovery.md). A frame that does not verify means the WAL is not
ours: it is moved aside, never deleted, and the study opens as it was.

A genuine crash leftover verifies and is replayed by SQLite as usual. Only frames SQLite
itself would replay are checked: those whose salts match the WAL header and whose
checksum chain holds, up to the last commit frame.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

from plrdesk.storage.files import move_into_place
from plrdesk.storage.pages import PAGE_SIZE, SALT_SIZE, hmac_key, page_verifies

WAL_HEADER_SIZE = 32
FRAME_HEADER_SIZE = 24
_WAL_MAGIC = (0x377F0682, 0x377F0683)


def set_aside_if_foreign(study: Path, passphrase: str) -> Path | None:
    """Check `study`'s `-wal`; move it (and `-shm`) aside if it is not this study's.

    Returns where it was moved, or None when there was nothing to move. Does nothing when
    the passphrase does not open the main file: the open then fails on its own.
    """
    wal = study.with_name(study.name + "-wal")
    try:
        with wal.open("rb") as handle:
            head = handle.read(WAL_HEADER_SIZE + FRAME_HEADER_SIZE + PAGE_SIZE)
    except FileNotFoundError:
        return None
    frame = first_frame(head)
    if frame is None:
        return None  # no frame SQLite would read: nothing would be replayed
    with study.open("rb") as handle:
        first_page = handle.read(PAGE_SIZE)
    if len(first_page) != PAGE_SIZE:
        return None
    key = hmac_key(passphrase, first_page[:SALT_SIZE])
    if not page_verifies(first_page, 1, key):
        return None  # wrong passphrase (or a damaged first page): the open will say so
    if page_verifies(frame[1], frame[0], key):
        return None
    return _move_aside(study, wal)


def first_frame(data: bytes) -> tuple[int, bytes] | None:
    """The page number and page of the WAL's first current frame; None if it has none.

    One frame decides: every frame of one WAL is written under one key, so a stranger's
    first frame already fails. Ours fails only if it is torn, and then SQLite's own
    checksum would replay nothing from it either. Checking one frame keeps the open of
    a study with a large crash leftover (a killed import) instant.
    """
    if len(data) < WAL_HEADER_SIZE + FRAME_HEADER_SIZE + PAGE_SIZE:
        return None
    magic, _version, page_size, _seq, salt1, salt2, ck1, ck2 = struct.unpack(">8I", data[:32])
    if magic not in _WAL_MAGIC or _checksum(data[:24], magic & 1) != (ck1, ck2):
        return None  # SQLite ignores a WAL whose header is not whole
    if page_size != PAGE_SIZE:
        return (0, b"")  # a page size plrdesk never writes: certainly not this study's
    pgno, _size_after, f_salt1, f_salt2 = struct.unpack(">4I", data[32:48])
    if pgno == 0 or (f_salt1, f_salt2) != (salt1, salt2):
        return None  # frames of an earlier generation: SQLite skips them
    start = WAL_HEADER_SIZE + FRAME_HEADER_SIZE
    return pgno, data[start : start + PAGE_SIZE]


def _checksum(data: bytes, big_endian: int) -> tuple[int, int]:
    """SQLite's WAL checksum (walChecksumBytes) over the 24-byte header."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    s1 = s2 = 0
    for i in range(0, len(words), 2):
        s1 = (s1 + words[i] + s2) & 0xFFFFFFFF
        s2 = (s2 + words[i + 1] + s1) & 0xFFFFFFFF
    return s1, s2


def _move_aside(study: Path, wal: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = wal.with_name(f"{wal.name}.not-this-study-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = wal.with_name(f"{wal.name}.not-this-study-{stamp}-{n}")
    move_into_place(wal, target)
    # The -shm only indexes the WAL; SQLite rebuilds it, but a stale one must not linger.
    shm = study.with_name(study.name + "-shm")
    if shm.exists():
        move_into_place(shm, target.with_name(target.name + "-shm"))
    return target
