"""Staff working hours (per weekday) and absences (date-time ranges), for the calendar."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class WorkingHours(Base):
    """When a practitioner works on one weekday, clinic wall-clock time (0 = Monday).

    A practitioner with no rows at all works the clinic's opening hours; one with rows works
    only on the weekdays listed.
    """

    __tablename__ = "working_hours"
    __table_args__ = (UniqueConstraint("staff_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    weekday: Mapped[int]
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))


class Absence(Base):
    """A practitioner away from ``starts_at`` to ``ends_at`` (leave, training, illness)."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
