"""Staff pages for consent documents: prepare one for a plan's current version, have the
patient sign it on the clinic's tablet (the staff member witnesses), download and verify the
signed PDF, and record a withdrawal the patient told the clinic about."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from microneedling.clinic.services.econsent import ConsentDocumentService, WithdrawalIn
from microneedling.reports import consent_renderer
from microneedling.web.deps import RecordId
from microneedling.web.logo import letterhead_logo
from microneedling.web.pages._forms import as_dict, submit, text
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep
from microneedling.web.patient.signing import read_signature

router = APIRouter(route_class=PageRoute, include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _back(request: Request, patient_id: int) -> Response:
    return RedirectResponse(request.url_for("patient_links_page", patient_id=patient_id).path, 303)


@router.post("/plans/{plan_id}/consent-documents", name="consent_document_prepare")
def consent_document_prepare(request: Request, plan_id: RecordId, page: SignedDep) -> Response:
    document = page.service(ConsentDocumentService).prepare(plan_id)
    return _back(request, document.patient_id)


@router.get("/consent-documents/{document_id}/sign", name="consent_document_sign_form")
def consent_document_sign_form(
    request: Request, document_id: RecordId, page: SignedDep
) -> Response:
    document = page.service(ConsentDocumentService).get(document_id)
    action = request.url_for("consent_document_sign", document_id=document_id).path
    return render(page.ctx, "consent_sign.html", nav="patients", title="Sign the consent",
                  document=document, action=action)  # fmt: skip


@router.post("/consent-documents/{document_id}/sign", name="consent_document_sign")
async def consent_document_sign(
    request: Request, document_id: RecordId, page: SignedDep
) -> Response:
    service = page.service(ConsentDocumentService)
    posted = await request.form()
    draw = consent_renderer(letterhead_logo(page.clinic))
    return submit(
        lambda: service.sign_witnessed(document_id, read_signature(posted), draw),
        then=lambda signed: _back(request, signed.patient_id),
        again=lambda errors: _sign_again(request, page, document_id, posted, errors),
    )


def _sign_again(
    request: Request, page: Signed, document_id: int, posted: FormData, errors: dict[str, str]
) -> Response:
    """The signing page again (422): the drawing is not kept, so it is drawn once more."""
    document = page.service(ConsentDocumentService).get(document_id)
    action = request.url_for("consent_document_sign", document_id=document_id).path
    return render(
        page.ctx, "consent_sign.html", 422, nav="patients", title="Sign the consent",
        document=document, action=action, form=as_dict(posted) | {"signature": ""},
        errors=errors,
    )  # fmt: skip


@router.get("/consent-documents/{document_id}.pdf", name="consent_document_pdf")
def consent_document_pdf(document_id: RecordId, page: SignedDep) -> Response:
    pdf = page.service(ConsentDocumentService).pdf(document_id)
    headers = NO_STORE | {"Content-Disposition": f'inline; filename="consent-{document_id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/consent-documents/{document_id}/verify", name="consent_document_verify")
def consent_document_verify(document_id: RecordId, page: SignedDep) -> Response:
    service = page.service(ConsentDocumentService)
    result = service.verify(document_id)
    document = service.get(document_id)
    return render(page.ctx, "consent_verify.html", nav="patients", title="Verify a signed consent",
                  document=document, result=result)  # fmt: skip


@router.post("/consent-documents/{document_id}/withdraw", name="consent_document_withdraw")
async def consent_document_withdraw(
    request: Request, document_id: RecordId, page: SignedDep
) -> Response:
    posted = await request.form()
    document = page.service(ConsentDocumentService).withdraw(
        document_id, WithdrawalIn(reason=text(posted, "reason"))
    )
    return _back(request, document.patient_id)
