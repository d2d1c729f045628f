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
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError
from test_walkthrough import test_patient_to_outcome_over_http as walk_through

from clinic_support import INTAKE, course_request
from microneedling.clinic import Clinic, ClinicSettings, Database
from microneedling.clinic.interop import InteropService
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.messages import OutboxService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.recall import RecallFilter, RecallService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.clinic.services.waitlist import WaitlistService
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake
from pg_cluster import (
    STATS_PERIOD_SECONDS,
    PgBouncer,
    PostgresServer,
    pgbouncer_binary,
    postgres_bindir,
    start_pgbouncer,
    start_postgres,
    start_replica,
)

if TYPE_CHECKING:
    from clinic_support import Clock, Team

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: The clinic databases made on the primary; each test takes the next one.
DATABASES = ("clinic_1", "clinic_2", "clinic_3", "clinic_4", "clinic_5")
#: pg_stat_statements must be loaded at start, on the primary and on the replica. Commits are
#: synchronous (as in production), so the primary sends each at once, not within the WAL
#: writer's 200 ms; fsync stays off (nothing here tests durability).
SERVER_OPTIONS = (
    "-c fsync=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements"
)
#: Generous, so a loaded machine does not send the report to the primary when the replica is
#: merely slow; the paused replica makes the report wait this long once.
REPLICA_WAIT_SECONDS = 5.0


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
        header, *rows = self.bouncer.admin("SHOW STATS", self.primary.bindir / "psql").splitlines()
        columns = header.split("|")
        for row in rows:
            values = dict(zip(columns, row.split("|"), strict=False))
            if values.get("database") == database:
                return int(values["total_xact_count"])
        return 0

    def settled_transactions(self, database: str) -> int:
        """The count once PgBouncer's next stats refresh (every second here) adds nothing."""
        count = self.bouncer_transactions(database)
        for _ in range(30):
            time.sleep(STATS_PERIOD_SECONDS + 0.2)
            count, last = self.bouncer_transactions(database), count
            if count == last:
                break
        return count


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
            "replica_wait_seconds": REPLICA_WAIT_SECONDS,
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
    assert pooled.settled_transactions(database) >= 100  # 120 in a run on 2026-12-03


NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


