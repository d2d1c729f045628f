"""Ids and offsets beyond what the database holds are refused as invalid input, never a 500.

SQLite stores 64-bit integers and PostgreSQL's ``integer`` key 32-bit ones; a number past either
used to reach the driver and fail there (OverflowError, DataError).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from fastapi.routing import APIRoute

from microneedling.web.api import ROUTERS

if TYPE_CHECKING:
    from clinic_support import ApiWorld

#: Past PostgreSQL's integer (2^31 - 1), past SQLite's 64-bit integer, and below the first id.
OUT_OF_RANGE = ("2147483648", "99999999999999999999", "0", "-1")


def _id_routes() -> list[tuple[str, str]]:
    return sorted(
        (method, "/api" + route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
        if re.search(r"\{\w+_id\}|\{version\}", route.path)
    )


ID_ROUTES = _id_routes()


def test_every_id_route_is_checked() -> None:
    assert len(ID_ROUTES) >= 35


@pytest.mark.parametrize(("method", "path"), ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_an_id_out_of_range_is_invalid_input(api_world: ApiWorld, method: str, path: str) -> None:
    for value in OUT_OF_RANGE:
        url = re.sub(r"\{\w+\}", value, path)
        response = api_world.client.request(method, url, headers=api_world.headers["admin"])
        assert response.status_code == 422, (url, response.text)
        fields = {e["field"] for e in response.json()["errors"]}
        named = set(re.findall(r"\{(\w+)\}", path))
        assert fields & named, (url, fields)


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999", "-1"])
@pytest.mark.parametrize(
    "path",
    ["/api/patients", "/api/appointments", "/api/audit", "/api/lots", "/api/staff"],
)
def test_an_offset_out_of_range_is_invalid_input(
    api_world: ApiWorld, path: str, value: str
) -> None:
    response = api_world.client.get(
        path, params={"offset": value}, headers=api_world.headers["admin"]
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["offset"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/appointments", "patient_id"),
        ("/api/appointments", "practitioner_id"),
        ("/api/audit", "patient_id"),
        ("/api/audit", "staff_id"),
    ],
)
def test_an_id_filter_out_of_range_is_invalid_input(
    api_world: ApiWorld, path: str, name: str
) -> None:
    response = api_world.client.get(
        path, params={name: "99999999999999999999"}, headers=api_world.headers["admin"]
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [name]


def test_a_booking_for_an_id_out_of_range_is_invalid_input(api_world: ApiWorld) -> None:
    booking = {
        "patient_id": 99999999999999999999,
        "practitioner_id": 2147483648,
        "room": "room-1",
        "kind": "session",
        "starts_at": "2027-03-02T10:00",
        "duration_minutes": 30,
        "plan_id": 99999999999999999999,
    }
    response = api_world.client.post(
        "/api/appointments", json=booking, headers=api_world.headers["front_desk"]
    )
    assert response.status_code == 422, response.text
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"patient_id", "practitioner_id", "plan_id"}


@pytest.mark.parametrize(
    ("day", "status"), [("2100-12-31", 200), ("2101-01-01", 422), ("9999-12-31", 422)]
)
def test_the_diary_is_kept_up_to_the_last_plannable_day(
    api_world: ApiWorld, day: str, status: int
) -> None:
    response = api_world.client.get(
        f"/api/appointments/day/{day}", headers=api_world.headers["front_desk"]
    )
    assert response.status_code == status, response.text
    if status == 422:
        assert [e["field"] for e in response.json()["errors"]] == ["day"]


def test_a_planned_depth_that_is_not_a_number_is_invalid_input(api_world: ApiWorld) -> None:
    # Python's JSON reader accepts NaN; the plan must not.
    body = (
        '{"course": {"device": "generic_pen_12", "cartridge": "12", "areas": [{"site": "cheeks",'
        ' "depth_mm": NaN, "concerns": [{"concern": "fine_lines", "severity": "mild"}]}]}}'
    )
    response = api_world.client.post(
        f"/api/patients/{api_world.ids['patient']}/plans",
        content=body,
        headers={**api_world.headers["practitioner"], "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "course.areas.0.depth_mm", "problem": "Input should be a finite number"}
    ]


def test_a_session_start_naming_ids_out_of_range_is_invalid_input(api_world: ApiWorld) -> None:
    body = {
        "appointment_id": 99999999999999999999,
        "device_id": 2147483648,
        "lot_id": 0,
        "check": {},
    }
    response = api_world.client.post(
        "/api/sessions", json=body, headers=api_world.headers["practitioner"]
    )
    assert response.status_code == 422, response.text
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"appointment_id", "device_id", "lot_id"} <= fields


def test_an_outcome_naming_a_plan_out_of_range_is_invalid_input(api_world: ApiWorld) -> None:
    body = {
        "plan_id": 99999999999999999999,
        "assessed_on": "2027-03-01",
        "concern": "fine_lines",
        "clinician_score": 2,
    }
    response = api_world.client.post(
        f"/api/patients/{api_world.ids['patient']}/outcomes",
        json=body,
        headers=api_world.headers["practitioner"],
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["plan_id"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/plans/{plan}/edits",
            '{"changes": [{"change": "depth_mm", "site": "cheeks", "value": NaN,'
            ' "reason": "test"}]}',
            "changes.0.depth_mm.value",  # pydantic names the change kind in the path
        ),
        (
            "/api/patients/{patient}/outcomes",
            '{"assessed_on": "2027-03-01", "concern": "fine_lines", "clinician_score": NaN}',
            "clinician_score",
        ),
    ],
)
def test_a_number_that_is_not_finite_is_invalid_input(
    api_world: ApiWorld, path: str, body: str, field: str
) -> None:
    url = path.format(plan=api_world.ids["plan"], patient=api_world.ids["patient"])
    response = api_world.client.post(
        url,
        content=body,
        headers={**api_world.headers["practitioner"], "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
