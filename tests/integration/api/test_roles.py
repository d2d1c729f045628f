"""Each role sees and does only what it should: every API route × every role.

The table below is the role matrix docs/api.md publishes; a test also fails when a route is
missing from it, so a new route cannot ship without a decision about who may call it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.routing import APIRoute

from microneedling.web import API_PREFIX
from microneedling.web.api import ROUTERS

if TYPE_CHECKING:
    from clinic_support import ApiWorld

ALL = frozenset({"admin", "practitioner", "front_desk", "medical_director"})
CLINICAL = frozenset({"admin", "practitioner", "medical_director"})
ADMIN = frozenset({"admin"})
DIRECTOR = frozenset({"medical_director"})
DESK_ADMIN = frozenset({"admin", "front_desk"})
#: Who keeps practitioners' working hours and absences.
DESK_AND_ADMIN = frozenset({"admin", "front_desk"})


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # the route's template, e.g. /api/patients/{patient_id}
    allowed: frozenset[str]
    request: Callable[[dict[str, Any]], dict[str, Any]]  # ids -> httpx request kwargs
    own_token: bool = False  # signs out: use a token of its own, not the role's shared one


def _none(_: dict[str, Any]) -> dict[str, Any]:
    return {}


def _json(body: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {"json": body(ids)}


COURSE = {
    "areas": [{"site": "cheeks", "concerns": [{"concern": "fine_lines", "severity": "mild"}]}],
    "device": "generic_pen_12", "cartridge": "12", "start_date": "2027-03-08",
}  # fmt: skip
INTAKE = {"sex": "female", "pregnant": False, "breastfeeding": False, "fitzpatrick_type": 2,
          "areas": ["cheeks"], "conditions": [], "medications": [], "procedures": [],
          "allergies": [], "skin_findings": []}  # fmt: skip

CLASSIFY_ALLERGY = (
    "/api/patients/{patient_id}/intakes/current/other-allergies/{index}/classification"
)
CALLS = [
    Call("POST", "/api/auth/token", ALL, _json(lambda i: {
        "username": i["username"], "password": "correct horse battery staple"})),
    Call("POST", "/api/auth/logout", ALL, _none, own_token=True),
    Call("GET", "/api/auth/me", ALL, _none),
    Call("GET", "/api/auth/mfa", ALL, _none),
    Call("POST", "/api/auth/mfa/enrol", ALL, _none),
    # A code that is not the app's: allowed roles get 422 (or 409 without an enrolment).
    Call("POST", "/api/auth/mfa/confirm", ALL, _json(lambda i: {"code": "000000"})),
    # An account that does not exist, so the world's tokens live on: admin 404, others 403.
    Call("POST", "/api/staff/{staff_id}/mfa/reset", ADMIN,
         lambda i: {"path": {"staff_id": i["missing"]}}),
    Call("POST", "/api/staff", ADMIN, _json(lambda i: {
        "username": f"new{i['n']}", "full_name": "New Person", "role": "front_desk",
        "password": "a long enough password"})),
    Call("GET", "/api/staff", ADMIN, _none),
    Call("GET", "/api/staff/practitioners", ALL, _none),
    Call("PATCH", "/api/staff/{staff_id}", ADMIN,
         lambda i: {"json": {"full_name": "Frank F"}, "path": {"staff_id": i["front_desk"]}}),
    Call("GET", "/api/clinic/profile", ALL, _none),
    Call("PUT", "/api/clinic/profile", ADMIN, _json(lambda i: {"name": "Microneedling clinic"})),
    Call("PUT", "/api/clinic/logo", ADMIN,
         lambda i: {"files": {"file": ("logo.jpg", i["jpeg"], "image/jpeg")}}),
    Call("GET", "/api/clinic/logo", ALL, _none),
    Call("DELETE", "/api/clinic/logo", ADMIN, _none),
    Call("GET", "/api/locations", ALL, _none),
    Call("POST", "/api/locations", ADMIN, _json(lambda i: {
        "name": f"Branch {i['n']}", "timezone": "Europe/Berlin",
        "opening_hours": "mon-fri 09:00-17:00", "rooms": ["b-1"]})),
    Call("GET", "/api/locations/{location_id}", ALL, _none),
    Call("PATCH", "/api/locations/{location_id}", ADMIN,
         lambda i: {"json": {"phone": "+44 1 2345"}, "path": {"location_id": 10_000}}),
    Call("GET", "/api/staff/{staff_id}/locations", ALL, _none),
    Call("PUT", "/api/staff/{staff_id}/locations", ADMIN, _json(lambda i: {"location_ids": []})),
    Call("POST", "/api/patients", ALL, _json(lambda i: {
        "given_name": "Neo", "family_name": "Patient", "date_of_birth": "1991-01-01"})),
    Call("GET", "/api/patients", ALL, _none),
    Call("GET", "/api/patients/{patient_id}", ALL, _none),
    Call("PATCH", "/api/patients/{patient_id}", ALL, _json(lambda i: {"phone": "+44 1 2345"})),
    Call("DELETE", "/api/patients/{patient_id}", ADMIN,
         lambda i: {"params": {"reason": "test"}, "path": {"patient_id": i["spare_patient"]}}),
    Call("POST", "/api/patients/{patient_id}/notes", CLINICAL, _json(lambda i: {"text": "ok"})),
    Call("GET", "/api/patients/{patient_id}/notes", CLINICAL, _none),
    Call("POST", "/api/patients/{patient_id}/intakes", CLINICAL,
         _json(lambda i: {"answers": INTAKE})),
    Call("GET", "/api/patients/{patient_id}/intakes", CLINICAL, _none),
    Call("GET", "/api/patients/{patient_id}/intakes/current", CLINICAL, _none),
    Call("POST", CLASSIFY_ALLERGY, CLINICAL,
         lambda i: {"json": {"classified_as": "gold"}, "path": {"index": 0}}),
    Call("POST", "/api/patients/{patient_id}/screenings", CLINICAL, _none),
    Call("GET", "/api/patients/{patient_id}/screenings", CLINICAL, _none),
    Call("POST", "/api/patients/{patient_id}/plans", CLINICAL, _json(lambda i: {"course": COURSE})),
    Call("GET", "/api/patients/{patient_id}/plans", CLINICAL, _none),
    Call("GET", "/api/patients/{patient_id}/plan-schedules", ALL, _none),
    Call("GET", "/api/plans/{plan_id}/schedule", ALL, _none),
    Call("GET", "/api/plans/{plan_id}", CLINICAL, _none),
    Call("GET", "/api/plans/{plan_id}/versions/{version}", CLINICAL,
         lambda i: {"path": {"version": 1}}),
    Call("POST", "/api/plans/{plan_id}/edits", CLINICAL, _json(lambda i: {"changes": [
        {"change": "passes", "site": "cheeks", "value": 3, "reason": "end-point"}]})),
    Call("POST", "/api/plans/{plan_id}/consents", CLINICAL, _json(lambda i: {
        "version": 1, "consented_by": "Wendy World", "method": "signature"})),
    Call("POST", "/api/plans/{plan_id}/cancel", CLINICAL,
         lambda i: {"path": {"plan_id": 10_000}}),
    Call("GET", "/api/plans/{plan_id}/prediction", CLINICAL, _none),
    Call("POST", "/api/appointments", ALL, _json(lambda i: {
        "patient_id": i["patient"], "practitioner_id": i["practitioner"], "room": "room-2",
        "kind": "consultation", "starts_at": f"2027-03-0{2 + i['n'] % 7}T15:00",
        "duration_minutes": 15})),
    Call("GET", "/api/appointments", ALL, _none),
    Call("GET", "/api/appointments/day/{day}", ALL, lambda i: {"path": {"day": "2027-03-01"}}),
    Call("GET", "/api/appointments/{appointment_id}", ALL, _none),
    Call("POST", "/api/appointments/{appointment_id}/cancel", ALL,
         lambda i: {"json": {"reason": "x"}, "path": {"appointment_id": 10_000}}),
    Call("POST", "/api/appointments/{appointment_id}/no-show", ALL,
         lambda i: {"json": {}, "path": {"appointment_id": 10_000}}),
    Call("POST", "/api/appointments/{appointment_id}/complete", ALL,
         lambda i: {"path": {"appointment_id": 10_000}}),
    Call("GET", "/api/calendar/day", ALL, lambda i: {"params": {"day": "2027-03-01"}}),
    Call("GET", "/api/calendar/week", ALL, lambda i: {"params": {"day": "2027-03-01"}}),
    Call("GET", "/api/calendar/free-slots", ALL, lambda i: {"params": {"minutes": 30}}),
    Call("GET", "/api/working-hours", ALL, _none),
    # A front-desk account has no working hours: allowed roles get 404, the others 403, and
    # the world's practitioners keep their hours.
    Call("POST", "/api/working-hours", DESK_AND_ADMIN, _json(lambda i: {
        "staff_id": i["front_desk"], "weekday": "sunday", "starts": "09:00", "ends": "10:00"})),
    Call("DELETE", "/api/working-hours/{hours_id}", DESK_AND_ADMIN,
         lambda i: {"path": {"hours_id": 10_000}}),
    Call("GET", "/api/absences", ALL, _none),
    Call("POST", "/api/absences", DESK_AND_ADMIN, _json(lambda i: {
        "staff_id": i["front_desk"], "starts_at": "2027-06-01T09:00",
        "ends_at": "2027-06-01T10:00", "reason": "training"})),
    Call("DELETE", "/api/absences/{absence_id}", DESK_AND_ADMIN,
         lambda i: {"path": {"absence_id": 10_000}}),
    Call("GET", "/api/plans/{plan_id}/series", ALL, _none),
    Call("POST", "/api/plans/{plan_id}/series", ALL, _json(lambda i: {"sessions": [{
        "number": 12, "practitioner_id": i["practitioner"], "room": "room-2",
        "starts_at": "2027-03-02T15:00", "duration_minutes": 15}]})),
    Call("POST", "/api/sessions", CLINICAL, _json(lambda i: {
        "appointment_id": i["session_appointment"], "device_id": i["device"],
        "lot_id": i["lot"], "check": {"new_medication": False, "pregnant": False,
                                      "cold_sore": False, "breakout": False}})),
    Call("GET", "/api/sessions/{session_id}", CLINICAL, _none),
    Call("POST", "/api/sessions/{session_id}/areas", CLINICAL,
         _json(lambda i: {"site": "forehead", "depth_mm": 0.5, "passes": 2})),
    Call("POST", "/api/sessions/{session_id}/adverse-events", CLINICAL, _json(lambda i: {
        "kind": "erythema", "severity": "mild", "description": "redness",
        "noticed_at": "2027-03-01T10:00:00Z"})),
    Call("POST", "/api/sessions/{session_id}/complete", CLINICAL,
         lambda i: {"json": {"treatment_started_at": "2027-03-01T10:06:00Z",
                             "treatment_ended_at": "2027-03-01T10:07:00Z",
                             "end_point": "uniform_erythema"},
                    "path": {"session_id": 10_000}}),
    Call("GET", "/api/sessions/{session_id}/aftercare", CLINICAL, _none),
    Call("GET", "/api/patients/{patient_id}/sessions", CLINICAL, _none),
    Call("POST", "/api/patients/{patient_id}/outcomes", CLINICAL, _json(lambda i: {
        "assessed_on": "2027-03-01", "concern": "fine_lines", "clinician_score": 2})),
    Call("GET", "/api/patients/{patient_id}/outcomes", CLINICAL, _none),
    Call("POST", "/api/patients/{patient_id}/photos", CLINICAL, lambda i: {
        "data": {"stage": "baseline"}, "files": {"file": ("p.jpg", i["jpeg"], "image/jpeg")}}),
    Call("POST", "/api/patients/{patient_id}/photos/batch", CLINICAL, lambda i: {
        "data": {"stage": "baseline", "view": "front"},
        "files": [("file", ("p.jpg", i["jpeg"], "image/jpeg"))]}),
    Call("GET", "/api/patients/{patient_id}/photos", CLINICAL, _none),
    Call("GET", "/api/photos/{photo_id}/file", CLINICAL, _none),
    Call("POST", "/api/devices", ADMIN, _json(lambda i: {
        "device_type": "generic_pen_12", "serial_number": f"SN-{i['n']}", "label": "Pen"})),
    Call("GET", "/api/devices", ALL, _none),
    Call("POST", "/api/devices/{device_id}/retire", ADMIN,
         lambda i: {"path": {"device_id": 10_000}}),
    Call("POST", "/api/lots", ADMIN, _json(lambda i: {
        "lot_number": f"M-{i['n']}", "device_type": "generic_pen_12", "cartridge_id": "12",
        "needle_count": 12, "needle_length_mm": 2.5, "expires_on": "2028-01-01"})),
    Call("GET", "/api/lots", ALL, _none),
    Call("POST", "/api/lots/{lot_id}/recall", ADMIN,
         lambda i: {"json": {"reason": "test"}, "path": {"lot_id": i["spare_lot"]}}),
    Call("GET", "/api/lots/{lot_id}/patients", ADMIN, _none),
    Call("GET", "/api/audit", ADMIN, _none),
    Call("GET", "/api/fhir/metadata", ALL, _none),
    Call("GET", "/api/fhir/Patient/{patient_id}/$everything", CLINICAL, _none),
    Call("POST", "/api/patients/{patient_id}/good-faith-exams", DIRECTOR,
         _json(lambda i: {"examined_on": "2027-03-01", "outcome": "cleared"})),
    Call("GET", "/api/patients/{patient_id}/good-faith-exams", CLINICAL, _none),
    Call("POST", "/api/plans/{plan_id}/approvals", DIRECTOR,
         _json(lambda i: {"version": 1, "decision": "approved"})),
    Call("GET", "/api/plans/{plan_id}/approvals", CLINICAL, _none),
    Call("GET", "/api/oversight/pending-plans", DIRECTOR, _none),
    Call("GET", "/api/oversight/chart-reviews", DIRECTOR, lambda i: {"params": {"state": "all"}}),
    Call("POST", "/api/sessions/{session_id}/review", DIRECTOR,
         _json(lambda i: {"finding": "acceptable"})),
    Call("GET", "/api/sessions/{session_id}/review", CLINICAL, _none),
    Call("POST", "/api/waitlist", ALL, _json(lambda i: {
        "patient_id": i["patient"], "earliest": "2027-03-02T09:00",
        "latest": "2027-03-02T17:00"})),
    Call("GET", "/api/waitlist", ALL, _none),
    Call("POST", "/api/waitlist/{entry_id}/booked", ALL,
         lambda i: {"path": {"entry_id": 10_000}}),
    Call("POST", "/api/waitlist/{entry_id}/remove", ALL,
         lambda i: {"path": {"entry_id": 10_000}}),
    Call("GET", "/api/recall", ALL, _none),
    Call("GET", "/api/recall/csv", ALL, _none),
    Call("GET", "/api/messages", DESK_ADMIN, _none),
    Call("POST", "/api/messages/{message_id}/retry", DESK_ADMIN,
         lambda i: {"path": {"message_id": 10_000}}),
    Call("POST", "/api/messages/{message_id}/cancel", DESK_ADMIN,
         lambda i: {"json": {}, "path": {"message_id": 10_000}}),
    Call("POST", "/api/calendar-feeds", ADMIN, _json(lambda i: {"room": "room-1"})),
    Call("GET", "/api/calendar-feeds", ADMIN, _none),
    Call("POST", "/api/calendar-feeds/{feed_id}/revoke", ADMIN,
         lambda i: {"path": {"feed_id": 10_000}}),
    Call("POST", "/api/patients/{patient_id}/links", ALL, _json(lambda i: {"scope": "intake"})),
    Call("GET", "/api/patients/{patient_id}/links", ALL, _none),
    Call("POST", "/api/patient-links/{link_id}/revoke", ALL, _none),
    Call("GET", "/api/patients/{patient_id}/intake-drafts", CLINICAL, _none),
    Call("GET", "/api/intake-drafts/{draft_id}", CLINICAL, _none),
    Call("POST", "/api/intake-drafts/{draft_id}/accept", CLINICAL,
         _json(lambda i: {"answers": INTAKE})),
    Call("POST", "/api/intake-drafts/{draft_id}/discard", CLINICAL, _none),
    Call("POST", "/api/plans/{plan_id}/consent-documents", CLINICAL,
         lambda i: {"path": {"plan_id": 10_000}}),
    Call("GET", "/api/patients/{patient_id}/consent-documents", CLINICAL, _none),
    Call("GET", "/api/consent-documents/{document_id}", CLINICAL, _none),
    Call("POST", "/api/consent-documents/{document_id}/signature", CLINICAL, _json(lambda i: {
        "signer_name": "Wendy World", "photo_consent": False, "signature_png": "iVBORw0K"})),
    Call("GET", "/api/consent-documents/{document_id}/pdf", CLINICAL, _none),
    Call("GET", "/api/consent-documents/{document_id}/verify", CLINICAL, _none),
    Call("POST", "/api/consent-documents/{document_id}/withdraw", CLINICAL, _json(lambda i: {})),
]  # fmt: skip

PATH_IDS = {
    "patient_id": "patient", "plan_id": "plan", "appointment_id": "follow_up",
    "session_id": "session", "photo_id": "photo", "device_id": "device", "lot_id": "lot",
    "staff_id": "front_desk", "link_id": "missing", "draft_id": "missing",
    "document_id": "missing", "hours_id": "patient", "absence_id": "patient",
    "location_id": "location",
}  # fmt: skip
CASES = [(call, role) for call in CALLS for role in sorted(ALL)]
_counter = iter(range(1, 10**6))


def _send(world: ApiWorld, call: Call, role: str) -> Any:
    from clinic_support import jpeg_with_exif

    username = role.replace("_", "-")
    ids: dict[str, Any] = {**world.ids, "n": next(_counter), "jpeg": jpeg_with_exif(),
                           "username": username, "missing": 10_000}  # fmt: skip
    spec = call.request(ids)
    path_values = {name: ids[key] for name, key in PATH_IDS.items()}
    path_values.update(spec.pop("path", {}))
    url = call.path.format(**path_values) if "{" in call.path else call.path
    headers = world.headers[role]
    if call.own_token:
        login = {"username": username, "password": "correct horse battery staple"}
        token = world.client.post("/api/auth/token", json=login).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
    return world.client.request(call.method, url, headers=headers, **spec)


def api_routes() -> set[tuple[str, str]]:
    """Every (method, path) the API serves, from the routers the app mounts."""
    return {
        (method, API_PREFIX + route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def test_every_route_has_a_row_in_the_matrix() -> None:
    assert api_routes() == {(c.method, c.path) for c in CALLS}


@pytest.mark.parametrize(
    ("call", "role"), CASES, ids=[f"{c.method} {c.path} as {r}" for c, r in CASES]
)
def test_role_matrix(api_world: ApiWorld, call: Call, role: str) -> None:
    response = _send(api_world, call, role)
    if role in call.allowed:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/forbidden"


def test_without_a_token_every_route_but_sign_in_says_401(api_world: ApiWorld) -> None:
    client = api_world.client
    for call in CALLS[1:]:
        path_values = {name: 1 for name in PATH_IDS} | {
            "version": 1,
            "day": "2027-03-01",
            "index": 0,
            "entry_id": 1,
            "message_id": 1,
            "feed_id": 1,
        }
        response = client.request(call.method, call.path.format(**path_values))
        assert response.status_code == 401, (call.path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


DOCS = Path(__file__).parents[3] / "docs" / "api.md"
ROLE_NAMES = {"admin": "admin", "practitioner": "practitioner", "front desk": "front_desk",
              "medical director": "medical_director"}  # fmt: skip


def _documented() -> dict[tuple[str, str], frozenset[str]]:
    rows = re.findall(r"^\| `([A-Z]+) (/api/\S*)` \| ([^|]+) \|", DOCS.read_text(), re.M)
    out = {}
    for method, path, roles in rows:
        names = [r.strip() for r in roles.split(",")]
        out[(method, path)] = (
            ALL if names == ["anyone (no token)"] else frozenset(ROLE_NAMES[n] for n in names)
        )
    return out


def test_docs_list_every_route_with_the_roles_the_matrix_tests() -> None:
    documented = _documented()
    assert set(documented) == api_routes(), "docs/api.md and the API's routes differ"
    for call in CALLS:
        assert documented[(call.method, call.path)] == call.allowed, call.path


def test_every_route_is_in_the_openapi_document() -> None:
    from microneedling.clinic import ClinicSettings
    from microneedling.web import create_app

    spec = create_app(ClinicSettings()).openapi()
    in_spec = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert api_routes() <= in_spec
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op.get("summary"), f"{path} has no summary"


def test_docs_list_every_problem_type() -> None:
    from microneedling.web.problems import PROBLEM_TYPES

    text = DOCS.read_text()
    for slug in PROBLEM_TYPES:
        assert f"`/problems/{slug}`" in text, slug
