"""A throw-away PostgreSQL server on loopback from Debian's binaries, as tests/conftest.py does.

Unlike the tests' server it keeps PostgreSQL's default durability (fsync and synchronous
commit on), so the figures are what a clinic would see.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(args: list[str]) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + args, check=True, capture_output=True, text=True)


@contextmanager
def postgres_on_loopback() -> Iterator[str]:
    """The URL of an empty ``clinic`` database on a fresh server, stopped afterwards."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        raise SystemExit("PostgreSQL binaries not found: apt-get install postgresql")
    bindir = Path(initdb[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="mn-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=200"
    _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-o",
                  options, "-w", "start"])  # fmt: skip
    try:
        _as_postgres([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                      "postgres", "clinic"])  # fmt: skip
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/clinic"
    finally:
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)
