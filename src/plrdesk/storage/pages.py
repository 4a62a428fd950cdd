"""SQLCipher 4's page format, read by us: enough to check a page's HMAC without SQLite.

Two questions need it: does this passphrase open this file's first page (so a later
failure is damage, not a wrong passphrase), and was this `-wal` frame written under this
study's key (`wal_check`). Settings are SQLCipher 4's defaults, which plrdesk never
changes (docs/recovery.md): PBKDF2-HMAC-SHA512 with 256,000 rounds over the passphrase
and the file's 16-byte salt; an HMAC key from that key and the salt XOR 0x3a in 2 rounds;
each page ends in a 16-byte IV and a 64-byte HMAC-SHA512 over ciphertext, IV and the
little-endian page number; page 1 begins with the salt in the clear.
The key derivation costs about 0.1 s, so these run only off the happy path.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

PAGE_SIZE = 4096
SALT_SIZE = 16
RESERVE_SIZE = 80  # 16-byte IV, then a 64-byte HMAC-SHA512
KDF_ITERATIONS = 256_000
HMAC_KDF_ITERATIONS = 2
HMAC_SALT_MASK = 0x3A
KEY_SIZE = 32


def first_page_verifies(path: Path, passphrase: str) -> bool:
    """True when `passphrase` is the key of `path`'s first page (whatever else is wrong)."""
    try:
        with path.open("rb") as handle:
            first = handle.read(PAGE_SIZE)
    except OSError:
        return False
    if len(first) != PAGE_SIZE:
        return False
    return page_verifies(first, 1, hmac_key(passphrase, first[:SALT_SIZE]))


def hmac_key(passphrase: str, salt: bytes) -> bytes:
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_SIZE)
    hmac_salt = bytes(b ^ HMAC_SALT_MASK for b in salt)
    return hashlib.pbkdf2_hmac("sha512", key, hmac_salt, HMAC_KDF_ITERATIONS, KEY_SIZE)


def page_verifies(page: bytes, pgno: int, hmac_key: bytes) -> bool:
    if pgno == 0 or len(page) != PAGE_SIZE:
        return False
    start = SALT_SIZE if pgno == 1 else 0
    mac_start = PAGE_SIZE - RESERVE_SIZE + 16
    mac = hmac.new(hmac_key, page[start:mac_start] + pgno.to_bytes(4, "little"), "sha512")
    return hmac.compare_digest(mac.digest(), page[mac_start:])
