"""Consent documents: the text of one plan version's consent, its drawn signature and PDF."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, PydanticDocument, UtcDateTime, utcnow
from microneedling.clinic.schemas.consent import ConsentContent


class ConsentDocument(Base):
    """Prepared from a plan version; signed once (PDF and its SHA-256 kept); maybe withdrawn."""

    __tablename__ = "consent_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_version: Mapped[int]
    content: Mapped[ConsentContent] = mapped_column(
        PydanticDocument(ConsentContent), doc="the text the patient reads"
    )
    status: Mapped[str] = mapped_column(String(20), default="awaiting_signature")
    prepared_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    prepared_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    signer_name: Mapped[str | None] = mapped_column(String(200), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    signed_via: Mapped[str | None] = mapped_column(String(20), default=None)
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    photo_consent: Mapped[bool | None] = mapped_column(default=None)
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    withdrawn_via: Mapped[str | None] = mapped_column(String(20), default=None)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, default=None)
