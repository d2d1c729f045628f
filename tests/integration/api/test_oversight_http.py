"""Oversight over real HTTP: bad input is one problem naming the field, and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def _problem(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert [e["field"] for e in problem["errors"]] == [field], problem
    return problem


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(api_world: ApiWorld) -> None:
    client, md = api_world.client, api_world.headers["medical_director"]
    url = f"/api/plans/{api_world.ids['plan']}/approvals"
    _problem(client.post(url, headers=md, json={"version": 1, "decision": "rejected"}), 422,
             "reason")  # fmt: skip
    _problem(client.post(url, headers=md, json={"version": 9, "decision": "approved"}), 409,
             "version")  # fmt: skip
    assert client.get(url, headers=md).json()["state"] == "pending"
    body = {"version": 1, "decision": "rejected", "reason": "Too deep on the cheeks."}
    rejected = client.post(url, headers=md, json=body)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["decisions"][0]["reason"] == "Too deep on the cheeks."


def test_an_examination_in_the_future_is_refused(api_world: ApiWorld) -> None:
    client, md = api_world.client, api_world.headers["medical_director"]
    url = f"/api/patients/{api_world.ids['spare_patient']}/good-faith-exams"
    _problem(client.post(url, headers=md, json={"examined_on": "2027-03-02"}), 422, "examined_on")
    _problem(client.post(url, headers=md, json={"examined_on": "soon"}), 422, "examined_on")
    assert client.get(url, headers=md).json()["exams"] == []
    made = client.post(url, headers=md, json={"examined_on": "2027-02-20", "note": "Fine."})
    assert made.status_code == 201, made.text
    assert made.json()["valid_until"] == "2028-02-20"
    assert made.json()["exams"][0]["examiner_name"] == "Mona Director"


def test_chart_review_input_is_checked(api_world: ApiWorld) -> None:
    client, md = api_world.client, api_world.headers["medical_director"]
    queue = client.get("/api/oversight/chart-reviews", headers=md, params={"state": "odd"})
    _problem(queue, 422, "state")
    url = f"/api/sessions/{api_world.ids['session']}/review"
    _problem(client.post(url, headers=md, json={"finding": "meh"}), 422, "finding")
    _problem(client.post(url, headers=md, json={"finding": "acceptable"}), 409, "session_id")
    _problem(client.get(url, headers=md), 404, "session_id")
