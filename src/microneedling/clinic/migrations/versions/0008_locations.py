"""Clinic profile and locations: every existing appointment moves to one default location.

The profile and the default location start with the settings' built-in defaults and an empty
``seeded_at``; the clinic's first start after this migration copies its own settings (name,
phone, address, time zone, opening hours, rooms) into them
(:func:`microneedling.clinic.locations.seed_from_settings`), so an existing install keeps its
values. Staff are assigned to no location, which means every location.

Revision ID: 0008_locations
Revises: 0007_signin_mfa
Create Date: 2026-12-03 12:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008_locations"
down_revision: str | None = "0007_signin_mfa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The settings' defaults as they stood when this migration was written (kept here, not
# imported, so that the migration does the same thing whatever the settings become).
_NAME = "Microneedling clinic"
_LOCATION = "Main"
_ZONE = "UTC"
_HOURS = "mon-fri 09:00-18:00; sat 09:00-13:00"
_ROOMS = ["room-1", "room-2"]


def upgrade() -> None:
    profile = op.create_table(
        "clinic_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=40), nullable=True),
        sa.Column("logo_sha256", sa.String(length=64), nullable=True),
        sa.Column("seeded_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_profile")),
    )
    locations = op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("opening_hours", sa.String(length=200), nullable=False),
        sa.Column("rooms", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("name", name=op.f("uq_locations_name")),
    )
    op.create_table(
        "staff_locations",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_staff_locations_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_locations_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", "location_id", name=op.f("pk_staff_locations")),
    )
    op.execute(profile.insert().values(name=_NAME))
    # Stored as naive UTC, as every UtcDateTime column is.
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(
        locations.insert().values(
            name=_LOCATION, address="", phone=None, timezone=_ZONE, opening_hours=_HOURS,
            rooms=_ROOMS, active=True, created_at=now,
        )
    )  # fmt: skip
    op.add_column("appointments", sa.Column("location_id", sa.Integer(), nullable=True))
    op.execute("UPDATE appointments SET location_id = (SELECT min(id) FROM locations)")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.alter_column("location_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appointments_location_id_locations"), "locations", ["location_id"],
            ["id"],
        )  # fmt: skip
        batch_op.create_index(
            batch_op.f("ix_appointments_location_id"), ["location_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_location_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_appointments_location_id_locations"), type_="foreignkey"
        )
        batch_op.drop_column("location_id")
    op.drop_table("staff_locations")
    op.drop_table("locations")
    op.drop_table("clinic_profile")
