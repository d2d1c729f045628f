"""The intake form, with the core's screening shown live as it is answered.

As the practitioner answers, htmx posts the partial form to the preview route, which runs the
core's ``screen()`` on it (nothing is stored) and returns the decision with its reasons and
sources. Saving goes through the clinic's intake service, which stores a new intake version
and its screening together.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from microneedling.clinic.errors import NotFound, PermissionDenied
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientOut
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput
from microneedling.screening import ScreeningResult
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, read_or_refuse, submit
from microneedling.web.pages._intake_fields import (
    CHOICES,
    FINDING_ROWS,
    OTHER_ALLERGY_ROWS,
    ParsedIntake,
    intake_as_form,
    multi_values,
    read_intake,
)
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _sites(page: Signed) -> list[tuple[str, str, str]]:
    return [(s.id, s.name, s.region) for s in page.clinic.kb.sites.values()]


def _intake_page(
    page: Signed,
    patient: PatientOut,
    form: dict[str, str],
    multi: dict[str, list[str]],
    preview: ScreeningResult | None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        page.ctx, "intake.html", status_code, nav="patients", title="Intake and screening",
        patient=patient, form=form, multi=multi, errors=errors or {}, preview=preview,
        sites=_sites(page), choices=CHOICES, finding_rows=range(FINDING_ROWS),
        other_allergy_rows=range(OTHER_ALLERGY_ROWS),
    )  # fmt: skip


def _screen(
    page: Signed, patient_id: int, parsed: ParsedIntake
) -> tuple[ScreeningResult | None, dict[str, str]]:
    """The service's screening of the answers so far; problems keyed by form field."""
    if parsed.intake is None:
        return None, parsed.errors
    try:
        return page.service(IntakeService).preview(patient_id, parsed.intake), {}
    except InvalidInput as exc:
        return None, parsed.errors_from(exc)


@router.get("/patients/{patient_id}/intake", name="intake_form")
def intake_form(patient_id: RecordId, page: SignedDep) -> Response:
    with page.one_read():
        patient = page.service(PatientService).get(patient_id)
        service = page.service(IntakeService)
        try:
            current = service.current(patient_id)
            form, multi = intake_as_form(current.intake.answers)
            preview: ScreeningResult | None = current.screening.result
        except NotFound:
            service.require(Permission.WRITE_CLINICAL)
            form = {"date_of_birth": str(patient.date_of_birth), "sex": patient.sex or ""}
            multi = {"areas": [], "allergies": []}
            preview = None
        return _intake_page(page, patient, form, multi, preview)


@router.post("/patients/{patient_id}/intake/preview", name="screening_preview")
async def screening_preview(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    if not page.may(Permission.WRITE_CLINICAL):
        raise PermissionDenied(page.actor.role.value, Permission.WRITE_CLINICAL.value)
    posted = await request.form()
    result, errors = _screen(page, patient_id, read_intake(posted))
    if request.headers.get("HX-Request"):
        return render(page.ctx, "_screening_preview.html", preview=result, problems=errors)
    patient = page.service(PatientService).get(patient_id)
    form, multi = as_dict(posted), multi_values(posted)
    return _intake_page(page, patient, form, multi, result, errors, 422 if errors else 200)


@router.post("/patients/{patient_id}/intake", name="intake_save")
async def intake_save(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    posted = await request.form()
    parsed = read_intake(posted)
    target = request.url_for("patient_record", patient_id=patient_id).path
    return submit(
        lambda: page.service(IntakeService).record(
            patient_id, IntakeIn(answers=read_or_refuse(parsed.intake, parsed.errors))
        ),
        then=f"{target}#screening",
        again=lambda errors: _refused(page, patient_id, posted, parsed, errors),
        errors_from=parsed.errors_from,
    )


def _refused(
    page: Signed,
    patient_id: int,
    posted: FormData,
    parsed: ParsedIntake,
    errors: dict[str, str],
) -> Response:
    """The intake shown again as posted, with its screening so far and its problems (422)."""
    patient = page.service(PatientService).get(patient_id)
    result, _ = _screen(page, patient_id, parsed)
    form, multi = as_dict(posted), multi_values(posted)
    return _intake_page(page, patient, form, multi, result, errors, 422)
