"""Medical-director oversight pages: the oversight desk (plans waiting for approval, the
chart-review queue), a patient's good-faith examinations, and a plan's approval.

Only a medical director records anything here; practitioners and admins read a patient's
examinations and a plan's approval; the front desk is refused (the services decide). Times are
shown in the clinic's zone.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.approvals import ApprovalService, DecisionIn
from microneedling.clinic.services.chart_reviews import ChartReviewService, QueueFilter, ReviewIn
from microneedling.clinic.services.examinations import ExamIn, ExaminationService
from microneedling.clinic.services.patients import PatientService
from microneedling.web.deps import Offset, RecordId
from microneedling.web.pages._forms import as_dict, field_errors, stripped, submit
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50
STATES = (("pending", "waiting for review"), ("reviewed", "reviewed"), ("all", "all"))


def _desk(
    page: Signed,
    state: str = "pending",
    offset: int = 0,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    where_errors: dict[str, str] = {}
    try:
        where = QueueFilter.model_validate({"state": state})
    except ValidationError as exc:
        where_errors = field_errors(exc)
        where = QueueFilter()
    request = PageRequest(offset=offset, limit=PAGE_SIZE)
    queue = page.service(ChartReviewService).queue(where, request)
    pending = page.service(ApprovalService).pending(PageRequest(limit=200))
    shown = {f"review.{c.session_id}." for c in queue.items}
    # A review refused for a session this page of the queue does not show: said at the top.
    stray = sorted(
        (key.split(".", 2)[1], key.split(".", 2)[2], message)
        for key, message in (errors or {}).items()
        if key.startswith("review.") and key.rsplit(".", 1)[0] + "." not in shown
    )
    return render(
        page.ctx, "oversight.html", 422 if where_errors else status_code, nav="oversight",
        title="Oversight", queue=queue, pending=pending, state=where.state, states=STATES,
        share=page.clinic.settings.chart_review_share, zone=page.clinic.zone,
        page_size=PAGE_SIZE, form=form or {}, errors={**where_errors, **(errors or {})},
        stray=stray,
    )  # fmt: skip


@router.get("/oversight", name="oversight_desk")
def oversight_desk(page: SignedDep, state: str = "pending", offset: Offset = 0) -> Response:
    return _desk(page, state, offset)


@router.post("/oversight/sessions/{session_id}/review", name="chart_review_record")
async def chart_review_record(request: Request, session_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(ChartReviewService).review(
            session_id, ReviewIn.model_validate(stripped(form, "finding", "comment"))
        ),
        then=str(request.url_for("oversight_desk").path),
        again=lambda errors: _desk(
            page,
            form=form,
            errors={f"review.{session_id}.{k}": v for k, v in errors.items()},
            status_code=422,
        ),
    )


def _exams_page(
    page: Signed,
    patient_id: int,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    status = page.service(ExaminationService).status(patient_id)
    patient = page.service(PatientService).get(patient_id)
    return render(
        page.ctx, "good_faith_exams.html", status_code, nav="patients",
        title="Good-faith examinations", patient=patient, status=status, zone=page.clinic.zone,
        valid_days=page.clinic.settings.gfe_valid_days,
        may_record=page.may(Permission.RECORD_GFE),
        form=form or {"examined_on": page.clinic.today().isoformat()}, errors=errors or {},
    )  # fmt: skip


@router.get("/patients/{patient_id}/good-faith-exams", name="gfe_view")
def gfe_view(patient_id: RecordId, page: SignedDep) -> Response:
    return _exams_page(page, patient_id)


@router.post("/patients/{patient_id}/good-faith-exams", name="gfe_record")
async def gfe_record(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(ExaminationService).record(
            patient_id, ExamIn.model_validate(stripped(form, "examined_on", "outcome", "note"))
        ),
        then=str(request.url_for("gfe_view", patient_id=patient_id).path),
        again=lambda errors: _exams_page(page, patient_id, form, errors, 422),
    )


def _approval_page(
    page: Signed,
    plan_id: int,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    status = page.service(ApprovalService).status(plan_id)
    patient = page.service(PatientService).get(status.patient_id)
    return render(
        page.ctx, "plan_approval.html", status_code, nav="patients", title="Plan approval",
        patient=patient, status=status, zone=page.clinic.zone,
        may_decide=page.may(Permission.APPROVE_PLANS), form=form or {}, errors=errors or {},
    )  # fmt: skip


@router.get("/plans/{plan_id}/approval", name="plan_approval_view")
def plan_approval_view(plan_id: RecordId, page: SignedDep) -> Response:
    return _approval_page(page, plan_id)


@router.post("/plans/{plan_id}/approval", name="plan_approval_decide")
async def plan_approval_decide(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    return submit(
        lambda: page.service(ApprovalService).decide(
            plan_id, DecisionIn.model_validate(stripped(form, "version", "decision", "reason"))
        ),
        then=str(request.url_for("plan_approval_view", plan_id=plan_id).path),
        again=lambda errors: _approval_page(page, plan_id, form, errors, 422),
    )
