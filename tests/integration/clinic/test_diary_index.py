"""Migration 0011: the diary's indexes (by location then start; by end), up and down."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from microneedling.clinic import Clinic
from microneedling.clinic.models import Base

INDEX = "ix_appointments_location_starts"
BY_END = "ix_appointments_ends_at"


def _indexes(clinic: Clinic) -> dict[str, list[str | None]]:
    return {
        str(i["name"]): list(i["column_names"])
        for i in inspect(clinic.db.engine).get_indexes("appointments")
    }


def test_the_diary_indexes_come_with_0011_and_go_with_its_downgrade(clinic: Clinic) -> None:
    assert _indexes(clinic)[INDEX] == ["location_id", "starts_at"]
    assert _indexes(clinic)[BY_END] == ["ends_at"]
    clinic.db.downgrade("0010_pretreatment_document")
    assert INDEX not in _indexes(clinic)
    assert BY_END not in _indexes(clinic)
    clinic.db.migrate()
    assert _indexes(clinic)[INDEX] == ["location_id", "starts_at"]
    assert _indexes(clinic)[BY_END] == ["ends_at"]
    with clinic.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _plan(clinic: Clinic, sql: str) -> str:
    with clinic.db.engine.connect() as conn:
        return " ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))


def test_a_day_and_an_overlap_are_read_through_the_indexes_on_sqlite(clinic: Clinic) -> None:
    if clinic.db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner chooses by its statistics; the index exists (above)")
    day = _plan(
        clinic,
        "SELECT * FROM appointments WHERE location_id = 1"
        " AND starts_at >= '2027-03-01' AND starts_at < '2027-03-02' ORDER BY starts_at",
    )
    assert f"USING INDEX {INDEX} (location_id=? AND starts_at>? AND starts_at<?)" in day
    # The booking's overlap check (appointments._overlapping): the appointments ending after
    # the new one starts, not every one starting before it ends.
    overlap = _plan(
        clinic,
        "SELECT * FROM appointments WHERE status IN ('booked', 'completed', 'no_show')"
        " AND starts_at < '2027-03-01 10:30' AND ends_at > '2027-03-01 10:00'",
    )
    assert f"USING INDEX {BY_END} (ends_at>?)" in overlap
