"""The calendar over real HTTP in a clinic whose zone is not UTC (Europe/Berlin): working hours
and absences (roles, refusals), the free-slot finder, the week view, the diary's range, and a
plan's series proposed where it fits and booked all or none."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from clinic_support import INTAKE, Clock, course_request, start_uvicorn
from microneedling.clinic import Clinic, ClinicSettings, Role
from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.models import Appointment, StaffMember
from microneedling.clinic.services.passwords import hash_password
from microneedling.clinic.services.signin import SignIn
from microneedling.web import create_app
from microneedling.web.auth import SESSION_COOKIE, csrf_token

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = "mon-fri 09:00-18:00; sat 09:00-13:00"
PASSWORD = "correct horse battery staple"


@dataclass
class Desk:
    api: httpx.Client
    clinic: Clinic
    clock: Any
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _settings(data_dir: Path, db_url: str) -> ClinicSettings:
    return ClinicSettings(
        environment="test",
        secret_key="calendar-test-secret-" + "x" * 30,  # type: ignore[arg-type]
        data_dir=data_dir,
        database_url=db_url,
        timezone="Europe/Berlin",
        opening_hours=HOURS,
        rooms=["room-1", "room-2"],
    )


@dataclass(frozen=True)
class Seeded:
    """A clinic database with the team signed in and a consented course."""

    url: str
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]


@pytest.fixture(scope="module")
def seeded(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The team, their API tokens and a patient's consented course, made through the API once
    per module and backend (each sign-in checks an Argon2 hash, slow on purpose); each test
    works on a copy (``desk``). The clock starts where the ``clock`` fixture's does."""
    clock = Clock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    clinic = Clinic(_settings(tmp_path_factory.mktemp("seed"), module_db_url), clock=clock)
    clinic.start()
    _team(clinic)
    base, stop = start_uvicorn(create_app(clinic=clinic))
    try:
        with httpx.Client(base_url=base, timeout=60) as api:
            headers, ids = _course(api)
    finally:
        stop()
        clinic.db.dispose()
    return Seeded(module_db_url, headers, ids)


def _course(api: httpx.Client) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """Sign each role in, and register, screen, plan and consent one patient."""
    headers = {}
    for role in ("admin", "practitioner", "front_desk", "medical_director"):
        token = _ok(
            api.post(
                "/api/auth/token", json={"username": role.replace("_", "-"), "password": PASSWORD}
            )
        )
        headers[role] = {"Authorization": f"Bearer {token['token']}"}
    doc = headers["practitioner"]
    me = _ok(api.get("/api/auth/me", headers=doc))
    director = _ok(api.get("/api/auth/me", headers=headers["medical_director"]))
    patient = _ok(
        api.post(
            "/api/patients",
            headers=headers["front_desk"],
            json={
                "given_name": "Maria",
                "family_name": "Lopez",
                "date_of_birth": "1984-05-01",
                "sex": "female",
            },
        ),
        201,
    )
    _ok(
        api.post(f"/api/patients/{patient['id']}/intakes", headers=doc, json={"answers": INTAKE}),
        201,
    )
    plan = _ok(
        api.post(
            f"/api/patients/{patient['id']}/plans",
            headers=doc,
            json={"course": course_request("2027-03-01")},
        ),
        201,
    )
    _ok(
        api.post(
            f"/api/plans/{plan['id']}/consents",
            headers=doc,
            json={"version": 1, "consented_by": "Maria Lopez", "method": "signature"},
        )
    )
    ids = {
        "pia": me["id"],
        "mona": director["id"],
        "patient": patient["id"],
        "plan": plan["id"],
        "sessions": len(plan["plan"]["sessions"]),
    }
    return headers, ids


@pytest.fixture
def desk(
    seeded: Seeded,
    db_copy: Callable[[str], str],
    tmp_path: Path,
    clock: Any,
    live_server: Callable[[object], str],
) -> Iterator[Desk]:
    """A copy of the seeded clinic, served under uvicorn, on the test's own clock."""
    clinic = Clinic(_settings(tmp_path / "data", db_copy(seeded.url)), clock=clock)
    clinic.start()
    api = httpx.Client(base_url=live_server(create_app(clinic=clinic)), timeout=60)
    try:
        yield Desk(api, clinic, clock, seeded.headers, dict(seeded.ids))
    finally:
        api.close()
        clinic.db.dispose()


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # Argon2 is slow on purpose: hashed once per run


