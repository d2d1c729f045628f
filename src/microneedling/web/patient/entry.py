"""Opening a link: ``/p/<token>`` checks it, keeps the token in a cookie, goes to its page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.services.patient_links import (
    ALL_SCOPES,
    TOKEN_BYTES,
    LinkUnusable,
    PatientLinks,
)
from microneedling.web.auth import client_ip
from microneedling.web.patient._access import PRIVATE, PatientRoute, set_patient_cookie

router = APIRouter(route_class=PatientRoute, include_in_schema=False)
#: The page each scope opens on.
LANDING = {"intake": "patient_intake", "consent": "patient_consent", "patient_page": "patient_home"}
#: The longest token accepted in an address (a token is 43 characters); longer is not looked up.
MAX_TOKEN = 4 * TOKEN_BYTES


@router.get("/p/{token}", name="patient_link")
def patient_link(request: Request, token: str) -> Response:
    clinic = request.app.state.clinic
    assert isinstance(clinic, Clinic)
    if len(token) > MAX_TOKEN:
        raise LinkUnusable()
    actor = PatientLinks(clinic).open(token, ALL_SCOPES, client_ip(request))
    response = RedirectResponse(request.url_for(LANDING[actor.scope]).path, 303, headers=PRIVATE)
    set_patient_cookie(response, clinic, token)
    return response
