"""Follow-up outcomes (clinician score, patient satisfaction, complications) and photos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class Outcome(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), default=None)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), default=None)
    assessed_on: Mapped[date] = mapped_column(Date)
    concern: Mapped[str] = mapped_column(String(64), doc="knowledge-base concern id")
    scale: Mapped[str] = mapped_column(String(200))
    clinician_score: Mapped[float] = mapped_column(Float)
    patient_satisfaction: Mapped[int | None] = mapped_column(default=None, doc="0-10")
    complications: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Photo(Base):
    """A clinical photo stored as a file under the data directory, EXIF removed."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id"), default=None)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_sessions.id"), default=None
    )
    site: Mapped[str | None] = mapped_column(String(64), default=None)
    stage: Mapped[str] = mapped_column(String(20), doc="baseline, session or follow_up")
    view: Mapped[str | None] = mapped_column(
        String(20),
        default=None,
        doc="the camera's view (clinic/photo_views.py); null: not recorded",
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(String(300), doc="relative to the photo directory")
    media_type: Mapped[str] = mapped_column(String(40))
    width_px: Mapped[int]
    height_px: Mapped[int]
    size_bytes: Mapped[int]
    taken_on: Mapped[date | None] = mapped_column(Date, default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
