"""Treatment sessions: the pre-treatment check, the timeline, treated areas, adverse events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, Document, PydanticDocument, UtcDateTime, utcnow
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.planning import AftercareSheet


class TreatmentSession(Base):
    __tablename__ = "treatment_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_version: Mapped[int]
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("cartridge_lots.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), doc="in_progress, stopped or completed")
    # Every answer of the day's check, as one document (migration 0009 gathered the columns).
    pre_treatment_check: Mapped[PreTreatmentCheck] = mapped_column(
        PydanticDocument(PreTreatmentCheck)
    )
    check_screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screenings.id"), default=None
    )
    stop_reason: Mapped[str | None] = mapped_column(Text, default=None)
    anaesthetic_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    treatment_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    treatment_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    end_point: Mapped[str | None] = mapped_column(String(40), default=None)
    products_after: Mapped[list[str]] = mapped_column(Document, default=list)
    aftercare_sheet: Mapped[AftercareSheet | None] = mapped_column(
        PydanticDocument(AftercareSheet), default=None
    )
    aftercare_given_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TreatedArea(Base):
    __tablename__ = "treated_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    site: Mapped[str] = mapped_column(String(64))
    depth_mm: Mapped[float] = mapped_column(Float)
    passes: Mapped[int]


class AdverseEvent(Base):
    __tablename__ = "adverse_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    noticed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
