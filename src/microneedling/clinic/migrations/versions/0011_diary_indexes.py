"""Two indexes for the diary: a location's appointments by start, and appointments by end.

The day schedule and the calendar ask for one location's appointments between two moments.
With only the one-column indexes, SQLite's planner took ``location_id`` (every appointment of
the location, ~15,000 in the benchmark clinic) and sorted them, about 10 ms a query; with
``(location_id, starts_at)`` it reads just the day's rows. A booking looks for appointments
overlapping its span (``starts_at < end AND ends_at > start``): through ``starts_at`` that
reads every appointment before the span's end, the whole past; through ``ends_at`` only those
ending after its start. Nothing is stored differently.

Revision ID: 0011_diary_indexes
Revises: 0010_pretreatment_document
Create Date: 2026-12-03 19:15:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_diary_indexes"
down_revision: str | None = "0010_pretreatment_document"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_appointments_location_starts", "appointments", ["location_id", "starts_at"])
    op.create_index("ix_appointments_ends_at", "appointments", ["ends_at"])


def downgrade() -> None:
    op.drop_index("ix_appointments_ends_at", table_name="appointments")
    op.drop_index("ix_appointments_location_starts", table_name="appointments")
