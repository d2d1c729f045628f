"""The failover drill of docs/deploy.md, run: the primary is lost, the replica is promoted,
PgBouncer's entries move to it, and the clinic carries on through the same URLs.

Debian's wrappers in the drill (``pg_ctlcluster 15 main promote``, ``systemctl reload
pgbouncer``) stand here for what they run: ``pg_ctl promote`` and PgBouncer's ``RELOAD``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text

from microneedling.clinic import Clinic, ClinicSettings
from microneedling.clinic.audit_chain import verify_trail
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.recall import RecallFilter, RecallService
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
    from clinic_support import Team

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@dataclass
class Drill:
    primary: PostgresServer
    replica: PostgresServer
    bouncer: PgBouncer

    def on(self, server: PostgresServer, sql: str) -> object:
        engine = create_engine(server.url("clinic"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql)).scalar_one()
        finally:
            engine.dispose()

    def entries(self, server: PostgresServer) -> dict[str, str]:
        """PgBouncer's two entries, as in docs/deploy.md, both leading to ``server``."""
        target = f"host=127.0.0.1 port={server.port} dbname=clinic"
        return {"clinic": target, "clinic_replica": target}


@pytest.fixture
def drill() -> Iterator[Drill]:
    bindir, bouncer_binary = postgres_bindir(), pgbouncer_binary()
    if bindir is None or bouncer_binary is None:
        message = "needs Debian's postgresql and pgbouncer packages (make test installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    primary = start_postgres(bindir)
    stops: list[Callable[[], None]] = [primary.stop]
    try:
        admin = create_engine(primary.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE clinic"))
        admin.dispose()
        replica = start_replica(primary)
        stops.append(replica.stop)
        bouncer = start_pgbouncer(
            bouncer_binary,
            {
                "clinic": f"host=127.0.0.1 port={primary.port} dbname=clinic",
                "clinic_replica": f"host=127.0.0.1 port={replica.port} dbname=clinic",
            },
            pool_mode="transaction",
        )
        stops.append(bouncer.stop)
        yield Drill(primary, replica, bouncer)
    finally:
        for stop in reversed(stops):
            stop()


@pytest.fixture
def db_url(drill: Drill) -> str:
    return drill.bouncer.url("clinic")


@pytest.fixture
def settings(settings: ClinicSettings, drill: Drill) -> ClinicSettings:
    return settings.model_copy(
        update={
            "database_transaction_pooling": True,
            "replica_database_url": drill.bouncer.url("clinic_replica"),
            "replica_wait_seconds": 0.2,
        }
    )


def _patient(name: str) -> PatientIn:
    return PatientIn.model_validate(
        {"given_name": name, "family_name": "Drill", "date_of_birth": "1980-01-01"}
    )


def test_the_failover_drill_moves_the_clinic_to_the_promoted_replica(
    clinic: Clinic, team: Team, drill: Drill, caplog: pytest.LogCaptureFixture
) -> None:
    desk = PatientService(clinic, team.front_desk)
    before = desk.register(_patient("Before"))
    psql = drill.primary.bindir / "psql"

    drill.bouncer.admin("PAUSE clinic", psql)  # 1. new transactions wait at PgBouncer
    drill.primary.halt()  # 2. the primary is lost (a clean stop: it sent all its log first)
    assert drill.on(drill.replica, "SELECT pg_is_in_recovery()") is True
    drill.replica.promote()  # 3.
    assert drill.on(drill.replica, "SELECT pg_is_in_recovery()") is False
    drill.bouncer.point(drill.entries(drill.replica), psql)  # 4. both entries to it
    drill.bouncer.admin("RESUME clinic", psql)

    after = desk.register(_patient("After"))  # a write, through the same URL
    assert desk.get(before.id).given_name == "Before"  # nothing committed was lost
    assert after.id > before.id
    assert drill.on(drill.replica, "SELECT count(*) FROM patients") == 2
    # The replica entry now leads to a primary, not a standby: reports read the primary.
    with caplog.at_level(logging.WARNING, logger="microneedling.clinic.replica"):
        assert RecallService(clinic, team.front_desk).due(RecallFilter()) == []
    assert "the replica is not a standby (promoted?): reading the primary" in caplog.messages
    report = verify_trail(clinic)  # 5. the audit chain is whole
    assert report.ok, report.describe()
    assert report.checked >= 3
