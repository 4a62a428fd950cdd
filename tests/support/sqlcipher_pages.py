"""Decrypt SQLCipher 4 files without SQLCipher, so tests can inspect what is on disk.

The point of this module is to be an *independent* reader: if a test asked
SQLCipher itself whether a secret reached the disk, a bug shared by writer and
reader could hide it. Here the page format is re-implemented from SQLCipher's
documented v4 defaults using only the ``cryptography`` package:

* page size 4096, plaintext header size 0;
* encryption key = PBKDF2-HMAC-SHA512(passphrase, salt, 256000 iterations, 32 bytes),
  where the salt is the first 16 bytes of the main database file;
* HMAC key = PBKDF2-HMAC-SHA512(encryption key, salt XOR 0x3a, 2 iterations, 32 bytes);
* each page is AES-256-CBC encrypted (no padding) and ends in an 80-byte reserve
  holding a 16-byte IV followed by a 64-byte HMAC-SHA512 over
  ``ciphertext || IV || little-endian uint32 page number``;
* on page 1 the first 16 bytes hold the salt instead of the SQLite magic and are
  not encrypted (SQLCipher ``sqlite3Codec`` / ``sqlcipher_page_cipher`` /
  ``sqlcipher_page_hmac`` in ``src/sqlcipher.c``).

Decrypted pages are returned as full ``PAGE_SIZE`` SQLite pages: page 1 gets the
``SQLite format 3\\0`` magic back (as SQLCipher does in memory) and the reserve
area is zero-filled, so the pages of a checkpointed database can be concatenated
into a plain SQLite file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

__all__ = [
    "PAGE_SIZE",
    "RESERVE_SIZE",
    "SALT_SIZE",
    "decrypt_database",
    "decrypt_wal",
    "derive_key",
    "plaintext_everywhere",
    "read_salt",
]

PAGE_SIZE = 4096
SALT_SIZE = 16
KEY_SIZE = 32
KDF_ITERATIONS = 256_000
# SQLCipher derives the HMAC key from the already-stretched encryption key, so a
# couple of iterations suffice; 2 is its compiled-in FAST_PBKDF2_ITER.
HMAC_KDF_ITERATIONS = 2
HMAC_SALT_MASK = 0x3A
IV_SIZE = 16
HMAC_SIZE = 64
# IV + HMAC; SQLCipher rounds the reserve up to the AES block size, and 80 is
# already a multiple of 16, so there is no random padding after the HMAC.
RESERVE_SIZE = IV_SIZE + HMAC_SIZE
SQLITE_MAGIC = b"SQLite format 3\x00"

WAL_HEADER_SIZE = 32
WAL_FRAME_HEADER_SIZE = 24


@dataclass(frozen=True, slots=True)
class _Keys:
    """The pair of keys SQLCipher derives from one passphrase and salt."""

    cipher_key: bytes
    hmac_key: bytes


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """Return the 32-byte AES key SQLCipher 4 derives from ``passphrase`` and ``salt``.

    SQLCipher feeds the passphrase to PBKDF2 as its UTF-8 bytes, which is what
    ``PRAGMA key = '...'`` hands over from a Python ``str``.
    """
    if len(salt) != SALT_SIZE:
        raise ValueError(f"SQLCipher salt must be {SALT_SIZE} bytes, got {len(salt)}")
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA512(),
        length=KEY_SIZE,
        salt=salt,
        iterations=KDF_ITERATIONS,
    )
    return kdf.derive(passphrase.encode("utf-8"))


def _derive_keys(passphrase: str, salt: bytes) -> _Keys:
    """Derive both keys; callers reuse the result because the KDF is deliberately slow."""
    cipher_key = derive_key(passphrase, salt)
    # A distinct salt keeps the HMAC key unrelated to the cipher key even though
    # both come from the same secret.
    hmac_salt = bytes(b ^ HMAC_SALT_MASK for b in salt)
    kdf = PBKDF2HMAC(
        algorithm=hashes.SHA512(),
        length=KEY_SIZE,
        salt=hmac_salt,
        iterations=HMAC_KDF_ITERATIONS,
    )
    return _Keys(cipher_key=cipher_key, hmac_key=kdf.derive(cipher_key))


def _decrypt_page(page: bytes, pgno: int, keys: _Keys, where: str) -> bytes:
    """Verify and decrypt one on-disk page, returning it as a plain SQLite page.

    ``where`` only feeds the error message, so a failing test says which file
    and which page was bad.
    """
    if len(page) != PAGE_SIZE:
        raise ValueError(f"{where}: expected {PAGE_SIZE} bytes, got {len(page)}")
    # Page 1 starts with the unencrypted salt; everything else is encrypted
    # from byte 0.
    start = SALT_SIZE if pgno == 1 else 0
    iv_start = PAGE_SIZE - RESERVE_SIZE
    mac_start = iv_start + IV_SIZE
    iv = page[iv_start:mac_start]
    stored_mac = page[mac_start : mac_start + HMAC_SIZE]

    # Authenticate before decrypting, as SQLCipher does: CBC would happily
    # "decrypt" garbage under a wrong key, and the page number in the MAC
    # catches pages that were swapped around.
    mac = hmac.HMAC(keys.hmac_key, hashes.SHA512())
    mac.update(page[start:mac_start])  # ciphertext followed by the IV
    mac.update(pgno.to_bytes(4, "little"))
    try:
        mac.verify(stored_mac)
    except InvalidSignature:
        raise ValueError(
            f"{where}: HMAC check failed for page {pgno} "
            "(wrong passphrase, wrong salt, or corrupted page)"
        ) from None

    decryptor = Cipher(algorithms.AES(keys.cipher_key), modes.CBC(iv)).decryptor()
    plaintext = decryptor.update(page[start:iv_start]) + decryptor.finalize()
    header = SQLITE_MAGIC if pgno == 1 else b""
    return header + plaintext + bytes(RESERVE_SIZE)


def read_salt(db_path: Path) -> bytes:
    """Return the KDF salt stored in the first 16 bytes of a SQLCipher database."""
    with db_path.open("rb") as handle:
        salt = handle.read(SALT_SIZE)
    if len(salt) != SALT_SIZE:
        raise ValueError(f"{db_path}: too short to hold a SQLCipher salt")
    return salt


def _decrypt_database_bytes(data: bytes, keys: _Keys, where: str) -> list[bytes]:
    """Decrypt every page of a main database image, numbering pages from 1."""
    if len(data) % PAGE_SIZE:
        # A torn file would otherwise leave its tail unexamined.
        raise ValueError(f"{where}: size {len(data)} is not a multiple of {PAGE_SIZE}")
    return [
        _decrypt_page(data[offset : offset + PAGE_SIZE], index + 1, keys, where)
        for index, offset in enumerate(range(0, len(data), PAGE_SIZE))
    ]


def decrypt_database(path: Path, passphrase: str) -> list[bytes]:
    """Return every page of the SQLCipher database at ``path``, decrypted and verified.

    Raises ``ValueError`` naming the page whose HMAC does not match, which is
    page 1 when the passphrase is wrong. An empty file has no pages.
    """
    data = path.read_bytes()
    if not data:
        return []
    keys = _derive_keys(passphrase, data[:SALT_SIZE])
    return _decrypt_database_bytes(data, keys, str(path))


def _decrypt_wal_bytes(data: bytes, keys: _Keys, where: str) -> list[bytes]:
    """Decrypt every frame of a WAL image, in file order (stale frames included)."""
    if not data:
        return []
    if len(data) < WAL_HEADER_SIZE:
        raise ValueError(f"{where}: truncated WAL header ({len(data)} bytes)")
    # The WAL header is plaintext SQLite metadata; checking its page size guards
    # against silently mis-slicing frames if the database's page size changes.
    wal_page_size = int.from_bytes(data[8:12], "big")
    if wal_page_size != PAGE_SIZE:
        raise ValueError(f"{where}: WAL page size {wal_page_size}, expected {PAGE_SIZE}")
    frame_size = WAL_FRAME_HEADER_SIZE + PAGE_SIZE
    body = len(data) - WAL_HEADER_SIZE
    if body % frame_size:
        raise ValueError(f"{where}: WAL ends in a partial frame")

    pages: list[bytes] = []
    # Every frame is decrypted, not just the committed ones: frames left over
    # from before a WAL reset are still on disk and so still count as leaks.
    for index, offset in enumerate(range(WAL_HEADER_SIZE, len(data), frame_size)):
        pgno = int.from_bytes(data[offset : offset + 4], "big")
        if pgno == 0:
            raise ValueError(f"{where}: WAL frame {index} has page number 0")
        page = data[offset + WAL_FRAME_HEADER_SIZE : offset + frame_size]
        pages.append(_decrypt_page(page, pgno, keys, f"{where} frame {index}"))
    return pages


def decrypt_wal(path: Path, passphrase: str, salt: bytes) -> list[bytes]:
    """Return the decrypted page of every frame in the ``-wal`` file at ``path``.

    ``salt`` must come from the main database file (see ``read_salt``), because
    the WAL has no salt of its own. A missing or empty WAL yields ``[]``.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    if not data:
        return []
    return _decrypt_wal_bytes(data, _derive_keys(passphrase, salt), str(path))


def plaintext_everywhere(db_path: Path, passphrase: str) -> bytes:
    """Return all plaintext a reader of the database's files could recover.

    This is the decrypted main file, the decrypted ``-wal`` frames and the raw
    ``-shm`` bytes (the WAL index is never encrypted), concatenated, so a test
    can assert ``b"secret" not in plaintext_everywhere(path, key)``.

    A missing main file raises ``FileNotFoundError`` rather than returning
    ``b""``: a mistyped path must not make a "not in" assertion pass vacuously.
    """
    data = db_path.read_bytes()
    wal_path = db_path.with_name(db_path.name + "-wal")
    shm_path = db_path.with_name(db_path.name + "-shm")
    wal_data = wal_path.read_bytes() if wal_path.exists() else b""

    chunks: list[bytes] = []
    if data or wal_data:
        # Derive once for both files: each derivation costs ~0.1 s on purpose.
        keys = _derive_keys(passphrase, read_salt(db_path))
        chunks.extend(_decrypt_database_bytes(data, keys, str(db_path)))
        chunks.extend(_decrypt_wal_bytes(wal_data, keys, str(wal_path)))
    if shm_path.exists():
        chunks.append(shm_path.read_bytes())
    return b"".join(chunks)
