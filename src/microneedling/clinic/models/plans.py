"""Treatment plans: versions from the core planner and practitioners' edits, and consents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, Document, PydanticDocument, UtcDateTime, utcnow
from microneedling.planning import RequestedCourse, TreatmentPlan


class PlanRecord(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))


class PlanVersion(Base):
    """The plan as the core produced or re-validated it; edits carry the practitioner's reason."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    version: Mapped[int]
    request: Mapped[RequestedCourse] = mapped_column(PydanticDocument(RequestedCourse))
    plan: Mapped[TreatmentPlan] = mapped_column(PydanticDocument(TreatmentPlan))
    ruleset_version: Mapped[str] = mapped_column(String(40))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(Document, default=list)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))


class PlanConsent(Base):
    __tablename__ = "plan_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_version: Mapped[int]
    consented_by: Mapped[str] = mapped_column(String(200), doc="the patient's name as signed")
    method: Mapped[str] = mapped_column(String(20))
    consented_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    witnessed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id"), doc="none: signed on the patient's own device, unwitnessed"
    )
