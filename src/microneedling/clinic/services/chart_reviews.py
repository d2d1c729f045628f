"""Chart review: a medical director reviews a sample of completed sessions' charts.

The queue samples ``MICRONEEDLING_CHART_REVIEW_SHARE`` of completed sessions by a hash of the
session's id (:func:`sampled`), so the same session is always in the sample or always out of it,
whoever asks and whenever. A review (finding and comment) is recorded once per session, by a
medical director, and audited; any completed session may be reviewed, sampled or not.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.models import ChartReview, Patient, StaffMember, TreatmentSession
from microneedling.clinic.paging import Page, PageRequest
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.course_number import course_number
from microneedling.clinic.services.lookups import get_treatment
from microneedling.clinic.text import LongText
from microneedling.errors import RequestRefused

Finding = Literal["acceptable", "needs_follow_up"]
QueueState = Literal["pending", "reviewed", "all"]


def sampled(session_id: int, share: float) -> bool:
    """Whether the session is in a sample of ``share`` (0-1) of sessions; always the same."""
    digest = hashlib.sha256(f"chart-review:{session_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    finding: Finding
    comment: LongText | None = Field(default=None, description="what the reviewer noticed")


class ReviewOut(BaseModel):
    id: int
    session_id: int
    patient_id: int
    reviewer_id: int
    reviewer_name: str
    finding: Finding
    comment: str | None
    reviewed_at: datetime


class QueuedChart(BaseModel):
    """A completed session in the sample, and its review once there is one."""

    session_id: int
    course_number: int = Field(description="the session's number in its course (1 = first)")
    patient_id: int
    patient_name: str
    practitioner_name: str
    treatment_ended_at: datetime | None
    review: ReviewOut | None


class QueueFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: QueueState = "pending"


def _review_out(session: Session, review: ChartReview) -> ReviewOut:
    reviewer = session.get(StaffMember, review.reviewer_id)
    assert reviewer is not None
    return ReviewOut(
        id=review.id,
        session_id=review.session_id,
        patient_id=review.patient_id,
        reviewer_id=review.reviewer_id,
        reviewer_name=reviewer.full_name,
        finding="acceptable" if review.finding == "acceptable" else "needs_follow_up",
        comment=review.comment,
        reviewed_at=review.reviewed_at,
    )


def _review_of(session: Session, session_id: int) -> ChartReview | None:
    return session.scalar(select(ChartReview).where(ChartReview.session_id == session_id))


class ChartReviewService(Service):
    def queue(self, where: QueueFilter, page: PageRequest) -> Page[QueuedChart]:
        """Sampled completed sessions, oldest first: pending, reviewed or all of them."""
        share = self.clinic.settings.chart_review_share
        with self.reading(Permission.REVIEW_CHARTS) as u:
            rows = u.session.execute(
                select(TreatmentSession, Patient, StaffMember, ChartReview)
                .join(Patient, Patient.id == TreatmentSession.patient_id)
                .join(StaffMember, StaffMember.id == TreatmentSession.practitioner_id)
                .outerjoin(ChartReview, ChartReview.session_id == TreatmentSession.id)
                .where(TreatmentSession.status == "completed", Patient.deleted_at.is_(None))
                .order_by(TreatmentSession.treatment_ended_at, TreatmentSession.id)
            ).all()
            chosen = [
                row
                for row in rows
                if sampled(row[0].id, share)
                and (where.state == "all" or (where.state == "reviewed") == (row[3] is not None))
            ]
            window = chosen[page.offset : page.offset + page.limit]
            items = [
                QueuedChart(
                    session_id=treatment.id,
                    course_number=course_number(u.session, treatment),
                    patient_id=patient.id,
                    patient_name=f"{patient.given_name} {patient.family_name}",
                    practitioner_name=practitioner.full_name,
                    treatment_ended_at=treatment.treatment_ended_at,
                    review=_review_out(u.session, review) if review is not None else None,
                )
                for treatment, patient, practitioner, review in window
            ]
            u.audit.listed("chart_review", [i.session_id for i in items],
                           [i.patient_id for i in items])  # fmt: skip
            return Page(items=items, total=len(chosen), offset=page.offset, limit=page.limit)

    def review(self, session_id: int, data: ReviewIn) -> ReviewOut:
        """Record the signed-in medical director's review of a completed session's chart."""
        with self.unit(Permission.REVIEW_CHARTS) as u:
            treatment = get_treatment(u.session, session_id)
            if treatment.status != "completed":
                raise RequestRefused(
                    "session_id", f"the session is {treatment.status}; review completed sessions"
                )
            earlier = _review_of(u.session, session_id)
            if earlier is not None:
                raise RequestRefused(
                    "session_id", f"the session's chart is already reviewed ({earlier.finding})"
                )
            review = ChartReview(
                session_id=treatment.id,
                patient_id=treatment.patient_id,
                reviewer_id=self.actor.staff_id,
                finding=data.finding,
                comment=data.comment,
            )
            u.session.add(review)
            u.session.flush()
            u.audit.record(
                "review",
                "treatment_session",
                treatment.id,
                patient_id=treatment.patient_id,
                detail={"finding": data.finding},
            )
            return _review_out(u.session, review)

    def get(self, session_id: int) -> ReviewOut:
        """The review of a session's chart (404 on ``session_id`` while there is none)."""
        with self.reading(Permission.READ_CLINICAL) as u:
            treatment = get_treatment(u.session, session_id)
            review = _review_of(u.session, session_id)
            if review is None:
                raise NotFound("session_id", "chart review of session", session_id)
            u.audit.read("chart_review", review.id, treatment.patient_id)
            return _review_out(u.session, review)
