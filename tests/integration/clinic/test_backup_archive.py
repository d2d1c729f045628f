"""The backup archive holds the database and every photo; a restore checks it all first."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clinic_support import jpeg_with_exif, table_rows
from microneedling.clinic import Clinic, archive
from microneedling.clinic.archive import MANIFEST, backup_clinic, restore_clinic
from microneedling.clinic.backup import backup
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.outcomes import OutcomeService, PhotoIn
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput

if TYPE_CHECKING:
    from clinic_support import Team


def _with_photos(clinic: Clinic, team: Team, count: int = 3) -> list[str]:
    """A patient with ``count`` photos; their paths relative to the photo directory."""
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate(
            {"given_name": "Pia", "family_name": "Foto", "date_of_birth": "1985-02-03",
             "consent_photos": True}
        )
    )  # fmt: skip
    outcomes = OutcomeService(clinic, team.practitioner)
    before = set(_photo_files(clinic))
    for i in range(count):
        outcomes.add_photo(patient.id, PhotoIn(stage="baseline"), jpeg_with_exif(60 + i))
    return sorted(set(_photo_files(clinic)) - before)


def _photo_files(clinic: Clinic) -> dict[str, str]:
    root = clinic.settings.photo_dir
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_archive_restores_records_and_photos_after_both_are_lost(
    clinic: Clinic, team: Team, tmp_path: Path
) -> None:
    paths = _with_photos(clinic, team)
    rows, files = table_rows(clinic), _photo_files(clinic)
    assert sorted(files) == sorted(paths)
    summary = backup_clinic(clinic.db, clinic.settings.photo_dir, tmp_path / "clinic.tar")
    assert summary.photos == 3
    assert summary.left_out == {}
    with tarfile.open(summary.path) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    assert manifest["photos"] == files
    assert manifest["database"] == clinic.db.backend

    # Disaster: the photo directory is gone and the records have moved on.
    shutil.rmtree(clinic.settings.photo_dir)
    _with_photos(clinic, team, count=1)
    assert table_rows(clinic) != rows

    restored = restore_clinic(clinic.db, clinic.settings.photo_dir, summary.path)
    assert (restored.photos_written, restored.photos_present) == (3, 0)
    assert table_rows(clinic) == rows
    # The photo uploaded after the backup stays on disk (no record refers to it any more).
    assert set(files.items()) <= set(_photo_files(clinic).items())
    again = restore_clinic(clinic.db, clinic.settings.photo_dir, summary.path)
    assert (again.photos_written, again.photos_present) == (0, 3)


def test_a_missing_or_damaged_photo_is_left_out_and_named(
    clinic: Clinic, team: Team, tmp_path: Path
) -> None:
    gone, damaged, kept = _with_photos(clinic, team)
    root = clinic.settings.photo_dir
    (root / gone).unlink()
    (root / damaged).write_bytes(b"bit rot")
    summary = backup_clinic(clinic.db, root, tmp_path / "clinic.tar")
    assert summary.photos == 1
    assert summary.left_out == {
        gone: "file missing",
        damaged: "file does not match its SHA-256",
    }
    with tarfile.open(summary.path) as tar:
        assert f"photos/{kept}" in tar.getnames()
        assert f"photos/{damaged}" not in tar.getnames()
    restored = restore_clinic(clinic.db, root, summary.path)
    assert (restored.photos_written, restored.photos_present, restored.photos_repaired) == (0, 1, 0)


def test_restore_mends_a_photo_damaged_since_the_backup(
    clinic: Clinic, team: Team, tmp_path: Path
) -> None:
    _, second = _with_photos(clinic, team, count=2)
    files = _photo_files(clinic)
    summary = backup_clinic(clinic.db, clinic.settings.photo_dir, tmp_path / "clinic.tar")
    (clinic.settings.photo_dir / second).write_bytes(b"bit rot")
    restored = restore_clinic(clinic.db, clinic.settings.photo_dir, summary.path)
    assert (restored.photos_written, restored.photos_present, restored.photos_repaired) == (0, 1, 1)
    assert _photo_files(clinic) == files


def test_the_archive_and_its_staging_are_private(
    clinic: Clinic, team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_photos(clinic, team, count=1)
    # A usual umask: files created without an explicit mode would be readable by everyone.
    umask_before = os.umask(0o022)
    seen: list[int] = []
    real_backup = archive.backup

    def watch(db: object, target: Path) -> Path:
        written = real_backup(db, target)  # type: ignore[arg-type]
        seen.append(stat.S_IMODE(target.parent.stat().st_mode))
        return written

    monkeypatch.setattr(archive, "backup", watch)
    try:
        summary = backup_clinic(clinic.db, clinic.settings.photo_dir, tmp_path / "clinic.tar")
    finally:
        os.umask(umask_before)
    assert seen == [0o700]  # the database copy sat in a directory only its owner can enter
    assert stat.S_IMODE(summary.path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_archive_whose_database_is_not_a_file_is_refused(clinic: Clinic, tmp_path: Path) -> None:
    good = backup_clinic(clinic.db, clinic.settings.photo_dir, tmp_path / "good.tar").path
    odd = tmp_path / "odd.tar"
    with tarfile.open(good) as old, tarfile.open(odd, "w") as new:
        for member in old.getmembers():
            if member.name.startswith("database."):
                folder = tarfile.TarInfo(member.name)
                folder.type = tarfile.DIRTYPE
                new.addfile(folder)
            else:
                new.addfile(member, old.extractfile(member))
    rows = table_rows(clinic)
    with pytest.raises(InvalidInput, match="not a regular file"):
        restore_clinic(clinic.db, clinic.settings.photo_dir, odd)
    assert table_rows(clinic) == rows


def _tampered(source: Path, target: Path, change: dict[str, object]) -> Path:
    """A copy of the archive with its manifest entries replaced by ``change``."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == MANIFEST:
                data = json.dumps({**json.loads(data), **change}).encode()
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


