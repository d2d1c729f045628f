"""Schemathesis over every API operation, against the real app served by uvicorn on loopback.

Every check schemathesis has (server errors, undocumented status codes and content types,
response schemas, negative data rejected, auth ignored ...) but one runs on a few generated
requests per operation; the run must end with no failure. The one left out, positive data
accepted, is :data:`NOT_YET` below, with the schema gaps it still finds. Bounded by
``MAX_EXAMPLES`` per operation so it stays within a couple of minutes on two cores.
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
#: Not yet passing (issue 16, item 2, left open): ``positive_data_acceptance`` — schema-valid
#: requests the server still answers 422 because the schema does not express the rule. Found by
#: a run with every check (2026-12-03), by kind:
#: - date bounds pydantic enforces but JSON Schema's ``format: date`` cannot carry (the diary
#:   2000-01-01..2100-12-31, sessions and examinations from 1900-01-01, births within 120 years):
#:   appointments, calendar day/week, day view, sessions list, good-faith exams, patients;
#: - knowledge-base ids and the clinic's rooms as free strings, not enums (unknown site, concern,
#:   device, room): outcomes, photos, devices, lots, calendar, series;
#: - free text whose no-control-characters/no-markup rule is not a pattern: notes, reasons,
#:   adverse events, session completion, lot recall;
#: - rules across fields (end after start, latest after earliest, date of birth or age, version
#:   range, practitioner or room, a concern listed once, a rejection needs a reason, a new
#:   medication needs its class): absences, working hours, waitlist, intakes, calendar feeds,
#:   plans, plan approvals, sessions;
#: - schema/model mismatches: plan edits' discriminator, photo upload's optional ids as empty
#:   form fields, the signature's base64.
#: ``negative_data_rejection`` and every other check run (they failed before on lax dates such as
#: ``born_on=0``, booleans such as ``consent_messages: 1`` and unknown query parameters).
NOT_YET = [checks.positive_data_acceptance]


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
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_documented_contract(
    case: schemathesis.Case, served: str, admin_token: str
) -> None:
    # Signing out revokes the token it is sent with: that operation gets a token of its own.
    token = _token(served) if case.path.endswith("/auth/logout") else admin_token
    case.call_and_validate(
        base_url=served,
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=NOT_YET,
    )
