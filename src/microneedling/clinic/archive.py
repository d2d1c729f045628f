"""The clinic's backup archive: the database copy and every photo it refers to, in one file.

A photo is part of the record as much as a row is, so ``db backup`` writes one tar archive: the
database copy (:mod:`.backup`: SQLite's online backup or ``pg_dump``), the photos under
``photos/`` by their stored relative paths (streamed one at a time), and last
``manifest.json`` (format, database kind, schema revision, and the SHA-256 of every photo
inside). The database is copied first and
the photos listed afterwards: photos are never deleted and their files never change (each is
named by its checksum), so the list is a superset of what the copy refers to. A photo whose
file is missing or no longer matches its checksum is left out and named in the manifest and in
the summary, so the caller can say so; it is never copied damaged.

A restore checks the whole archive before it changes anything (manifest, database member, each
photo against its checksum), then replaces the database (:func:`.backup.restore`), writes the
photos the photo directory lacks and mends those whose file no longer matches its checksum.
Copies of the database on their way in or out are staged in a directory only this user can
enter, and the archive is created readable by its owner alone: it holds every record. A bare
database file from before archives (an SQLite file or a ``pg_dump`` custom-format file) is still
restored, photos untouched.

With a passphrase the archive is sealed (:mod:`.sealed`: AES-256-GCM, scrypt key) before it is
renamed into place, so no plaintext archive is ever left at ``target``; a sealed archive is
opened into the private staging directory and checked whole before the restore starts. An
unsealed archive is restored only when the caller allows it (``allow_unsealed``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from microneedling.clinic.backup import backup, restore
from microneedling.clinic.db import Database
from microneedling.clinic.models import Photo
from microneedling.clinic.photos import PhotoDamaged, read_photo, write_photo
from microneedling.clinic.sealed import is_sealed, open_sealed, seal
from microneedling.errors import InvalidInput

FORMAT = "microneedling-clinic-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds: the archive [bytes], photos in it, and photos left out (by path,
    with the reason)."""

    path: Path
    size_bytes: int
    photos: int
    left_out: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore wrote: photos added to the photo directory, photos already there intact,
    damaged photo files replaced by the archive's copy."""

    photos_written: int = 0
    photos_present: int = 0
    photos_repaired: int = 0
    archive: bool = True