def _team(clinic: Clinic) -> None:
    """One account per role, with names that sort Mona before Petra (the finder's order)."""
    with clinic.db.transaction() as session:
        for role, name in (
            (Role.ADMIN, "Ada Admin"),
            (Role.PRACTITIONER, "Petra Practitioner"),
            (Role.FRONT_DESK, "Frank Frontdesk"),
            (Role.MEDICAL_DIRECTOR, "Mona Director"),
        ):
            session.add(
                StaffMember(
                    username=role.value.replace("_", "-"), full_name=name, role=role.value,
                    password_hash=_password_hash(), active=True,
                )
            )  # fmt: skip


def _booked(clinic: Clinic) -> int:
    with clinic.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Appointment)) or 0


def _appointment(desk: Desk, starts_at: str, **extra: object) -> httpx.Response:
    body = {
        "patient_id": desk.ids["patient"],
        "practitioner_id": desk.ids["pia"],
        "room": "room-1",
        "kind": "consultation",
        "starts_at": starts_at,
        "duration_minutes": 30,
        **extra,
    }
    return desk.api.post("/api/appointments", headers=desk.headers["front_desk"], json=body)


@pytest.mark.parametrize("start", ["9999-03-02T10:00:00", "2101-01-03T10:00:00+01:00"])
def test_a_start_beyond_the_diary_is_refused_naming_starts_at(desk: Desk, start: str) -> None:
    response = _appointment(desk, start)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "starts_at"
    assert "outside the diary" in response.json()["errors"][0]["problem"]
    assert _booked(desk.clinic) == 0


def test_working_hours_are_kept_by_the_desk_and_read_by_practitioners(desk: Desk) -> None:
    pia, h = desk.ids["pia"], desk.headers
    body = {"staff_id": pia, "weekday": "tuesday", "starts": "12:00", "ends": "16:00"}
    refused = desk.api.post("/api/working-hours", headers=h["practitioner"], json=body)
    assert refused.status_code == 403
    made = _ok(desk.api.post("/api/working-hours", headers=h["front_desk"], json=body))
    again = _ok(
        desk.api.post("/api/working-hours", headers=h["admin"], json={**body, "starts": "13:00"})
    )
    assert again["id"] == made["id"]
    assert again["starts"] == "13:00"
    listed = _ok(desk.api.get("/api/working-hours", headers=h["practitioner"]))
    assert [(r["weekday"], r["starts"], r["ends"]) for r in listed] == [
        ("tuesday", "13:00", "16:00")
    ]
    backwards = desk.api.post(
        "/api/working-hours", headers=h["front_desk"], json={**body, "ends": "11:00"}
    )
    assert backwards.status_code == 422
    unknown = desk.api.post(
        "/api/working-hours", headers=h["front_desk"], json={**body, "staff_id": 999}
    )
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["field"] == "staff_id"
    # Tuesday 2 March: Pia works 13:00-16:00 only; Monday (none recorded for Monday): not at all.
    outside = _appointment(desk, "2027-03-02T10:00:00")
    assert outside.status_code == 409
    assert outside.json()["errors"][0]["field"] == "starts_at"
    assert "working hours" in outside.json()["errors"][0]["problem"]
    assert _appointment(desk, "2027-03-01T14:00:00").status_code == 409
    _ok(_appointment(desk, "2027-03-02T13:30:00"), 201)
    deleted = desk.api.delete(f"/api/working-hours/{made['id']}", headers=h["front_desk"])
    assert deleted.status_code == 204
    # No hours recorded again: the clinic's opening hours apply.
    _ok(_appointment(desk, "2027-03-01T10:00:00"), 201)