def _lapsed_course(clinic: Clinic, team: Team, clock: Clock) -> int:
    """A patient whose course stopped after its first session: on the recall list 7 weeks on
    (interval 4 weeks + 14 days' lapse). Returns the patient's id."""
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-R1", label="Pen")
    )
    lot = admin.register_lot(
        LotIn.model_validate({"device_type": "generic_pen_12", "cartridge_id": "12",
                              "needle_count": 12, "needle_length_mm": 2.5,
                              "lot_number": "R-LOT-1", "expires_on": "2028-01-01"})
    )  # fmt: skip
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Rita", "family_name": "Replica",
                                  "date_of_birth": "1984-05-01", "sex": "female"})
    )  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(INTAKE))
    )
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(
        patient.id, PlanIn(course=RequestedCourse.model_validate(course_request("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Rita Replica", method="signature"))
    booked = AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({"patient_id": patient.id, "plan_id": plan.id,
                                      "practitioner_id": team.practitioner.staff_id,
                                      "room": "room-1", "kind": "session",
                                      "starts_at": "2027-03-01T10:00", "duration_minutes": 60})
    )  # fmt: skip
    clock.advance(hours=2, minutes=5)
    treat = TreatmentService(clinic, team.practitioner)
    session = treat.start(
        SessionStart(appointment_id=booked.id, device_id=device.id, lot_id=lot.id, check=NO)
    )
    treat.record_area(session.id, AreaIn(site="cheeks", depth_mm=1.0, passes=3))
    clock.advance(hours=1)
    treat.complete(
        session.id,
        SessionCompletion(
            treatment_started_at=datetime.fromisoformat("2027-03-01T10:30:00+00:00"),
            treatment_ended_at=datetime.fromisoformat("2027-03-01T10:50:00+00:00"),
            end_point="pinpoint_bleeding",
        ),
    )
    clock.advance(weeks=7)
    return patient.id


def _recall_ran_on(pooled: PooledCluster, database: str) -> set[str]:
    """The servers that ran the recall list's queries for each patient's latest consented plan
    (``max(plans.id)`` in pg_stat_statements) since the counts were reset."""
    sql = (
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%max(plans.id)%'"
    )
    servers = {"primary": pooled.primary, "replica": pooled.replica}
    return {
        name
        for name, server in servers.items()
        if int(run_sql(server, database, sql)[0][0])  # type: ignore[call-overload]
    }


def _reset_statement_counts(pooled: PooledCluster, database: str) -> None:
    for server in (pooled.primary, pooled.replica):
        run_sql(server, database, "SELECT pg_stat_statements_reset()")


def test_the_recall_list_is_read_on_the_replica_and_never_misses_a_booking(
    clinic: Clinic, team: Team, clock: Clock, pooled: PooledCluster, database: str
) -> None:
    patient_id = _lapsed_course(clinic, team, clock)
    recall = RecallService(clinic, team.front_desk)

    _reset_statement_counts(pooled, database)
    entries = recall.due(RecallFilter())
    assert [(e.patient_id, e.reason) for e in entries] == [(patient_id, "lapsed_series")]
    assert _recall_ran_on(pooled, database) == {"replica"}

    # Replay paused: the replica stops where it is, and a booking made now is not on it.
    run_sql(pooled.replica, database, "SELECT pg_wal_replay_pause()")
    try:
        AppointmentService(clinic, team.front_desk).book(
            AppointmentIn.model_validate({"patient_id": patient_id, "room": "room-2",
                                          "practitioner_id": team.practitioner.staff_id,
                                          "kind": "follow_up", "duration_minutes": 30,
                                          "starts_at": "2027-04-20T09:00"})
        )  # fmt: skip
        count = "SELECT count(*) FROM appointments"
        assert run_sql(pooled.primary, database, count) == [(2,)]
        assert run_sql(pooled.replica, database, count) == [(1,)]  # stale
        _reset_statement_counts(pooled, database)
        # The report waited for the replica, which did not catch up: the primary served it,
        # and the patient booked just now is off the list.
        assert recall.due(RecallFilter()) == []
        assert _recall_ran_on(pooled, database) == {"primary"}
    finally:
        run_sql(pooled.replica, database, "SELECT pg_wal_replay_resume()")

    _reset_statement_counts(pooled, database)
    assert recall.due(RecallFilter()) == []  # the replica has caught up and serves it again
    assert _recall_ran_on(pooled, database) == {"replica"}
    assert run_sql(pooled.replica, database, "SELECT count(*) FROM appointments") == [(2,)]


def _ran_on(pooled: PooledCluster, database: str, like: str) -> dict[str, int]:
    """Calls, per server, of the statements like ``like`` since the counts were reset."""
    sql = f"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '{like}'"
    return {
        "primary": int(run_sql(pooled.primary, database, sql)[0][0]),  # type: ignore[call-overload]
        "replica": int(run_sql(pooled.replica, database, sql)[0][0]),  # type: ignore[call-overload]
    }


def test_the_other_reports_are_read_on_the_replica(
    clinic: Clinic, team: Team, clock: Clock, pooled: PooledCluster, database: str
) -> None:
    """The outbox, the waitlist, the audit trail, the schedule CSV and a lot's recall report:
    each report's own query ran on the replica only (its audit events went to the primary)."""
    patient_id = _lapsed_course(clinic, team, clock)
    with clinic.db.reading() as session:
        lot_id = session.execute(text("SELECT id FROM cartridge_lots")).scalar_one()
    reports: list[tuple[str, Callable[[], object]]] = [
        ("SELECT %outbox_messages%",
         lambda: OutboxService(clinic, team.front_desk).find(None, PageRequest(limit=50))),
        ("SELECT %waitlist_entries%",
         lambda: WaitlistService(clinic, team.front_desk).find("waiting")),
        ("SELECT count(%FROM audit_events%",
         lambda: AuditService(clinic, team.admin).query(AuditFilter(), PageRequest(limit=50))),
        ("SELECT %FROM appointments%ORDER BY appointments.starts_at%",
         lambda: InteropService(clinic, team.admin).export_csv("schedule")),
        ("SELECT %treatment_sessions%",
         lambda: DeviceService(clinic, team.admin).recall_report(lot_id)),
    ]  # fmt: skip
    for like, report in reports:
        _reset_statement_counts(pooled, database)
        report()
        ran = _ran_on(pooled, database, like)
        assert ran["primary"] == 0, like
        assert ran["replica"] >= 1, like
    # What they read is the primary's latest: the trail has the recall list's event of now.
    _reset_statement_counts(pooled, database)
    RecallService(clinic, team.front_desk).due(RecallFilter())
    trail = AuditService(clinic, team.admin).query(
        AuditFilter(patient_id=patient_id, action="list"), PageRequest(limit=50)
    )
    assert any(e.entity == "recall" for e in trail.items)
    # (the count of the trail's rows: the audit chain also reads the table, on the primary)
    assert _ran_on(pooled, database, "SELECT count(%FROM audit_events%") == {
        "primary": 0,
        "replica": 1,
    }


def test_a_replica_that_cannot_be_reached_leaves_reports_on_the_primary(
    pooled: PooledCluster, database: str
) -> None:
    url = pooled.bouncer.url(database)
    nowhere = pooled.replica.url(database).replace(f":{pooled.replica.port}/", ":1/")
    db = Database(url, transaction_pooling=True, replica_url=nowhere, replica_wait_seconds=0.1)
    try:
        with db.reading(replica=True) as session:
            assert session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is False
        with pytest.raises(OperationalError):  # the replica really is unreachable
            db.replica.engine.connect().close()  # type: ignore[union-attr]
    finally:
        db.dispose()


def _statement_after_a_server_change(url: str, *, transaction_pooling: bool) -> None:
    """Run one statement six times (psycopg prepares it on the fifth by default), then again
    while another client holds the server connection it was prepared on (PgBouncer hands out
    the most recently used server first), so the seventh runs on another server connection."""
    db = Database(url, transaction_pooling=transaction_pooling)
    holder = create_engine(url, connect_args={"prepare_threshold": None})
    count = text("SELECT count(*) FROM staff WHERE id > :id")
    try:
        for _ in range(6):
            with db.engine.begin() as connection:
                connection.execute(count, {"id": 0})
        with holder.connect() as held:
            held.execute(text("SELECT 1"))  # a transaction on that server connection, open
            with db.engine.begin() as connection:
                connection.execute(count, {"id": 0})
    finally:
        db.dispose()
        holder.dispose()


def test_behind_pgbouncer_the_driver_must_prepare_no_statements(
    pooled: PooledCluster, database: str
) -> None:
    url = pooled.bouncer.url(database)
    direct = Database(pooled.primary.url(database))
    direct.migrate()
    direct.dispose()
    with pytest.raises(DBAPIError, match='prepared statement "_pg3_0" does not exist'):
        _statement_after_a_server_change(url, transaction_pooling=False)
    _statement_after_a_server_change(url, transaction_pooling=True)
