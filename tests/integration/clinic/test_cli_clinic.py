"""``microneedling db`` and ``microneedling serve --demo`` as a person runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from microneedling.cli import app

runner = CliRunner()


def test_db_commands_create_admin_backup_and_restore(tmp_path: Path) -> None:
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
    assert "not an SQLite database backup" in refused.output


def test_settings_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICRONEEDLING_ENVIRONMENT", "production")
    result = runner.invoke(app, ["db", "migrate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "secret_key" in result.output


@pytest.mark.slow
def test_serve_demo_starts_a_clinic_staff_can_sign_in_to(tmp_path: Path) -> None:
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
        token = httpx.post(
            f"{base}/api/auth/token", json={"username": "dr.hale", "password": match[1]}
        ).json()["token"]
        patients = httpx.get(f"{base}/api/patients", headers={"Authorization": f"Bearer {token}"})
        assert patients.json()["total"] == 5
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()
