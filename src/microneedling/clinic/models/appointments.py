"""Appointments: consultations, treatment sessions and follow-ups, with their fate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class Appointment(Base):
    __tablename__ = "appointments"
    # A location's diary between two moments (day schedule, calendar): see migration 0011.
    __table_args__ = (Index("ix_appointments_location_starts", "location_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    # The room is one of the location's rooms; the location's zone reads the times.
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    room: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), default=None)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # Overlap checks read appointments ending after a span's start: see migration 0011.
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), default="booked")
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    status_changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    status_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # Grows with each change a patient's or a staff calendar must see (iCalendar SEQUENCE).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
