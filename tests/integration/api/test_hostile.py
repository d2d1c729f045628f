"""Malformed, oversized and hostile input gets a clear 4xx problem and changes nothing.

Each case counts every table's rows and the photo files before and after the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from microneedling.clinic.models import Base

if TYPE_CHECKING:
    from clinic_support import ApiWorld

MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str
    role: str
    method: str
    path: str
    status: int
    fields: set[str] = field(default_factory=set)  # fields the problem must name
    kwargs: dict[str, Any] = field(default_factory=dict)


def _counts(world: ApiWorld) -> dict[str, int]:
    with world.clinic.db.engine.connect() as conn:
        counts = {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }
    counts["photo files"] = sum(
        1 for p in world.clinic.settings.photo_dir.rglob("*") if p.is_file()
    )
    return counts


PATIENT = {"given_name": "Eve", "family_name": "Hacker", "date_of_birth": "1990-01-01"}


def _chunks(total: int) -> Iterator[bytes]:
    """A well-formed multipart upload of ``total`` bytes, sent without a Content-Length."""
    yield (
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )
    block = b"\xff" * MB
    for _ in range(total // MB):
        yield block
    yield b"\r\n--x--\r\n"


CASES = [
    Hostile("wrong types", "front_desk", "POST", "/api/patients", 422,
            {"given_name", "date_of_birth"},
            {"json": {**PATIENT, "given_name": 42, "date_of_birth": "yesterday"}}),
    Hostile("malformed JSON", "front_desk", "POST", "/api/patients", 422, set(),
            {"content": b'{"given_name": ', "headers": {"content-type": "application/json"}}),
    Hostile("unknown field", "front_desk", "POST", "/api/patients", 422, {"is_admin"},
            {"json": {**PATIENT, "is_admin": True}}),
    Hostile("SQL in a name", "front_desk", "POST", "/api/patients", 422, {"given_name"},
            {"json": {**PATIENT, "given_name": "Robert'); DROP TABLE patients;--"}}),
    Hostile("SQL in a phone number", "front_desk", "PATCH", "/api/patients/{patient}", 422,
            {"phone"}, {"json": {"phone": "1' OR '1'='1"}}),
    Hostile("script in an address", "front_desk", "PATCH", "/api/patients/{patient}", 422,
            {"address"}, {"json": {"address": "<script>alert(document.cookie)</script>"}}),
    Hostile("script in a note", "practitioner", "POST", "/api/patients/{patient}/notes", 422,
            {"text"}, {"json": {"text": "<img src=x onerror=alert(1)>"}}),
    Hostile("oversized note", "practitioner", "POST", "/api/patients/{patient}/notes", 422,
            {"text"}, {"json": {"text": "x" * 10_001}}),
    Hostile("markup in a lot number", "admin", "POST", "/api/lots", 422, {"lot_number"},
            {"json": {"lot_number": "<b>1</b>", "device_type": "generic_pen_12",
                      "cartridge_id": "12", "needle_count": 12, "needle_length_mm": 2.5,
                      "expires_on": "2028-01-01"}}),
    Hostile("unknown patient", "front_desk", "GET", "/api/patients/999999", 404, {"patient_id"}),
    Hostile("unknown patient in a booking", "front_desk", "POST", "/api/appointments", 404,
            {"patient_id"},
            {"json": {"patient_id": 999999, "practitioner_id": 1, "room": "room-1",
                      "kind": "consultation", "starts_at": "2027-03-02T10:00",
                      "duration_minutes": 30}}),
    Hostile("unknown lot", "admin", "GET", "/api/lots/999999/patients", 404, {"lot_id"}),
    Hostile("unknown device type", "practitioner", "POST", "/api/patients/{patient}/plans", 422,
            {"device"},
            {"json": {"course": {"device": "laser_9000", "areas": [{"site": "cheeks",
                      "concerns": [{"concern": "fine_lines", "severity": "mild"}]}]}}}),
    Hostile("path traversal in a site", "practitioner", "POST", "/api/patients/{patient}/photos",
            422, {"site"},
            {"data": {"stage": "baseline", "site": "../../etc/passwd"},
             "files": {"file": ("x.jpg", "{jpeg}", "image/jpeg")}}),
    Hostile("negative depth", "practitioner", "POST", "/api/sessions/{session}/areas", 422,
            {"depth_mm"}, {"json": {"site": "forehead", "depth_mm": -1, "passes": 2}}),
    Hostile("page too large", "front_desk", "GET", "/api/patients", 422, {"limit"},
            {"params": {"limit": 100000}}),
    Hostile("50 MB upload", "practitioner", "POST", "/api/patients/{patient}/photos", 413,
            {"(body)"},
            {"data": {"stage": "baseline"},
             "files": {"file": ("big.jpg", b"\xff\xd8" + b"\x00" * (50 * MB), "image/jpeg")}}),
    Hostile("50 MB streamed without a length", "practitioner", "POST",
            "/api/patients/{patient}/photos", 413, set(),
            {"content": "{stream}",
             "headers": {"content-type": "multipart/form-data; boundary=x"}}),
    Hostile("photo over the photo limit", "practitioner", "POST",
            "/api/patients/{patient}/photos", 413, {"file"},
            {"data": {"stage": "baseline"},
             "files": {"file": ("big.jpg", b"\xff\xd8" + b"\x00" * (11 * MB), "image/jpeg")}}),
    Hostile("not an image", "practitioner", "POST", "/api/patients/{patient}/photos", 415,
            {"file"},
            {"data": {"stage": "baseline"},
             "files": {"file": ("x.jpg", b"#!/bin/sh\nrm -rf /\n", "image/jpeg")}}),
    Hostile("a PDF called JPEG", "practitioner", "POST", "/api/patients/{patient}/photos", 415,
            {"file"},
            {"data": {"stage": "baseline"},
             "files": {"file": ("x.jpg", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "image/jpeg")}}),
]  # fmt: skip


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        key = value[1:-1]
        if key in ids:
            return ids[key]
    if isinstance(value, str) and "{" in value:
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_fill(v, ids) for v in value)
    return value


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_and_changes_nothing(api_world: ApiWorld, case: Hostile) -> None:
    from clinic_support import jpeg_with_exif

    ids: dict[str, Any] = {**api_world.ids, "jpeg": jpeg_with_exif(), "stream": _chunks(50 * MB)}
    kwargs = _fill(case.kwargs, ids)
    headers = {**api_world.headers[case.role], **kwargs.pop("headers", {})}
    before = _counts(api_world)
    response = api_world.client.request(
        case.method, _fill(case.path, ids), headers=headers, **kwargs
    )
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "errors"} <= problem.keys()
    assert problem["status"] == case.status
    assert case.fields <= {e["field"].split(".")[-1] for e in problem["errors"]}, problem
    assert _counts(api_world) == before


def test_sql_in_a_search_finds_nothing_and_harms_nothing(api_world: ApiWorld) -> None:
    before = _counts(api_world)
    for name in ("' OR '1'='1", "%'; DROP TABLE patients; --", "_%"):
        response = api_world.client.get(
            "/api/patients", params={"name": name}, headers=api_world.headers["front_desk"]
        )
        assert response.status_code == 200
        assert response.json()["total"] == 0
    assert _counts(api_world) == before