def test_an_absence_refuses_bookings_and_the_finder_avoids_it(desk: Desk) -> None:
    pia, h = desk.ids["pia"], desk.headers
    absence = _ok(
        desk.api.post(
            "/api/absences",
            headers=h["front_desk"],
            json={
                "staff_id": pia,
                "starts_at": "2027-03-03T09:00:00",
                "ends_at": "2027-03-03T13:00:00",
                "reason": "training",
            },
        ),
        201,
    )
    assert absence["starts_at"] == "2027-03-03T09:00:00+01:00"
    clash = _appointment(desk, "2027-03-03T12:30:00")
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "practitioner_id"
    assert "away (training)" in clash.json()["errors"][0]["problem"]
    backwards = desk.api.post(
        "/api/absences",
        headers=h["front_desk"],
        json={
            "staff_id": pia,
            "starts_at": "2027-03-04T09:00:00",
            "ends_at": "2027-03-04T08:00:00",
            "reason": "x",
        },
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "ends_at"
    slots = _ok(
        desk.api.get(
            "/api/calendar/free-slots",
            headers=h["practitioner"],
            params={"minutes": 60, "practitioner_id": pia, "earliest": "2027-03-03", "count": 3},
        )
    )
    assert [s["starts_at"] for s in slots] == [
        "2027-03-03T13:00:00+01:00",
        "2027-03-03T13:05:00+01:00",
        "2027-03-03T13:10:00+01:00",
    ]
    assert (
        desk.api.delete(f"/api/absences/{absence['id']}", headers=h["practitioner"]).status_code
        == 403
    )
    assert desk.api.delete(f"/api/absences/{absence['id']}", headers=h["admin"]).status_code == 204


def test_the_finder_starts_after_now_and_skips_booked_rooms(desk: Desk) -> None:
    h = desk.headers
    # Now: Monday 1 March 2027, 09:00 in Berlin (08:00 UTC).
    _ok(_appointment(desk, "2027-03-01T09:30:00", duration_minutes=60), 201)
    # Room 1 is taken 09:30-10:30: a 30-minute visit there fits from 10:30 on, since a start
    # after now (09:05 at the earliest) would run into 09:30.
    room_1 = _ok(
        desk.api.get(
            "/api/calendar/free-slots",
            headers=h["front_desk"],
            params={"minutes": 30, "room": "room-1", "count": 2},
        )
    )
    assert [s["starts_at"] for s in room_1] == [
        "2027-03-01T10:30:00+01:00",
        "2027-03-01T10:35:00+01:00",
    ]
    # Room 2 is free, and so is another practitioner: the first slot is the next grid time.
    room_2 = _ok(
        desk.api.get(
            "/api/calendar/free-slots",
            headers=h["front_desk"],
            params={"minutes": 30, "room": "room-2", "count": 1},
        )
    )
    assert room_2[0]["starts_at"] == "2027-03-01T09:05:00+01:00"
    assert room_2[0]["room"] == "room-2"
    # With Petra asked for, the slot waits until she is free.
    petra = _ok(
        desk.api.get(
            "/api/calendar/free-slots",
            headers=h["front_desk"],
            params={
                "minutes": 30,
                "room": "room-2",
                "practitioner_id": desk.ids["pia"],
                "count": 1,
            },
        )
    )
    assert petra[0]["starts_at"] == "2027-03-01T10:30:00+01:00"
    bad = desk.api.get(
        "/api/calendar/free-slots", headers=h["front_desk"], params={"minutes": 30, "room": "attic"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "room"


def test_the_week_shows_hours_absences_and_appointments_in_clinic_time(desk: Desk) -> None:
    h = desk.headers
    _ok(_appointment(desk, "2027-03-02T10:00:00"), 201)
    week = _ok(
        desk.api.get("/api/calendar/week", headers=h["practitioner"], params={"day": "2027-03-04"})
    )
    assert week["first_day"] == "2027-03-01"
    assert week["last_day"] == "2027-03-07"
    assert week["timezone"] == "Europe/Berlin"
    assert week["opening"]["2027-03-07"] is None
    assert [e["starts_at"] for e in week["entries"]] == ["2027-03-02T10:00:00+01:00"]
    assert week["entries"][0]["patient_name"] == "Maria Lopez"
    names = [p["name"] for p in week["practitioners"]]
    assert names == sorted(names)
    assert "Petra Practitioner" in names
    other_room = _ok(
        desk.api.get(
            "/api/calendar/day",
            headers=h["front_desk"],
            params={"day": "2027-03-02", "room": "room-2"},
        )
    )
    assert other_room["entries"] == []
    assert (
        desk.api.get(
            "/api/calendar/week", headers=h["front_desk"], params={"day": "9999-01-01"}
        ).status_code
        == 422
    )


def _series_rows(proposal: dict[str, Any]) -> list[dict[str, object]]:
    return [
        {
            "number": s["number"],
            "practitioner_id": s["practitioner_id"],
            "room": s["room"],
            "starts_at": s["starts_at"],
            "duration_minutes": s["minutes"],
        }
        for s in proposal["sessions"]
        if s["booked"] is None
    ]


def test_a_series_proposed_at_17_47_fits_and_books_in_one_step(desk: Desk) -> None:
    h, plan = desk.headers, desk.ids["plan"]
    # 17:47 in Berlin on the plan's first day: 18:00 would end after closing.
    desk.clock.set(datetime(2027, 3, 1, 17, 47, tzinfo=BERLIN).astimezone(UTC))
    proposal = _ok(desk.api.get(f"/api/plans/{plan}/series", headers=h["front_desk"]))
    assert len(proposal["sessions"]) == desk.ids["sessions"]
    hours = OpeningHours.parse(HOURS)
    previous = None
    for row in proposal["sessions"]:
        local = datetime.fromisoformat(row["starts_at"]).astimezone(BERLIN)
        assert hours.covers(local, local + timedelta(minutes=row["minutes"]))
        assert row["window_from"] <= local.date().isoformat() <= row["window_until"]
        if previous is not None:
            assert (local.date() - previous).days >= 7 * proposal["interval_weeks"]
        previous = local.date()
    first = proposal["sessions"][0]
    assert first["starts_at"] >= "2027-03-02"
    assert "has passed" in first["conflict"]
    before = _booked(desk.clinic)
    booked = _ok(
        desk.api.post(
            f"/api/plans/{plan}/series",
            headers=h["front_desk"],
            json={"sessions": _series_rows(proposal)},
        ),
        201,
    )
    assert len(booked) == desk.ids["sessions"]
    assert _booked(desk.clinic) == before + desk.ids["sessions"]
    rest = _ok(desk.api.get(f"/api/plans/{plan}/series", headers=h["front_desk"]))
    assert all(s["booked"] is not None for s in rest["sessions"])


def test_a_series_with_one_bad_row_books_nothing_and_names_each_row(desk: Desk) -> None:
    h, plan = desk.headers, desk.ids["plan"]
    proposal = _ok(
        desk.api.get(
            f"/api/plans/{plan}/series",
            headers=h["front_desk"],
            params={"practitioner_id": desk.ids["pia"], "at": "11:00"},
        )
    )
    rows = _series_rows(proposal)
    assert all(r["practitioner_id"] == desk.ids["pia"] for r in rows)
    assert all(str(r["starts_at"])[11:16] == "11:00" for r in rows)
    rows[2]["room"] = "attic"
    rows[3]["starts_at"] = "2027-06-05T12:30:00"  # a Saturday, after closing at 13:00
    before = _booked(desk.clinic)
    refused = desk.api.post(
        f"/api/plans/{plan}/series", headers=h["front_desk"], json={"sessions": rows}
    )
    assert refused.status_code == 409, refused.text
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == ["sessions.2.room", "sessions.3.starts_at"]
    assert _booked(desk.clinic) == before
    missing = desk.api.post(
        f"/api/plans/{plan}/series",
        headers=h["front_desk"],
        json={"sessions": [{**rows[0], "practitioner_id": None}]},
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "sessions.0.practitioner_id"


@pytest.fixture
def browser(desk: Desk) -> Iterator[tuple[httpx.Client, str]]:
    issued = SignIn(desk.clinic).login("front-desk", PASSWORD, None, "cookie")
    with httpx.Client(base_url=desk.api.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        yield client, csrf_token(desk.clinic, issued.token)


def test_the_series_page_names_row_and_field_once_each(
    desk: Desk, browser: tuple[httpx.Client, str]
) -> None:
    client, csrf = browser
    plan = desk.ids["plan"]
    desk.clock.set(datetime(2027, 3, 1, 17, 47, tzinfo=BERLIN).astimezone(UTC))
    page = client.get(f"/plans/{plan}/book")
    assert page.status_code == 200
    assert 'value="18:00"' not in page.text
    assert "Times in Europe/Berlin" in page.text
    data = {"csrf_token": csrf}
    for n in range(1, desk.ids["sessions"] + 1):
        data |= {
            f"date.{n}": f"2027-0{2 + n}-0{n}",
            f"time.{n}": "10:00",
            f"duration.{n}": "60",
            f"room.{n}": "room-1",
            f"practitioner.{n}": "",
            f"book.{n}": "yes",
        }
    refused = client.post(f"/plans/{plan}/book", data=data)
    assert refused.status_code == 422
    assert "Please fill this in." not in refused.text
    for n in range(1, desk.ids["sessions"] + 1):
        message = f"Session {n} — practitioner: please choose one."
        assert refused.text.count(message) == 1, message
        assert f'id="f-practitioner-{n}-error"' in refused.text
    assert _booked(desk.clinic) == 0


def test_a_start_beyond_the_diary_is_refused_on_the_booking_page(
    desk: Desk, browser: tuple[httpx.Client, str]
) -> None:
    client, csrf = browser
    refused = client.post(
        f"/patients/{desk.ids['patient']}/book",
        data={
            "csrf_token": csrf,
            "practitioner_id": str(desk.ids["pia"]),
            "room": "room-1",
            "kind": "consultation",
            "date": "9999-03-02",
            "time": "10:00",
            "duration_minutes": "30",
        },
    )
    assert refused.status_code == 422
    assert 'id="f-date-error">9999-03-02 is outside the diary' in refused.text
    assert _booked(desk.clinic) == 0


def test_calendar_and_hours_pages_render_for_the_desk(
    desk: Desk, browser: tuple[httpx.Client, str]
) -> None:
    client, _ = browser
    _ok(_appointment(desk, "2027-03-02T10:00:00"), 201)
    week = client.get("/calendar/week", params={"day": "2027-03-02"})
    assert week.status_code == 200
    assert "Maria Lopez" in week.text
    assert "10:00–10:30" in week.text
    day = client.get(
        "/calendar/day", params={"day": "2027-03-02", "find": "yes", "minutes": "45", "count": "2"}
    )
    assert day.status_code == 200
    assert "Tue 2 Mar 2027 09:00" in day.text
    bad = client.get("/calendar/day", params={"find": "yes", "minutes": "0"})
    assert bad.status_code == 422
    assert 'id="f-minutes-error"' in bad.text
    assert client.get("/staff-hours").status_code == 200


def test_record_pages_show_times_in_the_clinic_zone(desk: Desk) -> None:
    # The intake and the consent were recorded at 08:00 UTC: 09:00 in Berlin.
    issued = SignIn(desk.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=desk.api.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        plan = client.get(f"/plans/{desk.ids['plan']}")
        record = client.get(f"/patients/{desk.ids['patient']}")
    assert plan.status_code == 200
    assert "Times: Europe/Berlin" in plan.text
    assert "(signature), Mon 1 Mar 2027 09:00." in plan.text
    assert "08:00" not in plan.text
    assert "recorded Mon 1 Mar 2027 09:00." in record.text


def test_the_hours_page_lets_the_desk_edit_and_practitioners_only_read(
    desk: Desk, browser: tuple[httpx.Client, str]
) -> None:
    client, csrf = browser
    bad = client.post("/staff-hours/hours", data={
        "csrf_token": csrf, "hours.staff_id": str(desk.ids["pia"]), "hours.weekday": "monday",
        "hours.starts": "12:00", "hours.ends": "10:00"})  # fmt: skip
    assert bad.status_code == 422
    assert 'id="f-hours-_form-error"' not in bad.text
    assert "Ends must be after starts." in bad.text
    saved = client.post("/staff-hours/hours", data={
        "csrf_token": csrf, "hours.staff_id": str(desk.ids["pia"]), "hours.weekday": "monday",
        "hours.starts": "10:00", "hours.ends": "12:00"}, follow_redirects=True)  # fmt: skip
    assert saved.status_code == 200
    assert "Monday 10:00–12:00" in saved.text
    issued = SignIn(desk.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=desk.api.base_url, timeout=60) as reader:
        reader.cookies.set(SESSION_COOKIE, issued.token)
        page = reader.get("/staff-hours")
        assert page.status_code == 200
        assert "Monday 10:00–12:00" in page.text
        assert "Save hours" not in page.text
        refused = reader.post("/staff-hours/hours", data={
            "csrf_token": csrf_token(desk.clinic, issued.token),
            "hours.staff_id": str(desk.ids["pia"]), "hours.weekday": "tuesday",
            "hours.starts": "10:00", "hours.ends": "12:00"})  # fmt: skip
        assert refused.status_code == 403
    assert len(_ok(desk.api.get("/api/working-hours", headers=desk.headers["admin"]))) == 1
