"""An API route refuses query parameters it does not declare, as bodies refuse unknown fields:
a misspelt filter must not silently widen a list (schemathesis' negative-data check found
``GET /api/staff?x=1`` answered 200)."""

from __future__ import annotations

import httpx

PROBLEM = "application/problem+json"


def test_a_misspelt_filter_is_refused_naming_it(
    live_api: httpx.Client, tokens: dict[str, dict[str, str]]
) -> None:
    admin = tokens["admin"]
    refused = live_api.get("/api/patients", params={"patient": "7"}, headers=admin)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["errors"] == [
        {"field": "patient", "problem": "is not a parameter this request takes"}
    ]
    assert live_api.get("/api/patients", params={"name": "x"}, headers=admin).status_code == 200
    # A route without any query parameter, and one whose query is a model (free slots).
    assert live_api.get("/api/auth/me", params={"x": "1"}, headers=admin).status_code == 422
    free_slots = "/api/calendar/free-slots"
    assert live_api.get(free_slots, params={"minutes": "30"}, headers=admin).status_code == 200
    slots = live_api.get(free_slots, params={"minutes": "30", "colour": "red"}, headers=admin)
    assert slots.status_code == 422
    assert slots.json()["errors"][0]["field"] == "colour"


def test_dates_in_a_query_are_iso_dates_not_seconds_since_1970(
    live_api: httpx.Client, tokens: dict[str, dict[str, str]]
) -> None:
    admin = tokens["admin"]
    for value in ("0", "1700000000", "2027/03/01"):
        refused = live_api.get("/api/patients", params={"born_on": value}, headers=admin)
        assert refused.status_code == 422, value
        assert refused.json()["errors"][0]["field"] == "born_on"
    ok = live_api.get("/api/patients", params={"born_on": "1984-05-01"}, headers=admin)
    assert ok.status_code == 200
    moment = live_api.get("/api/audit", params={"until": "0"}, headers=admin)
    assert moment.status_code == 422
    # Without a zone it is clinic time (this was a 500: a naive moment reached the database).
    good = live_api.get("/api/audit", params={"until": "2027-03-01T10:00"}, headers=admin)
    assert good.status_code == 200