def test_restore_checks_the_whole_archive_before_changing_anything(
    clinic: Clinic, team: Team, tmp_path: Path
) -> None:
    paths = _with_photos(clinic, team, count=2)
    good = backup_clinic(clinic.db, clinic.settings.photo_dir, tmp_path / "good.tar").path
    (clinic.settings.photo_dir / paths[1]).unlink()
    rows, files = table_rows(clinic), _photo_files(clinic)
    with tarfile.open(good) as tar:
        photos = json.loads(tar.extractfile(MANIFEST).read())["photos"]  # type: ignore[union-attr]
    wrong_sum = dict(photos, **{paths[1]: "0" * 64})
    cases = {
        "does not match its SHA-256": {"photos": wrong_sum},
        "outside the photo directory": {"photos": {"../../escape.jpg": "0" * 64}},
        "lacks photo": {"photos": dict(photos, **{"9/none.jpg": "0" * 64})},
        "unknown version": {"version": 99},
        "not a clinic backup archive": {"format": "something else"},
        "this clinic runs": {"database": "oracle"},
    }
    for i, (message, change) in enumerate(cases.items()):
        bad = _tampered(good, tmp_path / f"bad-{i}.tar", change)
        with pytest.raises(InvalidInput, match=message):
            restore_clinic(clinic.db, clinic.settings.photo_dir, bad)
        assert table_rows(clinic) == rows, message
        assert _photo_files(clinic) == files, message


def test_a_bare_database_backup_from_before_archives_still_restores(
    clinic: Clinic, team: Team, tmp_path: Path
) -> None:
    rows = table_rows(clinic)
    old = backup(clinic.db, tmp_path / "old.backup")
    _with_photos(clinic, team, count=1)
    files = _photo_files(clinic)
    summary = restore_clinic(clinic.db, clinic.settings.photo_dir, old)
    assert not summary.archive
    assert table_rows(clinic) == rows
    assert _photo_files(clinic) == files


def test_backup_refuses_an_existing_target(clinic: Clinic, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "taken.tar"
    target.write_bytes(b"keep me")
    with pytest.raises(InvalidInput, match="exists"):
        backup_clinic(clinic.db, clinic.settings.photo_dir, target)
    assert target.read_bytes() == b"keep me"
    assert [p.name for p in folder.iterdir()] == ["taken.tar"]
