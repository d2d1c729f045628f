"""The clinic on a pooled, replicated PostgreSQL: a primary, a streaming replica made with
``pg_basebackup -R``, and PgBouncer in transaction pooling mode in front of both, all from
Debian's packages on loopback (tests/pg_cluster.py), stopped afterwards.

The API walk-through (test_walkthrough.py) runs unchanged with the clinic's only database URL
leading to PgBouncer (its migrations too); the recall list, a report, is read on the replica
once the replica has caught up, and on the primary while replay is paused, so it never misses
a booking just made. ``pg_stat_statements`` on each server shows where the report's query ran.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import create_engine, text
from test_walkthrough import test_patient_to_outcome_over_http as walk_through

from microneedling.clinic import Clinic, ClinicSettings
from pg_cluster import (
    PgBouncer,
    PostgresServer,
    pgbouncer_binary,
    postgres_bindir,
    start_pgbouncer,
    start_postgres,
    start_replica,
)

if TYPE_CHECKING:
    from clinic_support import Clock

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: The clinic databases made on the primary; each test takes the next one.
DATABASES = ("clinic_1", "clinic_2", "clinic_3", "clinic_4")
#: pg_stat_statements must be loaded at start, on the primary and on the replica.
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c shared_preload_libraries=pg_stat_statements"
)


def run_sql(server: PostgresServer, database: str, sql: str) -> list[tuple[object, ...]]:
    """Run ``sql`` directly on one server (not through PgBouncer), as the superuser."""
    engine = create_engine(server.url(database), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(text(sql))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@dataclass
class PooledCluster:
    primary: PostgresServer
    replica: PostgresServer
    bouncer: PgBouncer
    unused: list[str] = field(default_factory=lambda: list(DATABASES))

    def take(self) -> str:
        return self.unused.pop(0)

    def bouncer_transactions(self, database: str) -> int:
        """Transactions PgBouncer has passed to ``database`` (its admin console, SHOW STATS)."""
        psql = str(self.primary.bindir / "psql")
        shown = subprocess.run(
            [psql, "-h", "127.0.0.1", "-p", str(self.bouncer.port), "-U", "postgres",
             "-d", "pgbouncer", "-A", "-F", "|", "-c", "SHOW STATS"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        header, *rows = shown.stdout.splitlines()
        columns = header.split("|")
        for row in rows:
            values = dict(zip(columns, row.split("|"), strict=False))
            if values.get("database") == database:
                return int(values["total_xact_count"])
        return 0


@pytest.fixture(scope="module")
def pooled() -> Iterator[PooledCluster]:
    bindir, bouncer_binary = postgres_bindir(), pgbouncer_binary()
    if bindir is None or bouncer_binary is None:
        message = "needs Debian's postgresql and pgbouncer packages (make test installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    primary = start_postgres(bindir, SERVER_OPTIONS)
    stops: list[Callable[[], None]] = [primary.stop]
    try:
        admin = create_engine(primary.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in DATABASES:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        for name in DATABASES:  # before the base backup: the replica gets them with it
            run_sql(primary, name, "CREATE EXTENSION pg_stat_statements")
        replica = start_replica(primary, SERVER_OPTIONS)
        stops.append(replica.stop)
        targets = {"*": f"host=127.0.0.1 port={primary.port}"}
        for name in DATABASES:
            targets[f"{name}_replica"] = f"host=127.0.0.1 port={replica.port} dbname={name}"
        bouncer = start_pgbouncer(bouncer_binary, targets, pool_mode="transaction")
        stops.append(bouncer.stop)
        yield PooledCluster(primary, replica, bouncer)
    finally:
        for stop in reversed(stops):
            stop()


@pytest.fixture
def database(pooled: PooledCluster) -> str:
    return pooled.take()


@pytest.fixture
def db_url(pooled: PooledCluster, database: str) -> str:
    """The clinic's database through PgBouncer (replaces the both-backends fixture here)."""
    return pooled.bouncer.url(database)


@pytest.fixture
def settings(settings: ClinicSettings, pooled: PooledCluster, database: str) -> ClinicSettings:
    return settings.model_copy(
        update={
            "database_transaction_pooling": True,
            "replica_database_url": pooled.bouncer.url(f"{database}_replica"),
            "replica_wait_seconds": 0.5,
        }
    )


def test_the_walk_through_runs_through_pgbouncer(
    live_api: httpx.Client,
    tokens: dict[str, dict[str, str]],
    clock: Clock,
    intake_answers: dict[str, object],
    course: Callable[[object], dict[str, object]],
    jpeg: Callable[..., bytes],
    pooled: PooledCluster,
    database: str,
    clinic: Clinic,
) -> None:
    assert clinic.db.url.startswith(
        f"postgresql+psycopg://postgres@127.0.0.1:{pooled.bouncer.port}/"
    )
    walk_through(live_api, tokens, clock, intake_answers, course, jpeg)
    # Migrations, sign-ins and every request's transaction went through PgBouncer.
    assert pooled.bouncer_transactions(database) > 100
