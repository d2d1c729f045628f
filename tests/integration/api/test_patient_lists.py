"""The per-patient lists of the JSON API are paged and filtered like the clinic's other lists.

Each list answers ``{"items", "total", "offset", "limit"}``; walking it a page at a time gives
every record once, in the order of the whole list; its filters narrow it; a bad parameter is a
422 naming the parameter; every page read is audited; the front desk is still refused.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from clinic_support import INTAKE, PASSWORD, course_request, jpeg_with_exif
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.outcomes import OutcomeIn, OutcomeService, PhotoIn
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import ApiWorld

LISTS = ("intakes", "screenings", "plans", "sessions", "outcomes", "photos")
#: The audit trail's entity name for each list.
ENTITY = {
    "intakes": "intake",
    "screenings": "screening",
    "plans": "plan",
    "sessions": "treatment_session",
    "outcomes": "outcome",
    "photos": "photo",
}
DOCS = Path(__file__).parents[3] / "docs" / "api.md"
EXTRA_SESSION_DAYS = [date(2027, 3, 2), date(2027, 3, 3), date(2027, 3, 4), date(2027, 3, 5)]
NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


@pytest.fixture(scope="module")
def world(api_world: ApiWorld) -> ApiWorld:
    """The shared world with several records of every kind for its patient."""
    clinic, team, clock = api_world.clinic, api_world.team, api_world.clock
    pid = api_world.ids["patient"]
    doc = team.practitioner
    intakes = IntakeService(clinic, doc)
    for _ in range(4):
        intakes.record(pid, IntakeIn(answers=Intake.model_validate(INTAKE)))
    intakes.rescreen(pid)
    intakes.rescreen(pid)

    plans = PlanService(clinic, doc)
    book = AppointmentService(clinic, team.front_desk)
    slots = []
    for day in EXTRA_SESSION_DAYS:
        course = RequestedCourse.model_validate(course_request(clinic.today().isoformat()))
        plan = plans.create(pid, PlanIn(course=course))
        plans.consent(plan.id, ConsentIn(version=1, consented_by="Wendy World", method="signature"))
        slot = {"patient_id": pid, "practitioner_id": doc.staff_id, "duration_minutes": 60,
                "room": "room-1", "kind": "session", "plan_id": plan.id,
                "starts_at": f"{day.isoformat()}T09:00"}  # fmt: skip
        slots.append(book.book(AppointmentIn.model_validate(slot)).id)
    draft = plans.create(
        pid, PlanIn(course=RequestedCourse.model_validate(course_request(clinic.today())))
    )
    plans.cancel(draft.id)

    treatments = TreatmentService(clinic, doc)
    for i, (day, slot_id) in enumerate(zip(EXTRA_SESSION_DAYS, slots, strict=True)):
        clock.set(datetime.combine(day, datetime.min.time(), clinic.zone) + timedelta(hours=9))
        started = treatments.start(
            SessionStart(appointment_id=slot_id, device_id=api_world.ids["device"],
                         lot_id=api_world.ids["lot"], check=NO)
        )  # fmt: skip
        if i % 2 == 0:
            treatments.record_area(started.id, AreaIn(site="cheeks", depth_mm=1.0, passes=2))
            clock.advance(minutes=40)
            treatments.complete(
                started.id,
                SessionCompletion(
                    treatment_started_at=clinic.now() - timedelta(minutes=30),
                    treatment_ended_at=clinic.now() - timedelta(minutes=5),
                    end_point="uniform_erythema",
                ),
            )

    outcomes = OutcomeService(clinic, doc)
    for concern in ("wrinkles", "acne_scars_rolling", "fine_lines", "wrinkles"):
        scale = clinic.kb.concerns[concern].scale
        outcomes.record(
            pid,
            OutcomeIn(plan_id=api_world.ids["plan"], assessed_on=clinic.today(), concern=concern,
                      clinician_score=float(scale.worst)),
        )  # fmt: skip
    for i, (stage, site) in enumerate(
        [("session", "cheeks"), ("follow_up", "forehead"), ("follow_up", None),
         ("baseline", "forehead")]
    ):  # fmt: skip
        outcomes.add_photo(pid, PhotoIn(stage=stage, site=site), jpeg_with_exif(width=80 + i))
    # The clock moved past the tokens' lifetime: sign in again on the new day.
    for role in ("admin", "practitioner", "front_desk"):
        response = api_world.client.post(
            "/api/auth/token", json={"username": role.replace("_", "-"), "password": PASSWORD}
        )
        response.raise_for_status()
        api_world.headers[role] = {"Authorization": f"Bearer {response.json()['token']}"}
    return api_world


def _url(world: ApiWorld, name: str, patient: str = "patient") -> str:
    return f"/api/patients/{world.ids[patient]}/{name}"


def _get(world: ApiWorld, name: str, params: dict[str, Any] | None = None) -> Any:
    """A practitioner's page of the world patient's list ``name``."""
    response = world.client.get(
        _url(world, name), params=params or {}, headers=world.headers["practitioner"]
    )
    assert response.status_code == 200, response.text
    return response.json()


def _ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


@pytest.mark.parametrize("name", LISTS)
def test_a_list_answers_the_page_envelope(world: ApiWorld, name: str) -> None:
    page = _get(world, name)
    assert set(page) == {"items", "total", "offset", "limit"}
    assert (page["offset"], page["limit"]) == (0, 50)
    assert page["total"] == len(page["items"]) >= 4


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_paging_walks_every_record_once_in_order(world: ApiWorld, name: str, limit: int) -> None:
    whole = _get(world, name, {"limit": 200})
    walked: list[int] = []
    for offset in range(0, whole["total"] + limit, limit):
        page = _get(world, name, {"offset": offset, "limit": limit})
        assert page["total"] == whole["total"]
        assert (page["offset"], page["limit"]) == (offset, limit)
        assert len(page["items"]) == max(0, min(limit, whole["total"] - offset))
        walked += _ids(page)
    assert walked == _ids(whole)
    assert len(set(walked)) == len(walked) == whole["total"]


def test_the_whole_lists_hold_what_was_recorded(world: ApiWorld) -> None:
    totals = {name: _get(world, name)["total"] for name in LISTS}
    assert totals == {"intakes": 5, "screenings": 7, "plans": 6, "sessions": 5, "outcomes": 5,
                      "photos": 5}  # fmt: skip


def test_intakes_newest_first_and_only_the_newest_is_current(world: ApiWorld) -> None:
    page = _get(world, "intakes", {"limit": 2})
    assert [i["version"] for i in page["items"]] == [5, 4]
    assert [i["current"] for i in page["items"]] == [True, False]
    later = _get(world, "intakes", {"limit": 2, "offset": 2})
    assert [i["current"] for i in later["items"]] == [False, False]


@pytest.mark.parametrize(
    ("params", "versions"),
    [
        ({"version_from": 2, "version_to": 4}, [4, 3, 2]),
        ({"version_from": 4}, [5, 4]),
        ({"version_to": 1}, [1]),
        ({"version_from": 3, "version_to": 3}, [3]),
        ({"version_from": 6}, []),
    ],
)
def test_intakes_by_version_range(
    world: ApiWorld, params: dict[str, int], versions: list[int]
) -> None:
    page = _get(world, "intakes", params)
    assert [i["version"] for i in page["items"]] == versions
    assert page["total"] == len(versions)


def test_screenings_by_occasion_and_decision(world: ApiWorld) -> None:
    rescreens = _get(world, "screenings", {"occasion": "rescreen"})
    assert rescreens["total"] == 2
    assert {s["occasion"] for s in rescreens["items"]} == {"rescreen"}
    everything = _get(world, "screenings")["items"]
    decision = everything[0]["result"]["decision"]
    same = _get(world, "screenings", {"decision": decision})
    assert _ids(same) == [s["id"] for s in everything if s["result"]["decision"] == decision]
    assert _get(world, "screenings", {"occasion": "pre_treatment_check"})["total"] == 0


@pytest.mark.parametrize(("status", "count"), [("consented", 5), ("cancelled", 1), ("draft", 0)])
def test_plans_by_status(world: ApiWorld, status: str, count: int) -> None:
    page = _get(world, "plans", {"status": status})
    assert page["total"] == count
    assert {p["status"] for p in page["items"]} <= {status}
    ids = _ids(page)
    assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    ("params", "days"),
    [
        ({}, ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"]),
        ({"status": "completed"}, ["2027-03-02", "2027-03-04"]),
        ({"status": "in_progress"}, ["2027-03-01", "2027-03-03", "2027-03-05"]),
        ({"status": "stopped"}, []),
        ({"date_from": "2027-03-03"}, ["2027-03-03", "2027-03-04", "2027-03-05"]),
        ({"date_to": "2027-03-02"}, ["2027-03-01", "2027-03-02"]),
        ({"date_from": "2027-03-02", "date_to": "2027-03-04", "status": "in_progress"},
         ["2027-03-03"]),
        ({"date_from": "2027-03-04", "date_to": "2027-03-04"}, ["2027-03-04"]),
    ],
)  # fmt: skip
def test_sessions_by_status_and_date_range(
    world: ApiWorld, params: dict[str, str], days: list[str]
) -> None:
    page = _get(world, "sessions", params)
    booked = {
        a["id"]: a["starts_at"][:10]
        for a in world.client.get(
            "/api/appointments",
            params={"patient_id": world.ids["patient"], "kind": "session", "limit": 200},
            headers=world.headers["practitioner"],
        ).json()["items"]
    }
    assert [booked[s["appointment_id"]] for s in page["items"]] == days
    assert page["total"] == len(days)
    if "status" in params:
        assert {s["status"] for s in page["items"]} <= {params["status"]}


@pytest.mark.parametrize(
    ("concern", "count"), [("wrinkles", 2), ("fine_lines", 2), ("acne_scars_rolling", 1)]
)
def test_outcomes_by_concern(world: ApiWorld, concern: str, count: int) -> None:
    page = _get(world, "outcomes", {"concern": concern})
    assert page["total"] == count
    assert {o["concern"] for o in page["items"]} == {concern}


def test_outcomes_by_plan(world: ApiWorld) -> None:
    assert _get(world, "outcomes", {"plan_id": world.ids["plan"]})["total"] == 5
    assert _get(world, "outcomes", {"plan_id": world.ids["plan"] + 1})["total"] == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "follow_up"}, [("follow_up", "forehead"), ("follow_up", None)]),
        ({"site": "forehead"}, [("follow_up", "forehead"), ("baseline", "forehead")]),
        ({"stage": "baseline", "site": "cheeks"}, [("baseline", "cheeks")]),
        ({"site": "periorbital"}, []),
    ],
)
def test_photos_by_stage_and_site(
    world: ApiWorld, params: dict[str, str], expected: list[tuple[str, str | None]]
) -> None:
    page = _get(world, "photos", params)
    assert [(p["stage"], p["site"]) for p in page["items"]] == expected
    assert page["total"] == len(expected)


BAD = [
    (name, param, value)
    for name in LISTS
    for param, value in (("limit", "0"), ("limit", "201"), ("offset", "-1"),
                         ("offset", "2147483648"), ("limit", "many"))
] + [
    ("intakes", "version_from", "0"),
    ("intakes", "version_to", "2147483648"),
    ("intakes", "version_from", "one"),
    ("screenings", "occasion", "walk_in"),
    ("screenings", "decision", "maybe"),
    ("plans", "status", "active"),
    ("sessions", "status", "done"),
    ("sessions", "date_from", "1899-12-31"),
    ("sessions", "date_to", "2101-01-01"),
    ("sessions", "date_from", "9999-12-31"),
    ("sessions", "date_to", "2027-02-30"),
    ("outcomes", "concern", "Fine Lines"),
    ("outcomes", "concern", "x" * 65),
    ("outcomes", "concern", "not_a_concern"),
    ("outcomes", "plan_id", "0"),
    ("outcomes", "plan_id", "99999999999999999999"),
    ("photos", "stage", "after"),
    ("photos", "site", "cheeks;drop"),
    ("photos", "site", "elbow"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "param", "value"), BAD, ids=[f"{n}-{p}={v[:12]}" for n, p, v in BAD]
)
def test_a_bad_parameter_is_refused_naming_it(
    world: ApiWorld, name: str, param: str, value: str
) -> None:
    response = world.client.get(
        _url(world, name), params={param: value}, headers=world.headers["practitioner"]
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [param]


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("intakes", {"version_from": "4", "version_to": "2"}, "version_to"),
        ("sessions", {"date_from": "2027-03-04", "date_to": "2027-03-02"}, "date_to"),
    ],
)
def test_a_reversed_range_is_refused_naming_its_end(
    world: ApiWorld, name: str, params: dict[str, str], field: str
) -> None:
    response = world.client.get(
        _url(world, name), params=params, headers=world.headers["practitioner"]
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("name", LISTS)
def test_the_front_desk_is_still_refused(world: ApiWorld, name: str) -> None:
    for params in ({}, {"limit": "1", "offset": "1"}):
        response = world.client.get(
            _url(world, name), params=params, headers=world.headers["front_desk"]
        )
        assert response.status_code == 403, response.text


@pytest.mark.parametrize("name", LISTS)
def test_a_list_of_an_unknown_or_spare_patient(world: ApiWorld, name: str) -> None:
    response = world.client.get(
        f"/api/patients/2147483647/{name}", headers=world.headers["practitioner"]
    )
    assert response.status_code == 404, response.text
    spare = world.client.get(_url(world, name, "spare_patient"), headers=world.headers["admin"])
    assert spare.status_code == 200, spare.text
    assert spare.json() == {"items": [], "total": 0, "offset": 0, "limit": 50}


@pytest.mark.parametrize("name", LISTS)
def test_every_page_read_is_audited_with_the_ids_shown(world: ApiWorld, name: str) -> None:
    page = _get(world, name, {"offset": 1, "limit": 2})
    trail = world.client.get(
        "/api/audit",
        params={"patient_id": world.ids["patient"], "entity": ENTITY[name], "action": "list",
                "limit": 1},
        headers=world.headers["admin"],
    ).json()["items"]  # fmt: skip
    assert trail[0]["detail"] == {"ids": _ids(page)}
    assert trail[0]["staff_id"] == world.team.practitioner.staff_id


def test_every_list_parameter_is_documented(world: ApiWorld) -> None:
    schema = world.client.get("/api/openapi.json").json()
    text = DOCS.read_text()
    for name in LISTS:
        path = f"/api/patients/{{patient_id}}/{name}"
        params = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
        row = next(line for line in text.splitlines() if line.startswith(f"| `GET {path}` |"))
        for param in params:
            if param in ("patient_id", "offset", "limit"):
                continue
            assert re.search(rf"`{param}[`=]", row), (path, param)
        assert "paged" in row, path
