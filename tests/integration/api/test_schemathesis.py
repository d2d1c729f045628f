"""Schemathesis over every API operation, against the real app served by uvicorn on loopback.

Every check schemathesis has (server errors, undocumented status codes and content types,
response schemas, negative data rejected, positive data accepted, auth ignored ...) runs on a
few generated requests per operation; the run must end with no failure. One check,
``positive_data_acceptance``, is left out on the operations of :data:`SCHEMA_GAPS` only, each
with the rule its published schema does not yet express. Bounded by ``MAX_EXAMPLES`` per
operation so it stays within a few minutes on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from microneedling.clinic import ClinicSettings
from microneedling.web import create_app
from served_clinic import PASSWORD, ServedClinic, make_clinic

MAX_EXAMPLES = 6
#: Operations whose published schema still allows data the server answers 422 (or 415) to,
#: because the schema does not express the rule (issue 16, left open): on these alone
#: ``positive_data_acceptance`` is not run; every other check is, and on every other operation
#: all checks are. Found by runs with every check (2026-12-03). Kinds: date bounds JSON Schema's
#: ``format: date`` cannot carry; knowledge-base ids (sites, concerns, devices) as free strings,
#: not enums; free text whose no-control-characters/no-markup rule is not a pattern; rules
#: across fields; schema/model mismatches. ``test_every_gap_is_an_operation`` keeps the list
#: to real operations. Each entry says which: ``dates`` (bounds ``format: date`` cannot carry),
#: ``ids`` (knowledge-base ids as free strings), ``text`` (the free-text rule), ``across`` (a
#: rule across fields), ``state`` or ``mismatch`` (schema and model disagree).
SCHEMA_GAPS: dict[str, str] = {
    "GET /api/appointments/day/{day}": "dates: the diary, 2000-01-01..2100-12-31",
    "GET /api/calendar/day": "dates: the diary",
    "GET /api/calendar/week": "dates: the diary",
    "GET /api/calendar/free-slots": "state: the room must be one of the location's rooms",
    "POST /api/patients": "dates: born in the past, within 120 years",
    "PATCH /api/patients/{patient_id}": "text: address",
    "GET /api/patients/{patient_id}/sessions": "dates: from 1900-01-01",
    "GET /api/plans/{plan_id}/series": "dates: the diary",
    "GET /api/patients/{patient_id}/photos": "ids: site",
    "POST /api/patients/{patient_id}/outcomes": "across: the score on the concern's own scale",
    "POST /api/devices": "text: label",
    "POST /api/lots": "across: a pen's lot needs its cartridge id",
    "POST /api/intake-drafts/{draft_id}/accept": "across: date of birth or age, not both",
    "POST /api/patients/{patient_id}/good-faith-exams": "dates: from 1900, not future; text",
    "POST /api/locations": "an IANA zone and opening hours that open, as free strings",
    "PUT /api/clinic/profile": "text: name",
    "PATCH /api/locations/{location_id}": "an IANA zone and opening hours, as free strings",
    "POST /api/appointments": "text: note",
    "POST /api/patients/{patient_id}/notes": "text",
    "POST /api/sessions/{session_id}/adverse-events": "text: description",
    "POST /api/sessions/{session_id}/complete": "text: products",
    "POST /api/lots/{lot_id}/recall": "text: reason",
    "DELETE /api/patients/{patient_id}": "text: reason",
    "POST /api/appointments/{appointment_id}/no-show": "text: reason",
    "POST /api/absences": "across: ends after it starts",
    "POST /api/working-hours": "across: ends after it starts",
    "POST /api/waitlist": "across: latest after earliest",
    "POST /api/calendar-feeds": "across: a practitioner or a room",
    "POST /api/patients/{patient_id}/intakes": "across: stopped after started; ids",
    "POST /api/patients/{patient_id}/intakes/current/other-allergies/{index}/classification": (
        "state: the index must be one of the intake's other allergies (422, not 404)"
    ),
    "POST /api/sessions": "across: a new medication needs its class; ids",
    "POST /api/patients/{patient_id}/plans": "across; ids: sites, concerns, device",
    "POST /api/plans/{plan_id}/approvals": "across: a rejection needs a reason; text",
    "POST /api/plans/{plan_id}/series": "across: dates, room or practitioner",
    "POST /api/plans/{plan_id}/edits": "mismatch: `change` not published as discriminator",
    "POST /api/patients/{patient_id}/photos": "mismatch: empty optional ids; empty file 415",
    "POST /api/patients/{patient_id}/photos/batch": "mismatch: as the single photo; views",
    "GET /api/patients/{patient_id}/intakes": "across: version_to not before version_from",
    "PUT /api/clinic/logo": "mismatch: an empty file (any binary) is 415",
    "POST /api/consent-documents/{document_id}/signature": "mismatch: base64 as free string",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("fuzzed")
    make_clinic(data_dir)
    # Generated sign-ins fail by the hundred from one address: keep the throttle out of the
    # way of the other operations (it has its own tests).
    server = ServedClinic(
        data_dir,
        {
            "MICRONEEDLING_LOGIN_FREE_FAILURES": "100",
            "MICRONEEDLING_LOGIN_ADDRESS_FREE_FAILURES": "1000",
        },
    )
    try:
        yield server.start()
    finally:
        server.stop()


def _document() -> dict[str, object]:
    # The document the served app publishes (checked below), built without a database.
    app = create_app(ClinicSettings(database_url="sqlite://"), migrate=False)
    return app.openapi()


DOCUMENT = _document()
# schemathesis' lazy fixture loader does not work with pytest 9, so the schema is loaded here.
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_fuzzed_document_is_the_one_the_server_publishes(served: str) -> None:
    assert httpx.get(served + "/api/openapi.json", timeout=30).json() == DOCUMENT


def _token(base: str) -> str:
    signed = httpx.post(
        base + "/api/auth/token", json={"username": "admin", "password": PASSWORD}, timeout=30
    )
    signed.raise_for_status()
    token: str = signed.json()["token"]
    return token


@pytest.fixture(scope="module")
def admin_token(served: str) -> str:
    return _token(served)


@schema.parametrize()
# Derandomized: every run (and CI) sends the same requests, so a failure is the code's, not
# the draw's; a new operation or a changed schema still changes what is sent.
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_documented_contract(
    case: schemathesis.Case, served: str, admin_token: str
) -> None:
    # Signing out revokes the token it is sent with: that operation gets a token of its own.
    token = _token(served) if case.path.endswith("/auth/logout") else admin_token
    gap = case.operation.label in SCHEMA_GAPS
    case.call_and_validate(
        base_url=served,
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[checks.positive_data_acceptance] if gap else [],
    )


def test_every_gap_is_an_operation() -> None:
    paths = DOCUMENT["paths"]
    assert isinstance(paths, dict)
    labels = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}
    assert set(SCHEMA_GAPS) - labels == set()