@contextmanager
def _private_dir(near: Path | None) -> Iterator[Path]:
    """A fresh directory only this user can enter (mode 0700), in ``near`` (the system's
    temporary directory if None), removed with what it holds."""
    path = Path(tempfile.mkdtemp(dir=near, prefix=".microneedling-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def backup_clinic(
    db: Database, photo_dir: Path, target: Path, passphrase: str | None = None
) -> BackupSummary:
    """Write the database and its photos to the archive ``target`` (which must not exist),
    sealed with ``passphrase`` when one is given."""
    if target.exists():
        raise InvalidInput("path", f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the target (the same file system), renamed into place when complete.
    with _private_dir(target.parent) as work:
        dump, part = work / "database", work / "archive.tar"
        backup(db, dump)
        with db.engine.connect() as connection:
            listed = connection.execute(select(Photo.path, Photo.sha256).order_by(Photo.id)).all()
        inside: dict[str, str] = {}
        left_out: dict[str, str] = {}
        owner_only = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(owner_only, "wb") as file, tarfile.open(fileobj=file, mode="w") as tar:
            tar.add(dump, arcname=DATABASE_MEMBERS[db.backend], recursive=False)
            for relative, sha256 in listed:
                try:
                    data = read_photo(photo_dir, relative, sha256)
                except FileNotFoundError:
                    left_out[relative] = "file missing"
                    continue
                except PhotoDamaged:
                    left_out[relative] = "file does not match its SHA-256"
                    continue
                _add_bytes(tar, f"photos/{relative}", data)
                inside[relative] = sha256
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "database": db.backend,
                "schema_revision": db.schema_revision(),
                "photos": inside,
                "left_out": left_out,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
        if passphrase is not None:
            sealed = work / "archive.sealed"
            seal(part, sealed, passphrase)
            part.unlink()
            part = sealed
        os.replace(part, target)
    return BackupSummary(target, target.stat().st_size, len(inside), left_out)


def restore_clinic(
    db: Database,
    photo_dir: Path,
    source: Path,
    passphrase: str | None = None,
    *,
    allow_unsealed: bool = True,
) -> RestoreSummary:
    """Replace the database with the archive's and add its photos; a bare database file from
    before archives replaces the database only. A sealed archive needs ``passphrase``; an
    unsealed one is refused unless ``allow_unsealed``."""
    if not source.is_file():
        raise InvalidInput("path", f"{source} is not a file")
    if is_sealed(source):
        if passphrase is None:
            raise InvalidInput("passphrase", f"{source} is sealed: give its passphrase")
        with _private_dir(None) as work:
            opened = work / "archive.tar"
            open_sealed(source, opened, passphrase)  # every chunk authenticated first
            return restore_clinic(db, photo_dir, opened, allow_unsealed=True)
    if not allow_unsealed:
        raise InvalidInput(
            "path",
            f"{source} is not encrypted; restore it only if you trust where it has been "
            "(--allow-unencrypted)",
        )
    if not tarfile.is_tarfile(source):
        restore(db, source)
        return RestoreSummary(archive=False)
    with tarfile.open(source, "r") as tar:
        database, photos = _checked_members(tar, source, db.backend)
        with _private_dir(None) as work:
            dump = work / "database"
            member = tar.extractfile(database)
            assert member is not None  # a regular file: checked
            with member, dump.open("wb") as out:
                shutil.copyfileobj(member, out)
            restore(db, dump)
        counts = {"written": 0, "present": 0, "repaired": 0}
        for relative, sha256 in photos.items():
            counts[_put_photo(photo_dir, relative, sha256, tar)] += 1
    return RestoreSummary(counts["written"], counts["present"], counts["repaired"])


def _put_photo(photo_dir: Path, relative: str, sha256: str, tar: tarfile.TarFile) -> str:
    """Write one photo from the archive: ``"written"`` where there was none, ``"present"``
    where the file is intact, ``"repaired"`` where it no longer matched its checksum."""
    target = photo_dir / relative
    if target.is_file():
        if hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
            return "present"
        write_photo(photo_dir, relative, _read(tar, f"photos/{relative}"), replace=True)
        return "repaired"
    write_photo(photo_dir, relative, _read(tar, f"photos/{relative}"))
    return "written"


def _read(tar: tarfile.TarFile, name: str) -> bytes:
    """A member's bytes; KeyError if the archive has no such file."""
    member = tar.extractfile(name)
    if member is None:
        raise KeyError(name)
    with member:
        return member.read()


def _checked_members(
    tar: tarfile.TarFile, source: Path, backend: str
) -> tuple[tarfile.TarInfo, dict[str, str]]:
    """The database member and the photos (relative path: SHA-256), every member a regular file
    and every photo checked against its SHA-256; raises InvalidInput naming what is wrong
    before anything has been changed."""
    try:
        manifest = json.loads(_read(tar, MANIFEST))
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput("path", f"{source} is not a clinic backup archive")
    if manifest.get("version") != VERSION:
        version = manifest.get("version")
        raise InvalidInput("path", f"{source} is a backup archive of unknown version {version}")
    kind = manifest.get("database")
    if kind != backend:
        raise InvalidInput("path", f"{source} holds a {kind} database; this clinic runs {backend}")
    try:
        database = tar.getmember(DATABASE_MEMBERS[backend])
    except KeyError:
        raise InvalidInput("path", f"{source} has no database in it") from None
    if not database.isfile():
        raise InvalidInput("path", f"{source}: its database is not a regular file")
    expected = manifest.get("photos")
    if not isinstance(expected, dict):
        raise InvalidInput("path", f"{source} has no list of photos")
    for relative, sha256 in expected.items():
        if not _safe_relative(relative):
            raise InvalidInput("path", f"{source} names a photo outside the photo directory")
        try:
            if not tar.getmember(f"photos/{relative}").isfile():
                raise InvalidInput("path", f"{source}: photo {relative} is not a regular file")
            data = _read(tar, f"photos/{relative}")
        except KeyError:
            raise InvalidInput("path", f"{source} lacks photo {relative}") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InvalidInput("path", f"photo {relative} in {source} does not match its SHA-256")
    return database, dict(expected)


def _safe_relative(relative: object) -> bool:
    """A plain relative path inside the photo directory (no absolute path, no '..')."""
    if not isinstance(relative, str) or not relative:
        return False
    parts = Path(relative).parts
    return not Path(relative).is_absolute() and ".." not in parts and "" not in parts
