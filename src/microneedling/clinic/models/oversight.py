"""Medical-director oversight: good-faith examinations, plan approvals and chart reviews."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class GoodFaithExam(Base):
    """A prescriber's examination of a patient that clears (or does not clear) treatment."""

    __tablename__ = "good_faith_exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    examined_on: Mapped[date] = mapped_column(Date)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    outcome: Mapped[str] = mapped_column(String(20), doc="cleared or not_cleared")
    note: Mapped[str | None] = mapped_column(Text, default=None)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PlanApproval(Base):
    """A medical director's decision on one version of a plan: approved, or rejected and why."""

    __tablename__ = "plan_approvals"
    __table_args__ = (UniqueConstraint("plan_id", "plan_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_version: Mapped[int]
    decision: Mapped[str] = mapped_column(String(20), doc="approved or rejected")
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChartReview(Base):
    """A medical director's review of a completed session's chart (one per session)."""

    __tablename__ = "chart_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    finding: Mapped[str] = mapped_column(String(20), doc="acceptable or needs_follow_up")
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
