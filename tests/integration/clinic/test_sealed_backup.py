"""Encrypted backups: ``db backup`` seals the archive; ``db restore`` refuses a wrong passphrase
or an altered archive before it changes anything, and old unencrypted archives only when told.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.clinic.sealed import CHUNK_BYTES, HEADER, MAGIC, open_sealed, seal
from microneedling.errors import InvalidInput

runner = CliRunner()
PASSPHRASE = "the clinic's backup passphrase"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for name in ("MICRONEEDLING_BACKUP_PASSPHRASE", "MICRONEEDLING_BACKUP_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    args = ["--data-dir", str(tmp_path / "data")]
    assert runner.invoke(app, ["db", "create-admin", "boss", *args]).exit_code == 0
    return args


def _key_file(tmp_path: Path, passphrase: str, name: str = "key") -> list[str]:
    path = tmp_path / name
    path.write_text(passphrase + "\n", encoding="utf-8")
    return ["--passphrase-file", str(path)]


def _staff(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "data" / "clinic.sqlite3") as connection:
        return [row[0] for row in connection.execute("SELECT username FROM staff ORDER BY id")]


def _restore(path: Path, data: list[str], *more: str) -> tuple[int, str]:
    result = runner.invoke(app, ["db", "restore", str(path), "--yes", *data, *more])
    return result.exit_code, " ".join(result.output.split())


def test_backup_refuses_to_write_without_a_passphrase(tmp_path: Path, data: list[str]) -> None:
    result = runner.invoke(app, ["db", "backup", str(tmp_path / "b.sealed"), *data])
    assert result.exit_code == 2
    assert "passphrase" in result.output
    assert not (tmp_path / "b.sealed").exists()
    # And there is no way to put the passphrase itself on the command line.
    typed = ["db", "backup", str(tmp_path / "b.sealed"), "--passphrase", PASSPHRASE, *data]
    assert runner.invoke(app, typed).exit_code == 2


def test_a_sealed_backup_restores_with_its_passphrase_only(
    tmp_path: Path, data: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "clinic.sealed"
    made = runner.invoke(
        app, ["db", "backup", str(archive), *data, *_key_file(tmp_path, PASSPHRASE)]
    )
    assert made.exit_code == 0, made.output
    raw = archive.read_bytes()
    assert raw.startswith(MAGIC)
    assert b"SQLite format 3" not in raw
    assert b"manifest.json" not in raw
    assert b"boss" not in raw
    assert archive.stat().st_mode & 0o077 == 0
    assert runner.invoke(app, ["db", "create-admin", "later", *data]).exit_code == 0
    assert _staff(tmp_path) == ["boss", "later"]
    code, output = _restore(archive, data, *_key_file(tmp_path, "not the right passphrase", "k2"))
    assert code == 2
    assert "passphrase is wrong" in output
    assert _staff(tmp_path) == ["boss", "later"]  # nothing changed
    code, output = _restore(archive, data)
    assert code == 2
    assert "is sealed" in output
    monkeypatch.setenv("MICRONEEDLING_BACKUP_PASSPHRASE", PASSPHRASE)  # the setting works too
    code, output = _restore(archive, data)
    assert code == 0, output
    assert _staff(tmp_path) == ["boss"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "header"])
def test_an_altered_archive_is_refused_before_anything_changes(
    tmp_path: Path, data: list[str], damage: str
) -> None:
    archive = tmp_path / "clinic.sealed"
    key = _key_file(tmp_path, PASSPHRASE)
    assert runner.invoke(app, ["db", "backup", str(archive), *data, *key]).exit_code == 0
    assert runner.invoke(app, ["db", "create-admin", "later", *data]).exit_code == 0
    raw = bytearray(archive.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x01
    elif damage == "truncate":
        del raw[-100:]
    elif damage == "append":
        raw += os.urandom(32)
    else:
        raw[20] ^= 0x80  # inside the salt: a different key
    archive.write_bytes(bytes(raw))
    code, output = _restore(archive, data, *key)
    assert code == 2, output
    assert "cannot be opened" in output
    assert _staff(tmp_path) == ["boss", "later"]


def test_old_unencrypted_archives_only_with_the_flag(tmp_path: Path, data: list[str]) -> None:
    from microneedling.cli.db import open_clinic
    from microneedling.clinic.archive import backup_clinic

    clinic = open_clinic(tmp_path / "data")
    old = backup_clinic(clinic.db, clinic.settings.photo_dir, tmp_path / "old.tar").path
    clinic.db.dispose()
    assert runner.invoke(app, ["db", "create-admin", "later", *data]).exit_code == 0
    code, output = _restore(old, data)
    assert code == 2
    assert "--allow-unencrypted" in output
    assert _staff(tmp_path) == ["boss", "later"]
    code, output = _restore(old, data, "--allow-unencrypted")
    assert code == 0, output
    assert _staff(tmp_path) == ["boss"]


def test_large_archives_stream_in_chunks_and_reordering_is_caught(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(os.urandom(2 * CHUNK_BYTES + 12345))
    sealed, opened = tmp_path / "sealed", tmp_path / "opened"
    seal(plain, sealed, PASSPHRASE)
    open_sealed(sealed, opened, PASSPHRASE)
    assert opened.read_bytes() == plain.read_bytes()
    raw = sealed.read_bytes()
    header, block = HEADER.size, CHUNK_BYTES + 16
    first, second = raw[header : header + block], raw[header + block : header + 2 * block]
    swapped = raw[:header] + second + first + raw[header + 2 * block :]
    (tmp_path / "swapped").write_bytes(swapped)
    with pytest.raises(InvalidInput, match="altered"):
        open_sealed(tmp_path / "swapped", tmp_path / "opened2", PASSPHRASE)
