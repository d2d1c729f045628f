"""Consent on the patient's phone or tablet: read the document, choose on photos, sign."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from microneedling.clinic.services.econsent import ConsentDocumentOut, PatientConsent
from microneedling.reports import consent_renderer
from microneedling.web.logo import letterhead_logo
from microneedling.web.pages._forms import as_dict, submit
from microneedling.web.pages._render import render
from microneedling.web.patient._access import PatientRoute, PatientVisit, visit
from microneedling.web.patient.signing import read_signature

router = APIRouter(route_class=PatientRoute, include_in_schema=False)
CONSENT = frozenset({"consent"})


@router.get("/p/consent", name="patient_consent")
async def patient_consent(request: Request) -> Response:
    seen = await visit(request, CONSENT)
    document = PatientConsent(seen.clinic, seen.actor).read()
    return render(seen.ctx, "patient_consent.html", title="Your consent", document=document,
                  action=request.url_for("patient_consent_sign").path)  # fmt: skip


@router.post("/p/consent", name="patient_consent_sign")
async def patient_consent_sign(request: Request) -> Response:
    seen = await visit(request, CONSENT)
    posted = await request.form()
    service = PatientConsent(seen.clinic, seen.actor)
    document = service.read()
    draw = consent_renderer(letterhead_logo(seen.clinic))
    return submit(
        lambda: service.sign(read_signature(posted), draw),
        then=lambda signed: render(
            seen.ctx, "patient_signed.html", title="Signed", document=signed
        ),
        again=lambda errors: _sign_again(request, seen, document, posted, errors),
    )


def _sign_again(
    request: Request,
    seen: PatientVisit,
    document: ConsentDocumentOut,
    posted: FormData,
    errors: dict[str, str],
) -> Response:
    """The consent again (422): the drawing is not kept, so it is drawn once more."""
    return render(
        seen.ctx, "patient_consent.html", 422, title="Your consent", document=document,
        form=as_dict(posted) | {"signature": ""}, errors=errors,
        action=request.url_for("patient_consent_sign").path,
    )  # fmt: skip
