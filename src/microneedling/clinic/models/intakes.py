"""Intakes (versioned questionnaires) and the screening results the core gave for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, PydanticDocument, UtcDateTime, utcnow
from microneedling.screening import Intake, ScreeningResult


class IntakeRecord(Base):
    """One version of a patient's intake; a new version supersedes, never overwrites."""

    __tablename__ = "intakes"
    __table_args__ = (UniqueConstraint("patient_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    version: Mapped[int]
    answers: Mapped[Intake] = mapped_column(PydanticDocument(Intake))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"), default=None)


class ScreeningRecord(Base):
    """The core's decision for an intake, with the rule-set version that produced it."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"), index=True)
    occasion: Mapped[str] = mapped_column(String(30), doc="intake or pre_treatment_check")
    decision: Mapped[str] = mapped_column(String(30))
    screened_on: Mapped[date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(String(40))
    result: Mapped[ScreeningResult] = mapped_column(PydanticDocument(ScreeningResult))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
