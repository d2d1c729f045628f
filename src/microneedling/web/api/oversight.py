"""Medical-director oversight: good-faith examinations, plan approvals, chart reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.services.approvals import (
    ApprovalService,
    ApprovalStatus,
    DecisionIn,
    PendingPlan,
)
from microneedling.clinic.services.chart_reviews import (
    ChartReviewService,
    QueuedChart,
    QueueFilter,
    QueueState,
    ReviewIn,
    ReviewOut,
)
from microneedling.clinic.services.examinations import ExamIn, ExaminationService, ExamStatus
from microneedling.web.deps import PageDep, RecordId, service

router = APIRouter(tags=["oversight"])
Exams = Annotated[ExaminationService, Depends(service(ExaminationService))]
Approvals = Annotated[ApprovalService, Depends(service(ApprovalService))]
Reviews = Annotated[ChartReviewService, Depends(service(ChartReviewService))]


@router.post(
    "/patients/{patient_id}/good-faith-exams",
    status_code=status.HTTP_201_CREATED,
    summary="Record a good-faith examination by the signed-in medical director",
)
def record_good_faith_exam(patient_id: RecordId, body: ExamIn, exams: Exams) -> ExamStatus:
    return exams.record(patient_id, body)


@router.get(
    "/patients/{patient_id}/good-faith-exams",
    summary="A patient's good-faith examinations, newest first, and whether one is valid today",
)
def get_good_faith_exams(patient_id: RecordId, exams: Exams) -> ExamStatus:
    return exams.status(patient_id)


@router.post(
    "/plans/{plan_id}/approvals",
    summary="Approve or reject (with a reason) the plan's current version",
)
def decide_plan(plan_id: RecordId, body: DecisionIn, approvals: Approvals) -> ApprovalStatus:
    return approvals.decide(plan_id, body)


@router.get("/plans/{plan_id}/approvals", summary="Where the plan's approval stands")
def get_plan_approvals(plan_id: RecordId, approvals: Approvals) -> ApprovalStatus:
    return approvals.status(plan_id)


@router.get(
    "/oversight/pending-plans",
    summary="Plans whose current version waits for a medical director, oldest first",
)
def list_pending_plans(approvals: Approvals, page: PageDep) -> Page[PendingPlan]:
    return approvals.pending(page)


@router.get(
    "/oversight/chart-reviews",
    summary="The chart-review queue: sampled completed sessions; `state=` pending (default), "
    "reviewed or all",
)
def list_chart_reviews(
    reviews: Reviews, page: PageDep, state: Annotated[QueueState, Query()] = "pending"
) -> Page[QueuedChart]:
    return reviews.queue(QueueFilter(state=state), page)


@router.post(
    "/sessions/{session_id}/review",
    status_code=status.HTTP_201_CREATED,
    summary="Record the chart review of a completed session",
)
def review_session(session_id: RecordId, body: ReviewIn, reviews: Reviews) -> ReviewOut:
    return reviews.review(session_id, body)


@router.get("/sessions/{session_id}/review", summary="The chart review of a session")
def get_session_review(session_id: RecordId, reviews: Reviews) -> ReviewOut:
    return reviews.get(session_id)
