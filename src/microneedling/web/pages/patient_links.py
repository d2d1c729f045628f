"""Staff pages for patient links and pre-visit intakes: issue a link (its address and QR code
shown once, at the desk), revoke one, review a patient's intake draft and accept it.

Accepting shows the clinic's own intake form filled with the patient's answers; the
practitioner corrects it, records the examination and accepts, which records and screens it
through the clinic's intake path.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.services.econsent import ConsentDocumentService
from microneedling.clinic.services.intake_drafts import DraftOut, IntakeDraftService
from microneedling.clinic.services.patient_links import IssuedLink, LinkIn, PatientLinkService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.errors import InvalidInput
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, read_or_refuse, submit, text
from microneedling.web.pages._intake_fields import (
    CHOICES,
    FINDING_ROWS,
    OTHER_ALLERGY_ROWS,
    intake_as_form,
    multi_values,
    read_intake,
)
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _links_page(
    page: Signed, patient_id: int, issued: IssuedLink | None = None, status_code: int = 200,
    error: str | None = None,
) -> Response:  # fmt: skip
    patient = page.service(PatientService).get(patient_id)
    links = page.service(PatientLinkService).for_patient(patient_id)
    clinical = page.may(Permission.READ_CLINICAL)
    drafts = page.service(IntakeDraftService).for_patient(patient_id) if clinical else []
    documents = page.service(ConsentDocumentService).for_patient(patient_id) if clinical else []
    plans = page.service(PlanService).for_patient(patient_id) if clinical else []
    return render(
        page.ctx, "patient_links.html", status_code, nav="patients", title="Patient links",
        patient=patient, links=links, issued=issued, drafts=drafts, documents=documents,
        plans=[p for p in plans if p.status != "cancelled"], clinical=clinical, error=error,
        may_consent=page.may(Permission.WRITE_CLINICAL),
    )  # fmt: skip


@router.get("/patients/{patient_id}/links", name="patient_links_page")
def patient_links_page(patient_id: RecordId, page: SignedDep) -> Response:
    return _links_page(page, patient_id)


@router.post("/patients/{patient_id}/links", name="patient_link_issue")
async def patient_link_issue(request: Request, patient_id: RecordId, page: SignedDep) -> Response:
    posted = await request.form()
    data = {
        "scope": text(posted, "scope"),
        "consent_document_id": text(posted, "consent_document_id"),
        "send_by_email": text(posted, "send_by_email") == "yes",
    }
    return submit(
        lambda: page.service(PatientLinkService).issue(
            patient_id, LinkIn.model_validate(data), str(request.base_url)
        ),
        # The address and its QR code are shown once, on this answer, never stored.
        then=lambda issued: _links_page(page, patient_id, issued),
        again=lambda errors: _links_page(page, patient_id, status_code=422, error=errors["_form"]),
        errors_from=_one_problem,
    )


def _one_problem(exc: ValidationError | InvalidInput) -> dict[str, str]:
    """The links page shows one problem above its form, in the service's words."""
    return {"_form": exc.message if isinstance(exc, InvalidInput) else str(exc.errors()[0]["msg"])}


@router.post("/patient-links/{link_id}/revoke", name="patient_link_revoke")
def patient_link_revoke(request: Request, link_id: RecordId, page: SignedDep) -> Response:
    link = page.service(PatientLinkService).revoke(link_id)
    target = request.url_for("patient_links_page", patient_id=link.patient_id).path
    return RedirectResponse(target, 303)


def _review_page(
    page: Signed, draft: DraftOut, form: dict[str, str], multi: dict[str, list[str]],
    errors: dict[str, str] | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    patient = page.service(PatientService).get(draft.patient_id)
    sites = [(s.id, s.name, s.region) for s in page.clinic.kb.sites.values()]
    action = page.ctx.request.url_for("intake_draft_accept", draft_id=draft.id).path
    return render(
        page.ctx, "intake.html", status_code, nav="patients", title="Review the patient's intake",
        patient=patient, form=form, multi=multi, errors=errors or {}, preview=None, sites=sites,
        choices=CHOICES, finding_rows=range(FINDING_ROWS), draft=draft, form_action=action,
        other_allergy_rows=range(OTHER_ALLERGY_ROWS),
    )  # fmt: skip


@router.get("/intake-drafts/{draft_id}", name="intake_draft_review")
def intake_draft_review(draft_id: RecordId, page: SignedDep) -> Response:
    draft = page.service(IntakeDraftService).get(draft_id)
    form, multi = intake_as_form(draft.answers)
    return _review_page(page, draft, form, multi)


@router.post("/intake-drafts/{draft_id}/accept", name="intake_draft_accept")
async def intake_draft_accept(request: Request, draft_id: RecordId, page: SignedDep) -> Response:
    service = page.service(IntakeDraftService)
    draft = service.get(draft_id)
    posted = await request.form()
    parsed = read_intake(posted)
    target = request.url_for("patient_record", patient_id=draft.patient_id).path
    return submit(
        lambda: service.accept(
            draft_id, IntakeIn(answers=read_or_refuse(parsed.intake, parsed.errors))
        ),
        then=f"{target}#screening",
        again=lambda errors: _review_page(
            page, draft, as_dict(posted), multi_values(posted), errors, 422
        ),
        errors_from=parsed.errors_from,
    )


@router.post("/intake-drafts/{draft_id}/discard", name="intake_draft_discard")
def intake_draft_discard(request: Request, draft_id: RecordId, page: SignedDep) -> Response:
    draft = page.service(IntakeDraftService).discard(draft_id)
    target = request.url_for("patient_links_page", patient_id=draft.patient_id).path
    return RedirectResponse(target, 303)
