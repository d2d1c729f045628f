"""Backing up and restoring the clinic database (the archive around it, with the photos, is
:mod:`.archive`).

SQLite: the online backup API (a consistent copy while the clinic runs). PostgreSQL:
``pg_dump --format=custom`` and ``pg_restore --clean --single-transaction``, so a restore that
fails leaves the database as it was.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from microneedling.clinic.db import Database
from microneedling.errors import InvalidInput

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"


def _pg_tool(name: str) -> str:
    """The newest Debian-packaged client tool, else the one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    tool = shutil.which(name)
    if tool is None:
        raise InvalidInput("database", f"{name} is not installed (Debian: postgresql-client)")
    return tool


def _pg_target(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries the password.

    Refused behind PgBouncer's transaction pooling: pg_dump and pg_restore empty the
    ``search_path`` for their session, and PgBouncer would hand that server connection on to
    the clinic's next transaction (seen: "no schema has been selected to create in").
    """
    if db.transaction_pooling:
        raise InvalidInput(
            "database",
            "backups and restores need the primary directly, not PgBouncer's transaction "
            "pooling (its pooled connections would keep pg_dump's empty search_path): set "
            "DATABASE_URL to the primary's address and MICRONEEDLING_DATABASE_TRANSACTION_POOLING"
            "=false for this command",
        )
    url = make_url(db.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise InvalidInput("database", f"{what} failed: {message[-1] if message else '?'}")


def backup(db: Database, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` (which must not exist)."""
    if target.exists():
        raise InvalidInput("path", f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.backend == "sqlite":
        with db.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            copy = sqlite3.connect(target)
            try:
                raw.backup(copy)
            finally:
                copy.close()
        return target
    url, env = _pg_target(db)
    _run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", url],
        env,
        "pg_dump",
    )
    return target


def restore(db: Database, source: Path) -> None:
    """Replace the database's content with the backup in ``source``, then migrate it."""
    if not source.is_file():
        raise InvalidInput("path", f"{source} is not a file")
    header = source.read_bytes()[:16]
    if db.backend == "sqlite":
        if not header.startswith(SQLITE_HEADER):
            raise InvalidInput("path", f"{source} is not an SQLite database backup")
        _check_sqlite_backup(source)
        db.dispose()
        live = db.sqlite_path
        assert live is not None
        origin = sqlite3.connect(source)
        target = sqlite3.connect(live)
        try:
            origin.backup(target)
        finally:
            origin.close()
            target.close()
        db.dispose()
    else:
        if not header.startswith(PGDUMP_HEADER):
            raise InvalidInput("path", f"{source} is not a pg_dump custom-format backup")
        db.dispose()
        url, env = _pg_target(db)
        _run(
            [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--exit-on-error", f"--dbname={url}", str(source)],
            env,
            "pg_restore",
        )  # fmt: skip
    db.migrate()


def _check_sqlite_backup(source: Path) -> None:
    connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        ok = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError:
        raise InvalidInput("path", f"{source} is not a readable SQLite database") from None
    finally:
        connection.close()
    if "alembic_version" not in tables or "patients" not in tables:
        raise InvalidInput("path", f"{source} is not a clinic database backup")
    if not ok or ok[0] != "ok":
        raise InvalidInput("path", f"{source} fails SQLite's integrity check")
