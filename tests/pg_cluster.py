"""PostgreSQL servers, streaming replicas and PgBouncer from Debian's packages, for tests.

Each runs as the ``postgres`` user (when the tests run as root) in its own temporary
directory, listens on a free loopback port, and is stopped (its directory removed) by
``stop()``. PostgreSQL: /usr/lib/postgresql/*/bin (package ``postgresql``); PgBouncer:
/usr/sbin/pgbouncer (package ``pgbouncer``); ``make test`` installs both.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from clinic_support import free_port

#: How often PgBouncer refreshes the totals SHOW STATS gives [s].
STATS_PERIOD_SECONDS = 1

#: Durability is not what these servers test: skip the disk flushes.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def postgres_bindir() -> Path | None:
    """The newest Debian PostgreSQL's binaries, or None when the package is missing."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(initdb[-1]).parent if initdb else None


def pgbouncer_binary() -> str | None:
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )


def run_as_postgres(args: list[str]) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True)


def _private_root(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return root


@dataclass
class PostgresServer:
    """One running cluster: where it lives, its port, and how to stop it."""

    bindir: Path
    root: Path
    port: int
    running: bool = False

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, options: str) -> None:
        full = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} {options}"
        run_as_postgres(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
             "-o", full, "-w", "-t", "120", "start"]
        )  # fmt: skip
        self.running = True

    def halt(self) -> None:
        """Stop the server, keeping its files (a lost primary, in a failover drill)."""
        if self.running:
            run_as_postgres(
                [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
            )
            self.running = False

    def promote(self) -> None:
        """End recovery on a standby: it takes writes from now on."""
        run_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "promote"])

    def stop(self) -> None:
        try:
            self.halt()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(bindir: Path, options: str = FAST) -> PostgresServer:
    """A new cluster (trust authentication on loopback, UTF-8), started."""
    server = PostgresServer(bindir, _private_root("mn-pg-"), free_port())
    run_as_postgres(
        [str(bindir / "initdb"), "-D", str(server.data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8"]
    )  # fmt: skip
    try:
        server.start(options)
    except BaseException:
        shutil.rmtree(server.root, ignore_errors=True)
        raise
    return server


def start_replica(primary: PostgresServer, options: str = FAST) -> PostgresServer:
    """A hot standby of ``primary``: ``pg_basebackup -R`` (it writes the standby's
    ``primary_conninfo`` and ``standby.signal``), then streaming replication."""
    replica = PostgresServer(primary.bindir, _private_root("mn-pg-replica-"), free_port())
    try:
        run_as_postgres(
            [str(primary.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
             "-U", "postgres", "-D", str(replica.data), "-R", "-X", "stream",
             "--checkpoint=fast"]
        )  # fmt: skip
        replica.start(options)
    except BaseException:
        shutil.rmtree(replica.root, ignore_errors=True)
        raise
    return replica


@dataclass
class PgBouncer:
    """A running PgBouncer: its port and process."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, command: str, psql: Path) -> str:
        """Run one admin-console command (``SHOW STATS``, ``PAUSE clinic``, ``RELOAD``...)
        with ``psql``; its output, unaligned, fields split by ``|``."""
        done = subprocess.run(
            [str(psql), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", "pgbouncer", "-A", "-F", "|", "-c", command],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    def point(self, databases: dict[str, str], psql: Path) -> None:
        """Rewrite the ``[databases]`` lines and reload them (``RELOAD``)."""
        ini = self.root / "pgbouncer.ini"
        text = ini.read_text()
        settings = text[text.index("[pgbouncer]") :]
        ini.write_text(f"[databases]\n{_database_lines(databases)}\n\n{settings}")
        self.admin("RELOAD", psql)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def _database_lines(databases: dict[str, str]) -> str:
    return "\n".join(f"{name} = {target}" for name, target in databases.items())


def start_pgbouncer(binary: str, databases: dict[str, str], pool_mode: str) -> PgBouncer:
    """PgBouncer on a free loopback port, trusting the ``postgres`` user, with the given
    ``[databases]`` lines (name -> connection string); it refuses to run as root, so it runs
    as ``postgres`` then."""
    root = _private_root("mn-pgbouncer-")
    port = free_port()
    (root / "userlist.txt").write_text('"postgres" ""\n')
    (root / "pgbouncer.ini").write_text(
        f"[databases]\n{_database_lines(databases)}\n\n[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {root / 'userlist.txt'}\n"
        f"pool_mode = {pool_mode}\ndefault_pool_size = 10\nmax_client_conn = 200\n"
        f"logfile = {root / 'pgbouncer.log'}\nadmin_users = postgres\n"
        # SHOW STATS totals are refreshed every stats_period (60 s by default).
        f"stats_period = {STATS_PERIOD_SECONDS}\n"
    )
    for path in root.iterdir():
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
    user = "postgres" if os.geteuid() == 0 else None
    process = subprocess.Popen(
        [binary, str(root / "pgbouncer.ini")],
        user=user,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bouncer = PgBouncer(root, port, process)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            log = (root / "pgbouncer.log").read_text() if (root / "pgbouncer.log").exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"pgbouncer exited ({process.returncode}): {log[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return bouncer
        except OSError:
            if time.monotonic() > deadline:
                bouncer.stop()
                raise RuntimeError("pgbouncer did not start listening") from None
            time.sleep(0.05)
