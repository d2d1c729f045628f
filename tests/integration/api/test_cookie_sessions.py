"""Cookie sessions (for pages): CSRF on state-changing requests, kinds kept apart, headers."""

from __future__ import annotations

import httpx

from microneedling.clinic import Clinic
from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE, csrf_token

PATIENT = {"given_name": "Cora", "family_name": "Cookie", "date_of_birth": "1980-01-01"}


def test_cookie_session_needs_the_csrf_token_to_change_anything(
    clinic: Clinic, live_api: httpx.Client
) -> None:
    issued = SignIn(clinic).login("front-desk", "correct horse battery staple", None, "cookie")
    live_api.cookies.set(SESSION_COOKIE, issued.token)
    assert live_api.get("/api/patients").status_code == 200
    refused = live_api.post("/api/patients", json=PATIENT)
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/csrf"
    forged = live_api.post("/api/patients", json=PATIENT, headers={"X-CSRF-Token": "0" * 64})
    assert forged.status_code == 403
    good = csrf_token(clinic, issued.token)
    created = live_api.post("/api/patients", json=PATIENT, headers={"X-CSRF-Token": good})
    assert created.status_code == 201, created.text
    live_api.cookies.clear()
    as_bearer = live_api.get("/api/patients", headers={"Authorization": f"Bearer {issued.token}"})
    assert as_bearer.status_code == 401


def test_security_headers_and_no_caching(live_api: httpx.Client) -> None:
    response = live_api.get("/api/patients")
    assert response.status_code == 401
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
