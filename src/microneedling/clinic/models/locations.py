"""The clinic's profile (one row) and its locations, each with its own zone, hours and rooms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class ClinicProfile(Base):
    """What the whole group shows patients: its name and logo (one row, id 1).

    ``seeded_at`` is empty until the first start copies the settings in (see
    :func:`microneedling.clinic.locations.seed_from_settings`); from then on the database holds
    the values and an admin edits them.
    """

    __tablename__ = "clinic_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_type: Mapped[str | None] = mapped_column(String(40), default=None)
    logo_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    seeded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class Location(Base):
    """A place patients are seen: its address, phone, zone, opening hours and rooms.

    ``opening_hours`` is written as the ``opening_hours`` setting is (``mon-fri 09:00-18:00;
    sat 09:00-13:00``), wall-clock time in ``timezone``; ``rooms`` is a list of room codes.
    """

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    timezone: Mapped[str] = mapped_column(String(64))
    opening_hours: Mapped[str] = mapped_column(String(200))
    rooms: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StaffLocation(Base):
    """A staff member assigned to a location. Someone assigned nowhere works at every one."""

    __tablename__ = "staff_locations"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
