"""Reports per location over real HTTP (uvicorn on loopback), with two locations: the outbox,
the waitlist and the recall list filtered by location in the API and the pages, the CSV with
the same filter and the location's name, and a desk assigned to one location seeing it first."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from messages_support import book_session, consented_course, register_patient
from microneedling.clinic import Clinic
from microneedling.clinic.messages import MessageWorker
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.locations import LocationIn, LocationService, StaffLocationsIn
from microneedling.clinic.services.signin import SignIn
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.web.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from clinic_support import Clock, Team

PASSWORD = "correct horse battery staple"
NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)
HARBOUR = LocationIn(
    name="Harbour", address="9 Pier Road", timezone="Europe/Berlin",
    opening_hours="mon-sun 07:00-21:00", rooms=["h-1"],
)  # fmt: skip


def _token(api: httpx.Client, username: str) -> dict[str, str]:
    signed = api.post("/api/auth/token", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {signed.json()['token']}"}


@contextmanager
def _browser(clinic: Clinic, api: httpx.Client, username: str) -> Iterator[httpx.Client]:
    issued = SignIn(clinic).login(username, PASSWORD, None, "cookie")
    with httpx.Client(base_url=api.base_url, timeout=60) as browser:
        browser.cookies.set(SESSION_COOKIE, issued.token)
        yield browser


def _book_at_harbour(clinic: Clinic, team: Team, patient_id: int, harbour: int, at: str) -> int:
    return AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": patient_id, "practitioner_id": team.practitioner.staff_id,
            "location_id": harbour, "room": "h-1", "kind": "consultation", "starts_at": at,
            "duration_minutes": 60,
        })
    ).id  # fmt: skip


def _ids(api: httpx.Client, path: str, headers: dict[str, str]) -> set[int]:
    got = api.get(path, headers=headers)
    assert got.status_code == 200, got.text
    body = got.json()
    return {m["id"] for m in (body["items"] if isinstance(body, dict) else body)}


def test_the_outbox_and_waitlist_filter_by_location_in_the_api_and_pages(
    clinic: Clinic, team: Team, live_api: httpx.Client, tokens: dict[str, dict[str, str]],
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    admin = LocationService(clinic, team.admin)
    main = admin.locations()[0].id
    harbour = admin.create(HARBOUR).id
    world = consented_course(clinic, team, intake_answers, course)
    book_session(clinic, team, world, "2027-03-05T10:00")  # Mia at Main
    fay = register_patient(clinic, team, "Fay", "fay@example.org")
    freed = _book_at_harbour(clinic, team, fay, harbour, "2027-03-04T10:00")
    gus = register_patient(clinic, team, "Gus", "gus@example.org")
    _book_at_harbour(clinic, team, gus, harbour, "2027-03-10T10:00")
    desk = tokens["front_desk"]
    waiting = {"earliest": "2027-03-04T08:00", "latest": "2027-03-04T18:00",
               "duration_minutes": 30}  # fmt: skip
    # The medical director works at Harbour only; the practitioner everywhere.
    admin.assign_staff(team.medical_director.staff_id, StaffLocationsIn(location_ids=[harbour]))
    hal = register_patient(clinic, team, "Hal", None)
    for patient, practitioner in ((gus, None), (hal, team.medical_director.staff_id)):
        added = live_api.post("/api/waitlist", headers=desk,
                              json={"patient_id": patient, "practitioner_id": practitioner,
                                    **waiting})  # fmt: skip
        assert added.status_code == 201, added.text
    # Fay's cancelled visit frees a Harbour slot: Gus is offered it by a message that names
    # no appointment of his; it is Harbour's, where his next visit is.
    live_api.post(f"/api/appointments/{freed}/cancel", headers=desk, json={})
    MessageWorker(clinic).run_once()

    every = live_api.get("/api/messages?limit=200", headers=desk).json()["items"]
    by_patient: dict[int, set[int]] = {}
    for m in every:
        by_patient.setdefault(m["patient_id"], set()).add(m["id"])
    offers = [m for m in every if m["kind"] == "waitlist_offer"]
    assert [(m["patient_id"], m["appointment_id"]) for m in offers] == [(gus, None)]
    at_main = _ids(live_api, f"/api/messages?limit=200&location_id={main}", desk)
    at_harbour = _ids(live_api, f"/api/messages?limit=200&location_id={harbour}", desk)
    assert at_main == by_patient[world.patient_id]
    assert at_harbour == by_patient[fay] | by_patient[gus]
    assert offers[0]["id"] in at_harbour
    assert _ids(live_api, "/api/messages?location_id=999999", desk) == set()
    bad = live_api.get("/api/messages?location_id=0", headers=desk)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert "location_id" in bad.text

    entries = live_api.get("/api/waitlist", headers=desk).json()
    entry = {e["patient_id"]: e["id"] for e in entries}
    assert _ids(live_api, f"/api/waitlist?location_id={harbour}", desk) == {entry[gus], entry[hal]}
    assert _ids(live_api, f"/api/waitlist?location_id={main}", desk) == {entry[gus]}

    # The desk works at Harbour only: its pages open on Harbour; "all" shows every location.
    admin.assign_staff(team.front_desk.staff_id, StaffLocationsIn(location_ids=[harbour]))
    with _browser(clinic, live_api, "front-desk") as browser:
        outbox = browser.get("/messages")
        assert outbox.status_code == 200
        assert f'<option value="{harbour}" selected>Harbour</option>' in outbox.text
        assert f"#{fay}" in outbox.text
        assert f"#{world.patient_id}<" not in outbox.text
        assert f"#{world.patient_id}<" in browser.get("/messages?location_id=all").text
        wrong = browser.get("/messages?location_id=abc")
        assert wrong.status_code == 422
        assert "choose one of the clinic&#39;s locations" in wrong.text
        assert 'aria-invalid="true"' in wrong.text
        waitlist = browser.get("/waitlist")
        assert "Hal Waiting" in waitlist.text
        assert "Hal Waiting" not in browser.get(f"/waitlist?location_id={main}").text
        schedule = browser.get("/schedule?day=2027-03-10")
        assert "Harbour: times in Europe/Berlin" in schedule.text
        assert "Gus Waiting" in schedule.text
    # With one location there is nothing to choose: no picker.
    admin.assign_staff(team.front_desk.staff_id, StaffLocationsIn(location_ids=[]))
    with _browser(clinic, live_api, "admin") as browser:
        assert 'name="location_id"' in browser.get("/waitlist").text


def test_the_recall_list_and_its_csv_take_the_location_and_name_it(
    clinic: Clinic, team: Team, clock: Clock, live_api: httpx.Client,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    day = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    appointment_id = book_session(clinic, team, world, day.isoformat())
    clock.set(day + timedelta(minutes=5))
    treat = TreatmentService(clinic, team.practitioner)
    sid = treat.start(SessionStart(appointment_id=appointment_id, device_id=world.device_id,
                                   lot_id=world.lot_id, check=NO)).id  # fmt: skip
    treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=2))
    clock.advance(minutes=40)
    treat.complete(sid, SessionCompletion(treatment_started_at=day + timedelta(minutes=10),
                                          treatment_ended_at=day + timedelta(minutes=30),
                                          end_point="pinpoint_bleeding"))  # fmt: skip
    clock.set(day + timedelta(weeks=10))
    with _browser(clinic, live_api, "front-desk") as browser:
        single = browser.get("/recall")
        assert "Mia Mailer" in single.text
        assert 'name="location_id"' not in single.text  # one location: no picker
    admin = LocationService(clinic, team.admin)
    main = admin.locations()[0]
    harbour = admin.create(HARBOUR).id
    desk = _token(live_api, "front-desk")
    entries = live_api.get("/api/recall", headers=desk).json()
    assert [(e["patient_id"], e["location_id"], e["location_name"]) for e in entries] == [
        (world.patient_id, main.id, main.name)
    ]
    rows = list(csv.DictReader(io.StringIO(live_api.get("/api/recall/csv", headers=desk).text)))
    assert [(r["patient_id"], r["location_name"]) for r in rows] == [
        (str(world.patient_id), main.name)
    ]
    admin.assign_staff(team.front_desk.staff_id, StaffLocationsIn(location_ids=[harbour]))
    with _browser(clinic, live_api, "front-desk") as browser:
        mine = browser.get("/recall")
        assert f'<option value="{harbour}" selected>Harbour</option>' in mine.text
        assert "Mia Mailer" not in mine.text
        assert f"recall.csv?location_id={harbour}" in mine.text
        assert list(csv.DictReader(io.StringIO(browser.get("/recall.csv").text))) == []
        shown = browser.get(f"/recall?location_id={main.id}")
        assert "Mia Mailer" in shown.text
        assert f"location_id={main.id}" in shown.text  # the Book link books at Main
        at_main = browser.get(f"/recall.csv?location_id={main.id}").text
        assert [r["location_name"] for r in csv.DictReader(io.StringIO(at_main))] == [main.name]
        assert "Mia Mailer" in browser.get("/recall?location_id=all").text
        wrong = browser.get("/recall?location_id=99999")
        assert wrong.status_code == 422
        assert "choose one of the clinic&#39;s locations" in wrong.text
