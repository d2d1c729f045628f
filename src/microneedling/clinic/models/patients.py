"""Patients, their consents to photos and messages, and clinical notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(10), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    address: Mapped[str | None] = mapped_column(String(500), default=None)
    consent_photos: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_messages: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # Soft delete: the record stays for the audit trail and for lot recalls.
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)


class ClinicalNote(Base):
    """A practitioner's note; front desk staff never see these."""

    __tablename__ = "clinical_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    written_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
