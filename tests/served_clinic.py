"""The real ``microneedling serve`` in its own process, for tests that need the whole server.

A fresh SQLite clinic in a data directory with one admin and one front-desk account (password
:data:`PASSWORD`), served on a free loopback port by the CLI command itself, so uvicorn runs
with exactly the options an operator gets. Tests may kill it (SIGKILL) and start it again on
the same data directory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from clinic_support import free_port
from microneedling.clinic import Clinic, ClinicSettings, Role
from microneedling.clinic.services.staff import StaffIn, create_staff

PASSWORD = "correct horse battery staple"
SECRET = "served-clinic-secret-" + "k" * 40
ACCOUNTS = {"admin": Role.ADMIN, "front-desk": Role.FRONT_DESK}


def make_clinic(data_dir: Path, **settings: object) -> None:
    """Create and migrate a clinic in ``data_dir`` with the test accounts."""
    clinic = Clinic(
        ClinicSettings(
            environment="test",
            secret_key=SECRET,  # type: ignore[arg-type]
            data_dir=data_dir,
            database_url=None,
            **settings,  # type: ignore[arg-type]
        )
    )
    clinic.start()
    for username, role in ACCOUNTS.items():
        create_staff(
            clinic,
            StaffIn(username=username, full_name=f"Test {username}", role=role, password=PASSWORD),
        )
    clinic.db.dispose()


class ServedClinic:
    """One ``microneedling serve`` process on ``data_dir``; ``env`` adds settings."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> str:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MICRONEEDLING_")}
        env.pop("DATABASE_URL", None)
        env |= {
            "MICRONEEDLING_ENVIRONMENT": "test",
            "MICRONEEDLING_SECRET_KEY": SECRET,
            "MICRONEEDLING_DATA_DIR": str(self.data_dir),
            **self.extra_env,
        }
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from microneedling.cli import main; main()",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                str(self.data_dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        self.url = f"http://127.0.0.1:{port}"
        # Generous: on a shared two-core machine start-up (imports, migrations) can take 30 s.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/login", timeout=10).status_code == 200:
                    return self.url
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("serve did not answer within 180 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as on a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
