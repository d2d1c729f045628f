"""Keys the clinic keeps outside its database: from a setting, or a key file made once.

The audit chain's key and the key that seals authenticator secrets are both read this way, so
a copy of the database (or of a backup, which does not hold the data directory's key files when
they are kept elsewhere) opens neither.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Random bytes in a key file this module makes (written as hex, mode 0600).
KEY_BYTES = 32


def load_or_make_key(key: str | None, key_file: Path) -> bytes:
    """``key`` (from the environment) or the key file's bytes, making the file on first use."""
    if key:
        return key.encode()
    if key_file.exists():
        return bytes.fromhex(key_file.read_text().strip())
    key_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return bytes.fromhex(key_file.read_text().strip())
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(KEY_BYTES) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return bytes.fromhex(key_file.read_text().strip())
