"""``microneedling db`` and ``microneedling serve --demo`` as a person runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from microneedling.cli import app

runner = CliRunner()


def test_db_commands_create_admin_backup_and_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICRONEEDLING_BACKUP_PASSPHRASE", "a long enough backup passphrase")
    data = ["--data-dir", str(tmp_path / "data")]
    migrated = runner.invoke(app, ["db", "migrate", *data])
    assert migrated.exit_code == 0, migrated.output
    created = runner.invoke(app, ["db", "create-admin", "boss", *data])
    assert created.exit_code == 0, created.output
    assert re.search(r"Password \(shown once\): \S{16,}", created.output)
    taken = runner.invoke(app, ["db", "create-admin", "boss", *data])
    assert taken.exit_code == 2
    assert "taken" in taken.output
    backup = tmp_path / "clinic.backup"
    assert runner.invoke(app, ["db", "backup", str(backup), *data]).exit_code == 0
    assert backup.stat().st_size > 0
    again = runner.invoke(app, ["db", "backup", str(backup), *data])
    assert again.exit_code == 2
    restored = runner.invoke(app, ["db", "restore", str(backup), "--yes", *data])
    assert restored.exit_code == 0, restored.output
    junk = tmp_path / "junk"
    junk.write_text("junk")
    refused = runner.invoke(app, ["db", "restore", str(junk), "--yes", *data])
    assert refused.exit_code == 2
    assert "is not encrypted" in " ".join(refused.output.split())
    allowed = ["db", "restore", str(junk), "--yes", "--allow-unencrypted", *data]
    refused = runner.invoke(app, allowed)
    assert refused.exit_code == 2
    assert "not an SQLite database backup" in refused.output


def test_backup_archives_photos_and_says_which_it_could_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microneedling.cli.db import open_clinic

    monkeypatch.setenv("MICRONEEDLING_BACKUP_PASSPHRASE", "a long enough backup passphrase")
    from microneedling.clinic.demo import seed_demo

    data_dir = tmp_path / "data"
    clinic = open_clinic(data_dir)
    seed_demo(clinic)
    photos = sorted(p for p in clinic.settings.photo_dir.rglob("*") if p.is_file())
    clinic.db.dispose()
    assert photos
    data = ["--data-dir", str(data_dir)]
    whole = runner.invoke(app, ["db", "backup", str(tmp_path / "whole.tar"), *data])
    assert whole.exit_code == 0, whole.output
    assert f"{len(photos)} photo(s)" in " ".join(whole.output.split())
    photos[0].unlink()
    partial = runner.invoke(app, ["db", "backup", str(tmp_path / "partial.tar"), *data])
    assert partial.exit_code == 1
    relative = photos[0].relative_to(data_dir / "photos")
    assert f"warning: photo {relative} left out: file missing" in partial.output  # one line
    restored = runner.invoke(app, ["db", "restore", str(tmp_path / "whole.tar"), "--yes", *data])
    assert restored.exit_code == 0, restored.output
    assert "1 photo(s) written" in " ".join(restored.output.split())  # Rich wraps lines
    assert photos[0].is_file()


def test_settings_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICRONEEDLING_ENVIRONMENT", "production")
    result = runner.invoke(app, ["db", "migrate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "secret_key" in result.output


@dataclass
class Served:
    """A ``microneedling serve --demo`` process: its address and dr.hale's password."""

    process: subprocess.Popen[str]
    base: str
    password: str

    def stop(self) -> str:
        """Stop the server and return everything it printed after start-up."""
        self.process.terminate()
        rest, _ = self.process.communicate(timeout=20)
        return rest


@contextmanager
def served_demo(tmp_path: Path) -> Iterator[Served]:
    from clinic_support import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICRONEEDLING_")}
    env.pop("DATABASE_URL", None)
    env["MICRONEEDLING_ENVIRONMENT"] = "development"
    script = Path(sys.executable).parent / "microneedling"
    server = subprocess.Popen(
        [str(script), "serve", "--demo", "--port", str(port),
         "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        assert server.stdout is not None
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            lines.append(line)
            if "Clinic API on" in line or server.poll() is not None:
                break
        output = "".join(lines)
        match = re.search(r"dr\.hale\s*│\s*practitioner\s*│\s*(\S+)", output)
        assert match, output
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield Served(server, base, match[1])
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()


def _bearer(served: Served) -> dict[str, str]:
    token = httpx.post(
        f"{served.base}/api/auth/token", json={"username": "dr.hale", "password": served.password}
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.slow
def test_serve_demo_starts_a_clinic_staff_can_sign_in_to(tmp_path: Path) -> None:
    with served_demo(tmp_path) as served:
        patients = httpx.get(f"{served.base}/api/patients", headers=_bearer(served))
        assert patients.json()["total"] == 5


@pytest.mark.slow
def test_serve_logs_requests_without_names_or_dates_of_birth(tmp_path: Path) -> None:
    with served_demo(tmp_path) as served:
        found = httpx.get(
            f"{served.base}/api/patients",
            params={"name": "Marsh", "born_on": "1971-04-12"},
            headers=_bearer(served),
        )
        assert found.json()["total"] == 1
        log = served.stop()
    # The request is logged (by path), the search terms are not.
    assert '"GET /api/patients HTTP/1.1" 200' in log, log
    assert "Marsh" not in log
    assert "1971-04-12" not in log
