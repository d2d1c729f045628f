"""The plan builder and the plan: the core planner's plan with every clamp and its reason.

The builder previews the core's ``make_plan`` on the patient's current screening as the form
is filled (nothing stored), and creates the plan through the clinic's plan service. The plan
page shows every depth step (guide, site clamp, device clamp, screening cap) with its reason
and sources, edits (re-planned by the service within the core's limits), consent, and the
printable summary and aftercare sheets.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from microneedling.clinic.errors import NotFound, PermissionDenied
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.intakes import IntakeScreened
from microneedling.clinic.schemas.patients import PatientOut
from microneedling.clinic.schemas.plans import ConsentIn, PlanEdit, PlanIn, PlanOut
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.errors import InvalidInput
from microneedling.planning import PlanRequest, TreatmentPlan, make_plan
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, field_errors, read_or_refuse, submit
from microneedling.web.pages._plan_fields import (
    AREA_ROWS,
    CONCERNS_PER_AREA,
    SEVERITIES,
    WEEKDAYS,
    ParsedCourse,
    device_choices,
    read_course,
)
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _builder(
    page: Signed,
    patient: PatientOut,
    current: IntakeScreened | None,
    form: dict[str, str],
    preview: TreatmentPlan | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    kb = page.clinic.kb
    return render(
        page.ctx, "plan_builder.html", status_code, nav="patients", title="Plan builder",
        patient=patient, current=current, form=form, preview=preview, errors=errors or {},
        sites=[(s.id, s.name) for s in kb.sites.values()],
        concerns=[(c.id, c.name) for c in kb.concerns.values()],
        severities=SEVERITIES, devices=device_choices(kb), weekdays=[(d, d) for d in WEEKDAYS],
        area_rows=range(AREA_ROWS), concern_slots=range(CONCERNS_PER_AREA),
    )  # fmt: skip


def _current(page: Signed, patient_id: int) -> IntakeScreened | None:
    try:
        return page.service(IntakeService).current(patient_id)
    except NotFound:
        return None


def _preview(
    page: Signed, parsed: ParsedCourse, current: IntakeScreened | None
) -> tuple[TreatmentPlan | None, dict[str, str]]:
    """The core planner's plan for the form as it stands; nothing is stored."""
    if parsed.course is None:
        return None, parsed.errors
    if current is None:
        return None, {"_form": "Record and screen an intake before planning."}
    request = PlanRequest(**parsed.course.model_dump(), intake=current.intake.answers)
    try:
        plan = make_plan(request, current.screening.result, page.clinic.kb, page.clinic.today())
    except InvalidInput as exc:
        return None, parsed.errors_from(exc)
    return plan, {}


@router.get("/patients/{patient_id}/plans/new", name="plan_builder")
def plan_builder(patient_id: RecordId, page: SignedDep) -> Response:
    page.service(PlanService).require(Permission.WRITE_CLINICAL)
    patient = page.service(PatientService).get(patient_id)
    current = _current(page, patient_id)
    form = {
        "start_date": str(page.clinic.today()),
        "areas.0.concerns.0.severity": "moderate",
    }
    for area in (current.intake.answers.areas or [])[:AREA_ROWS] if current else []:
        row = sum(1 for k in form if k.endswith(".site"))
        form[f"areas.{row}.site"] = area
        form[f"areas.{row}.concerns.0.severity"] = "moderate"
    return _builder(page, patient, current, form)


@router.post("/patients/{patient_id}/plans/preview", name="plan_preview")
async def plan_preview(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    if not page.may(Permission.WRITE_CLINICAL):
        raise PermissionDenied(page.actor.role.value, Permission.WRITE_CLINICAL.value)
    posted = await request.form()
    current = _current(page, patient_id)
    plan, errors = _preview(page, read_course(posted), current)
    if request.headers.get("HX-Request"):
        return render(page.ctx, "_plan_preview.html", preview=plan, problems=errors)
    patient = page.service(PatientService).get(patient_id)
    return _builder(page, patient, current, as_dict(posted), plan, errors, 422 if errors else 200)


@router.post("/patients/{patient_id}/plans", name="plan_create")
async def plan_create(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    posted = await request.form()
    parsed = read_course(posted)

    def errors_from(exc: ValidationError | InvalidInput) -> dict[str, str]:
        # A model's errors are renamed once; the planner's refusals name a whole row (areas.0),
        # which errors_from moves onto the row's site.
        if isinstance(exc, ValidationError):
            return field_errors(exc, prefix="", rename=parsed.rename)
        return parsed.errors_from(exc)

    return submit(
        lambda: page.service(PlanService).create(
            patient_id, PlanIn(course=read_or_refuse(parsed.course, parsed.errors))
        ),
        then=lambda created: str(request.url_for("plan_view", plan_id=created.id).path),
        again=lambda errors: _refused(page, patient_id, posted, parsed, errors),
        errors_from=errors_from,
    )


def _refused(
    page: Signed, patient_id: int, posted: FormData, parsed: ParsedCourse, errors: dict[str, str]
) -> Response:
    """The builder shown again as posted, with the planner's preview and the problems (422)."""
    patient = page.service(PatientService).get(patient_id)
    current = _current(page, patient_id)
    plan, _ = _preview(page, parsed, current)
    return _builder(page, patient, current, as_dict(posted), plan, errors, 422)


def _plan_page(
    page: Signed,
    plan: PlanOut,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    patient = page.service(PatientService).get(plan.patient_id)
    return render(
        page.ctx, "plan.html", status_code, nav="patients", title="Treatment plan",
        patient=patient, record=plan, plan=plan.plan, form=form or {}, errors=errors or {},
        may_treat=page.may(Permission.WRITE_CLINICAL),
        may_book=page.may(Permission.BOOK_APPOINTMENTS),
    )  # fmt: skip


@router.get("/plans/{plan_id}", name="plan_view")
def plan_view(plan_id: RecordId, page: SignedDep) -> Response:
    return _plan_page(page, page.service(PlanService).get(plan_id))


@router.post("/plans/{plan_id}/edit", name="plan_edit")
async def plan_edit(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    """Change one area's depth or passes, or the course, with the practitioner's reason."""
    form = as_dict(await request.form())
    service = page.service(PlanService)
    kind, _, site = form.get("change", "").partition("|")
    change = {
        "change": kind or None,
        "site": site or None,
        "value": form.get("value", "").strip() or None,
        "reason": form.get("reason", "").strip() or None,
    }
    rename = {"changes.0": "change", "changes": "change"}

    def errors_from(exc: ValidationError | InvalidInput) -> dict[str, str]:
        errors = field_errors(exc, rename=rename)
        return {k.removeprefix(f"changes.0.{kind}.").removeprefix("changes.0."): v
                for k, v in errors.items()}  # fmt: skip

    return submit(
        lambda: service.edit(
            plan_id,
            PlanEdit.model_validate({"changes": [{k: v for k, v in change.items() if v}]}),
        ),
        then=str(request.url_for("plan_view", plan_id=plan_id).path),
        again=lambda errors: _plan_page(page, service.get(plan_id), form, errors, 422),
        errors_from=errors_from,
    )


@router.post("/plans/{plan_id}/consent", name="plan_consent")
async def plan_consent(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(PlanService)
    data = {
        "version": form.get("version"),
        "consented_by": form.get("consented_by", "").strip(),
        "method": form.get("method") or None,
    }
    return submit(
        lambda: service.consent(plan_id, ConsentIn.model_validate(data)),
        then=str(request.url_for("plan_view", plan_id=plan_id).path),
        again=lambda errors: _plan_page(page, service.get(plan_id), form, errors, 422),
    )
