"""The patient's own page: upcoming visits (.ics), latest aftercare, whom to call, consents."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from microneedling.clinic.ics import calendar_bytes
from microneedling.clinic.services.econsent import PatientConsent, WithdrawalIn
from microneedling.clinic.services.patient_page import PatientPage
from microneedling.errors import InvalidInput
from microneedling.planning import aftercare_timeline
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import text
from microneedling.web.pages._render import Flash, render
from microneedling.web.patient._access import PRIVATE, PatientRoute, PatientVisit, visit

router = APIRouter(route_class=PatientRoute, include_in_schema=False)
PAGE = frozenset({"patient_page"})


def _home(seen: PatientVisit, status_code: int = 200, error: str | None = None) -> Response:
    view = PatientPage(seen.clinic, seen.actor).view()
    sheet = view.aftercare
    return render(
        seen.ctx, "patient_home.html", status_code, title="Your page", view=view,
        timeline=aftercare_timeline(sheet, view.next_session_on) if sheet else None,
        withdraw_error=error,
    )  # fmt: skip


@router.get("/p/home", name="patient_home")
async def patient_home(request: Request) -> Response:
    return _home(await visit(request, PAGE))


@router.get("/p/home/visits/{appointment_id}.ics", name="patient_visit_ics")
async def patient_visit_ics(request: Request, appointment_id: RecordId) -> Response:
    seen = await visit(request, PAGE)
    event = PatientPage(seen.clinic, seen.actor).calendar_event(appointment_id)
    domain = request.url.hostname or "clinic.local"
    body = calendar_bytes([event], domain=domain, name=seen.ctx.clinic_name)
    headers = PRIVATE | {
        "Content-Disposition": f'attachment; filename="visit-{appointment_id}.ics"'
    }
    return Response(body, media_type="text/calendar", headers=headers)


@router.get("/p/home/consents/{document_id}.pdf", name="patient_consent_pdf")
async def patient_consent_pdf(request: Request, document_id: RecordId) -> Response:
    seen = await visit(request, PAGE)
    pdf = PatientConsent(seen.clinic, seen.actor).pdf(document_id)
    headers = PRIVATE | {"Content-Disposition": f'inline; filename="consent-{document_id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/p/home/consents/{document_id}/withdraw", name="patient_consent_withdraw")
async def patient_consent_withdraw(request: Request, document_id: RecordId) -> Response:
    seen = await visit(request, PAGE)
    posted = await request.form()
    # A refusal here is about the consent, not a field: one message at the top of the page.
    try:
        withdrawal = WithdrawalIn(reason=text(posted, "reason"))
        PatientConsent(seen.clinic, seen.actor).withdraw(document_id, withdrawal)
    except (InvalidInput, ValidationError) as exc:
        message = exc.problem if isinstance(exc, InvalidInput) else str(exc.errors()[0]["msg"])
        return _home(seen, 422, message)
    seen.ctx.flashes.append(Flash("Your consent is withdrawn. The clinic has been told.", "ok"))
    return _home(seen)
