"""Schemathesis over every API operation, against the real app served by uvicorn on loopback.

Every check schemathesis has (server errors, undocumented status codes and content types,
response schemas, negative data rejected, positive data accepted, auth ignored ...) runs on
every operation, on a few generated requests each; the run must end with no failure. The
published schema states every rule JSON Schema can (bounds, the free-text pattern,
knowledge-base enums, ``anyOf``/``oneOf`` combinations, media types); the rules it cannot
(against the clinic's clock, across two values, against the records kept) are the app's
:data:`microneedling.web.unstated_rules.RULES`, stated in those operations' descriptions: there,
and only there, ``positive_data_acceptance`` also expects the 422 (415) that names the field.
Bounded by ``MAX_EXAMPLES`` per operation so it stays within a few minutes on two cores.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis.config import SchemathesisConfig

from microneedling.clinic import ClinicSettings
from microneedling.web import create_app
from microneedling.web.unstated_rules import RULES
from served_clinic import PASSWORD, ServedClinic, make_clinic

MAX_EXAMPLES = 6
#: What schemathesis expects of schema-valid data by default (its
#: ``POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES``): written out, so a change there shows here.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 150, 120)).save(out, format=kind)
    return out.getvalue()


# The document says an upload is a JPEG or a PNG (``encoding.file.contentType``); these teach
# the fuzzer to make one of each, as a client would send.
schemathesis.openapi.media_type("image/jpeg", st.just(_image("JPEG")))
schemathesis.openapi.media_type("image/png", st.just(_image("PNG")))


def _document() -> dict[str, object]:
    # The document the served app publishes (checked below), built without a database.
    app = create_app(ClinicSettings(database_url="sqlite://"), migrate=False)
    return app.openapi()


def _config() -> SchemathesisConfig:
    # Each operation with a rule its schema cannot state also expects that rule's refusal.
    return SchemathesisConfig.from_dict(
        {
            "operations": [
                {
                    "include-name": label,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*ACCEPTED, "415", "422"]
                            if "415" in rule
                            else [*ACCEPTED, "422"]
                        }
                    },
                }
                for label, rule in RULES.items()
            ]
        }
    )


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


DOCUMENT = _document()
# schemathesis' lazy fixture loader does not work with pytest 9, so the schema is loaded here.
schema = schemathesis.openapi.from_dict(DOCUMENT, config=_config())


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
    case.call_and_validate(base_url=served, headers={"Authorization": f"Bearer {token}"})


def test_every_unstated_rule_is_an_operation_and_says_so() -> None:
    paths = DOCUMENT["paths"]
    assert isinstance(paths, dict)
    described = {
        f"{method.upper()} {path}": operation.get("description", "")
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    assert set(RULES) - set(described) == set()
    assert [label for label, rule in RULES.items() if rule not in described[label]] == []
