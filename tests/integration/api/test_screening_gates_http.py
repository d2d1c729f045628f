"""Screening safety over real HTTP, on SQLite and PostgreSQL.

The current screening gates plan edits, consent and session starts (409 naming the field); an
intake cannot contradict the patient record's sex or date of birth (422 naming the field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from clinic_support import Clock

Course = Callable[[object], dict[str, object]]
NO = {"new_medication": False, "pregnant": False, "cold_sore": False, "breakout": False}


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _problem(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert field in {e["field"].split(".")[-1] for e in problem["errors"]}, problem
    return problem


def _patient(api: httpx.Client, desk: dict[str, str], born: str = "1984-05-01") -> int:
    patient = {"given_name": "Maria", "family_name": "Lopez", "date_of_birth": born,
               "sex": "female"}  # fmt: skip
    return int(_ok(api.post("/api/patients", headers=desk, json=patient), 201)["id"])


def _intake(api: httpx.Client, doc: dict[str, str], pid: int, answers: dict[str, Any]) -> Any:
    return api.post(f"/api/patients/{pid}/intakes", headers=doc, json={"answers": answers})


def test_a_not_eligible_screening_after_consent_refuses_edit_consent_and_start(
    live_api: httpx.Client,
    tokens: dict[str, dict[str, str]],
    clock: Clock,
    intake_answers: dict[str, object],
    course: Course,
) -> None:
    api, admin, doc, desk = live_api, tokens["admin"], tokens["practitioner"], tokens["front_desk"]
    device = _ok(
        api.post(
            "/api/devices",
            headers=admin,
            json={"device_type": "generic_pen_12", "serial_number": "PEN-H1", "label": "Pen"},
        ),
        201,
    )
    lot = _ok(api.post("/api/lots", headers=admin, json={
        "lot_number": "H-1", "device_type": "generic_pen_12", "cartridge_id": "12",
        "needle_count": 12, "needle_length_mm": 2.5, "expires_on": "2028-01-31"}), 201)  # fmt: skip
    pid = _patient(api, desk)
    _ok(_intake(api, doc, pid, intake_answers), 201)
    plan = _ok(
        api.post(f"/api/patients/{pid}/plans", headers=doc, json={"course": course("2027-03-01")}),
        201,
    )
    consent = {"version": 1, "consented_by": "Maria Lopez", "method": "signature"}
    _ok(api.post(f"/api/plans/{plan['id']}/consents", headers=doc, json=consent))
    booked = _ok(api.post("/api/appointments", headers=desk, json={
        "patient_id": pid, "practitioner_id": _ok(api.get("/api/auth/me", headers=doc))["id"],
        "room": "room-1", "kind": "session", "plan_id": plan["id"], "duration_minutes": 60,
        "starts_at": "2027-03-01T10:00:00"}), 201)  # fmt: skip

    bleeding = {**intake_answers, "conditions": [{"code": "bleeding_disorder", "current": True}]}
    screened = _ok(_intake(api, doc, pid, bleeding), 201)
    assert screened["screening"]["result"]["decision"] == "not_eligible"
    edit = {"changes": [{"change": "passes", "site": "cheeks", "value": 2, "reason": "gentler"}]}
    refused = api.post(f"/api/plans/{plan['id']}/edits", headers=doc, json=edit)
    assert "not_eligible" in _problem(refused, 409, "plan_id")["detail"]
    refused = api.post(f"/api/plans/{plan['id']}/consents", headers=doc, json=consent)
    _problem(refused, 409, "plan_id")

    clock.advance(hours=2)
    start = {"appointment_id": booked["id"], "device_id": device["id"], "lot_id": lot["id"],
             "check": NO}  # fmt: skip
    refused = api.post("/api/sessions", headers=doc, json=start)
    assert "bleeding" in _problem(refused, 409, "appointment_id")["detail"]
    assert _ok(api.get(f"/api/patients/{pid}/sessions", headers=doc))["items"] == []


def test_an_intake_cannot_contradict_the_patients_sex(
    live_api: httpx.Client, tokens: dict[str, dict[str, str]], intake_answers: dict[str, object]
) -> None:
    api, doc = live_api, tokens["practitioner"]
    pid = _patient(api, tokens["front_desk"])
    male_pregnant = {**intake_answers, "sex": "male", "pregnant": True, "breastfeeding": True}
    _problem(_intake(api, doc, pid, male_pregnant), 422, "pregnant")
    male = {**intake_answers, "sex": "male", "pregnant": None, "breastfeeding": None}
    _problem(_intake(api, doc, pid, male), 422, "sex")
    pregnant = {**intake_answers, "sex": None, "pregnant": True}
    screened = _ok(_intake(api, doc, pid, pregnant), 201)
    assert screened["intake"]["answers"]["sex"] == "female"
    assert screened["screening"]["result"]["decision"] in ("deferred", "not_eligible")
    intakes = _ok(api.get(f"/api/patients/{pid}/intakes", headers=doc))["items"]
    assert [i["version"] for i in intakes] == [1]


def test_an_intake_cannot_override_the_registered_date_of_birth(
    live_api: httpx.Client, tokens: dict[str, dict[str, str]], intake_answers: dict[str, object]
) -> None:
    api, doc = live_api, tokens["practitioner"]
    pid = _patient(api, tokens["front_desk"], born="2012-01-01")  # 15 on 2027-03-01
    _problem(_intake(api, doc, pid, {**intake_answers, "age_years": 30}), 422, "age_years")
    adult = {**intake_answers, "date_of_birth": "1990-01-01"}
    _problem(_intake(api, doc, pid, adult), 422, "date_of_birth")
    screened = _ok(_intake(api, doc, pid, {**intake_answers, "age_years": 15}), 201)
    assert screened["intake"]["answers"]["date_of_birth"] == "2012-01-01"
    assert screened["intake"]["answers"]["age_years"] is None
    result = screened["screening"]["result"]
    assert not result["decision"].startswith("eligible")
    assert "under_18" in {f["rule_id"] for f in result["findings"]}, result


def test_an_allergy_in_the_patients_words_waits_for_a_classification(
    live_api: httpx.Client, tokens: dict[str, dict[str, str]], intake_answers: dict[str, object]
) -> None:
    api, doc, desk = live_api, tokens["practitioner"], tokens["front_desk"]
    pid = _patient(api, desk)
    answers = {**intake_answers, "other_allergies": [{"description": "rash from a watch strap"}]}
    first = _ok(_intake(api, doc, pid, answers), 201)
    assert first["screening"]["result"]["decision"] == "incomplete"
    url = f"/api/patients/{pid}/intakes/current/other-allergies/{{}}/classification"
    _problem(api.post(url.format(3), headers=doc, json={"classified_as": "nickel"}), 422, "index")
    _problem(api.post(url.format(0), headers=doc, json={"classified_as": "tin"}), 422,
             "classified_as")  # fmt: skip
    assert (
        api.post(url.format(0), headers=desk, json={"classified_as": "nickel"}).status_code == 403
    )
    done = _ok(api.post(url.format(0), headers=doc, json={"classified_as": "nickel"}), 201)
    assert done["intake"]["version"] == 2
    assert done["intake"]["answers"]["other_allergies"][0]["classified_as"] == "nickel"
    result = done["screening"]["result"]
    assert "metal_allergy" in [f["rule_id"] for f in result["findings"]]
    assert result["policy"] == {"relaxations": []}
