"""Links a patient opens on their own phone: pre-visit intake, consent signing, their page.

A link is a random token shown once (in the address or its QR code); only its SHA-256 is kept,
so a copy of the database opens nothing. Each link has one scope, one patient, an expiry and
may be revoked. The patient's intake answers arrive as a draft a practitioner reviews.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, PydanticDocument, UtcDateTime, utcnow
from microneedling.screening import Intake


class PatientLink(Base):
    """One link: scope ``intake``, ``consent`` (one consent document) or ``patient_page``."""

    __tablename__ = "patient_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    consent_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent_documents.id"), default=None
    )
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    used_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime, default=None, doc="when its single purpose was done (intake sent, signed)"
    )


class PatientLinkRequest(Base):
    """One request that presented a patient link: what the rate limits count."""

    __tablename__ = "patient_link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    client_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    link_id: Mapped[int | None] = mapped_column(default=None, index=True)
    accepted: Mapped[bool]


class IntakeDraft(Base):
    """What the patient answered from an intake link: a draft until a practitioner accepts it."""

    __tablename__ = "intake_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("patient_links.id"))
    answers: Mapped[Intake] = mapped_column(PydanticDocument(Intake))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"), default=None)
