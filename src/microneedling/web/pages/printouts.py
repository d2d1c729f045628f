"""Printouts from a plan: the plan summary and a session's aftercare sheet, as a print-ready
page or a PDF, from the same template (reports)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from microneedling.clinic.errors import NotFound
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.reports import (
    AftercareDocument,
    PlanSummaryDocument,
    aftercare_html,
    aftercare_pdf,
    plan_summary_html,
    plan_summary_pdf,
    planned_session_document,
)
from microneedling.web.deps import RecordId
from microneedling.web.logo import letterhead_logo
from microneedling.web.pages._printout import NO_STORE, printout_page
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _pdf(content: bytes, filename: str) -> Response:
    headers = NO_STORE | {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(content, media_type="application/pdf", headers=headers)


def _summary(page: SignedDep, plan_id: int) -> PlanSummaryDocument:
    record = page.service(PlanService).get(plan_id)
    patient = page.service(PatientService).get(record.patient_id)
    return PlanSummaryDocument(
        clinic_name=page.ctx.clinic_name,
        logo=letterhead_logo(page.clinic),
        patient_name=f"{patient.given_name} {patient.family_name}",
        plan=record.plan,
    )


@router.get("/plans/{plan_id}/summary", name="plan_summary")
def plan_summary(plan_id: RecordId, page: SignedDep) -> Response:
    return printout_page(plan_summary_html(_summary(page, plan_id)))


@router.get("/plans/{plan_id}/summary.pdf", name="plan_summary_pdf")
def plan_summary_as_pdf(plan_id: RecordId, page: SignedDep) -> Response:
    return _pdf(plan_summary_pdf(_summary(page, plan_id)), f"plan-{plan_id}.pdf")


def _planned_sheet(page: SignedDep, plan_id: int, number: int) -> AftercareDocument:
    summary = _summary(page, plan_id)
    try:
        return planned_session_document(
            summary.plan, number, summary.clinic_name, summary.patient_name, logo=summary.logo
        )
    except KeyError as exc:
        raise NotFound("session", f"session in plan {plan_id}", number) from exc


@router.get("/plans/{plan_id}/sessions/{number}/aftercare", name="planned_aftercare")
def planned_aftercare(plan_id: RecordId, number: RecordId, page: SignedDep) -> Response:
    return printout_page(aftercare_html(_planned_sheet(page, plan_id, number)))


@router.get("/plans/{plan_id}/sessions/{number}/aftercare.pdf", name="planned_aftercare_pdf")
def planned_aftercare_pdf(plan_id: RecordId, number: RecordId, page: SignedDep) -> Response:
    document = _planned_sheet(page, plan_id, number)
    return _pdf(aftercare_pdf(document), f"aftercare-plan-{plan_id}-session-{number}.pdf")
