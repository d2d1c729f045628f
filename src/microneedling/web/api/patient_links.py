"""Patient links, the intake drafts patients send, and consent documents (staff side).

The patient's own side is pages only (``/p/...``), opened by a link's cookie; nothing here
accepts a patient link.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from microneedling.clinic.schemas.intakes import IntakeIn, IntakeScreened
from microneedling.clinic.services.econsent import (
    ConsentDocumentOut,
    ConsentDocumentService,
    SignatureIn,
    Verification,
    WithdrawalIn,
)
from microneedling.clinic.services.intake_drafts import DraftOut, IntakeDraftService
from microneedling.clinic.services.patient_links import (
    IssuedLink,
    LinkIn,
    LinkOut,
    PatientLinkService,
)
from microneedling.reports import consent_renderer
from microneedling.web.deps import ClinicDep, RecordId, service
from microneedling.web.logo import letterhead_logo

router = APIRouter(tags=["patient links and e-consent"])
Links = Annotated[PatientLinkService, Depends(service(PatientLinkService))]
Drafts = Annotated[IntakeDraftService, Depends(service(IntakeDraftService))]
Consents = Annotated[ConsentDocumentService, Depends(service(ConsentDocumentService))]


@router.post(
    "/patients/{patient_id}/links",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a patient link (intake, consent or patient_page): its address and QR, once",
)
def issue_link(patient_id: RecordId, body: LinkIn, links: Links, request: Request) -> IssuedLink:
    return links.issue(patient_id, body, str(request.base_url))


@router.get("/patients/{patient_id}/links", summary="The patient's links, newest first")
def list_links(patient_id: RecordId, links: Links) -> list[LinkOut]:
    return links.for_patient(patient_id)


@router.post("/patient-links/{link_id}/revoke", summary="Revoke a patient link at once")
def revoke_link(link_id: RecordId, links: Links) -> LinkOut:
    return links.revoke(link_id)


@router.get("/patients/{patient_id}/intake-drafts", summary="Intakes the patient sent")
def list_drafts(patient_id: RecordId, drafts: Drafts) -> list[DraftOut]:
    return drafts.for_patient(patient_id)


@router.get("/intake-drafts/{draft_id}", summary="One intake the patient sent (a draft)")
def get_draft(draft_id: RecordId, drafts: Drafts) -> DraftOut:
    return drafts.get(draft_id)


@router.post(
    "/intake-drafts/{draft_id}/accept",
    status_code=status.HTTP_201_CREATED,
    summary="Accept a draft, as corrected and examined, into the record: a screened intake",
)
def accept_draft(draft_id: RecordId, body: IntakeIn, drafts: Drafts) -> IntakeScreened:
    return drafts.accept(draft_id, body)


@router.post("/intake-drafts/{draft_id}/discard", summary="Discard a draft")
def discard_draft(draft_id: RecordId, drafts: Drafts) -> DraftOut:
    return drafts.discard(draft_id)


@router.post(
    "/plans/{plan_id}/consent-documents",
    status_code=status.HTTP_201_CREATED,
    summary="Prepare the consent document of the plan's current version",
)
def prepare_consent(plan_id: RecordId, consents: Consents) -> ConsentDocumentOut:
    return consents.prepare(plan_id)


@router.get("/patients/{patient_id}/consent-documents", summary="The patient's documents")
def list_consents(patient_id: RecordId, consents: Consents) -> list[ConsentDocumentOut]:
    return consents.for_patient(patient_id)


@router.get("/consent-documents/{document_id}", summary="One consent document")
def get_consent(document_id: RecordId, consents: Consents) -> ConsentDocumentOut:
    return consents.get(document_id)


@router.post(
    "/consent-documents/{document_id}/signature",
    summary="Sign on the clinic's tablet, witnessed by the caller (signature_png in base64)",
)
def sign_consent(
    document_id: RecordId, body: SignatureIn, consents: Consents, clinic: ClinicDep
) -> ConsentDocumentOut:
    draw = consent_renderer(letterhead_logo(clinic))
    return consents.sign_witnessed(document_id, body, draw)


@router.get(
    "/consent-documents/{document_id}/pdf",
    summary="The signed PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def consent_pdf_file(document_id: RecordId, consents: Consents) -> Response:
    return Response(consents.pdf(document_id), media_type="application/pdf")


@router.get(
    "/consent-documents/{document_id}/verify",
    summary="The stored PDF's SHA-256 computed again beside the one recorded at signing",
)
def verify_consent(document_id: RecordId, consents: Consents) -> Verification:
    return consents.verify(document_id)


@router.post(
    "/consent-documents/{document_id}/withdraw",
    summary="Record the patient's withdrawal: bookings and sessions of the plan stop",
)
def withdraw_consent(
    document_id: RecordId, body: WithdrawalIn, consents: Consents
) -> ConsentDocumentOut:
    return consents.withdraw(document_id, body)
