"""Sealed backups: a backup archive encrypted and authenticated with a passphrase.

AES-256-GCM (the ``cryptography`` package) over the archive in 1 MiB chunks, so archives of
any size stream through a fixed amount of memory. The key is derived from the passphrase with
scrypt (RFC 7914; n = 2^15, r = 8, p = 1, a fresh 16-byte salt per archive). Each chunk's
96-bit nonce is a random 7-byte prefix, the chunk's 4-byte counter and a last-chunk flag, and
the header is authenticated with every chunk: a wrong passphrase, a changed byte, reordered,
dropped or appended chunks and a cut-off end are all refused. Opening writes the plaintext
only after each chunk is authenticated, and callers restore nothing until the whole archive
has been opened, so a refused archive changes nothing.

Layout: ``MAGIC (8) | version (1) | log2 n (1) | r (1) | p (1) | salt (16) | nonce prefix
(7) | chunk size (4)`` then chunks of ``chunk size + 16`` bytes (the last may be shorter).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from microneedling.errors import InvalidInput

MAGIC = b"MNSEALED"
VERSION = 1
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
HEADER = struct.Struct(">8sBBBB16s7sI")
#: scrypt cost: 2^15 x 8 x 128 B = 32 MiB of memory per derivation.
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
MIN_PASSPHRASE_CHARS = 12


def is_sealed(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    if not 10 <= log2_n <= 20 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise InvalidInput("path", "the sealed archive's key parameters are out of range")
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def seal(source: Path, target: Path, passphrase: str) -> None:
    """Encrypt ``source`` into the new file ``target`` (readable by its owner only)."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise InvalidInput(
            "passphrase",
            f"the backup passphrase must have at least {MIN_PASSPHRASE_CHARS} characters",
        )
    salt, prefix = os.urandom(16), os.urandom(7)
    header = HEADER.pack(MAGIC, VERSION, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, prefix,
                          CHUNK_BYTES)  # fmt: skip
    aead = AESGCM(_key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P))
    owner_only = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as plain, os.fdopen(owner_only, "wb") as out:
        out.write(header)
        chunk = plain.read(CHUNK_BYTES)
        counter = 0
        while True:
            following = plain.read(CHUNK_BYTES)
            last = not following
            out.write(aead.encrypt(_nonce(prefix, counter, last), chunk, header))
            if last:
                break
            chunk, counter = following, counter + 1


def open_sealed(source: Path, target: Path, passphrase: str) -> None:
    """Decrypt ``source`` into the new file ``target``; InvalidInput if the passphrase is wrong
    or the archive was altered (``target`` may then hold a prefix: callers discard it)."""
    with source.open("rb") as sealed:
        header = sealed.read(HEADER.size)
        try:
            magic, version, log2_n, r, p, salt, prefix, chunk_bytes = HEADER.unpack(header)
        except struct.error:
            raise InvalidInput("path", f"{source} is cut short: no complete header") from None
        if magic != MAGIC or version != VERSION:
            raise InvalidInput("path", f"{source} is not a sealed backup this version can open")
        if not 1 <= chunk_bytes <= 64 * CHUNK_BYTES:
            raise InvalidInput("path", f"{source} has an impossible chunk size")
        aead = AESGCM(_key(passphrase, salt, log2_n, r, p))
        owner_only = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(owner_only, "wb") as out:
            block = sealed.read(chunk_bytes + TAG_BYTES)
            counter = 0
            while True:
                following = sealed.read(chunk_bytes + TAG_BYTES)
                last = not following
                try:
                    out.write(aead.decrypt(_nonce(prefix, counter, last), block, header))
                except InvalidTag:
                    reason = (
                        "the passphrase is wrong, or the archive was altered"
                        if counter == 0
                        else "the archive was altered or cut short"
                    )
                    raise InvalidInput(
                        "passphrase", f"{source} cannot be opened: {reason}"
                    ) from None
                if last:
                    return
                block, counter = following, counter + 1


def read_passphrase(file: Path | None, from_env: str | None) -> str | None:
    """The passphrase: the first line of ``file`` if given, else ``from_env`` (the setting)."""
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise InvalidInput("passphrase-file", f"cannot read {file}: {error.strerror}") from None
        return lines[0] if lines else ""
    return from_env
