"""Lists read their rows at once: a day's diary and the calendar cost the same number of
queries however many appointments and practitioners they show, and read and audit exactly
what reading each row alone did.

Before, the day page read each appointment's patient in a query of its own, and the calendar
read every appointment of the range again for each practitioner, and each one's absences and
hours in two more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import event, text

from microneedling.clinic import Clinic, NotFound
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.patients import DeleteIn, PatientIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.calendar import CalendarService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.signin import SignIn
from microneedling.clinic.services.staff import StaffIn, StaffService
from microneedling.web import create_app
from microneedling.web.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from clinic_support import Team

PASSWORD = "correct horse battery staple"  # the team fixture's password
DAY = date(2027, 3, 2)
NAMES = ("Ann", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo")


@contextmanager
def counted(clinic: Clinic) -> Iterator[list[str]]:
    """The SQL statements the clinic's database runs inside the block."""
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(clinic.db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(clinic.db.engine, "before_cursor_execute", seen)


def _patients(clinic: Clinic, team: Team, n: int) -> list[int]:
    service = PatientService(clinic, team.front_desk)
    return [
        service.register(
            PatientIn(given_name=NAMES[i], family_name="Many", date_of_birth="1980-01-01")  # type: ignore[arg-type]
        ).id
        for i in range(n)
    ]


def _book(clinic: Clinic, team: Team, patients: list[int], hour: int) -> None:
    desk = AppointmentService(clinic, team.front_desk)
    for n, pid in enumerate(patients):
        desk.book(
            AppointmentIn(patient_id=pid, practitioner_id=team.practitioner.staff_id,
                          room="room-1", kind="consultation",
                          starts_at=datetime.combine(DAY, datetime.min.time())
                          + timedelta(hours=hour, minutes=30 * n), duration_minutes=30)
        )  # fmt: skip


def _audit_after(clinic: Clinic, last: int) -> list[tuple[str, str, int | None]]:
    with clinic.db.reading() as session:
        rows = session.execute(
            text("SELECT action, entity, patient_id FROM audit_events WHERE id > :l ORDER BY id"),
            {"l": last},
        )
        return [(r.action, r.entity, r.patient_id) for r in rows]


def _last(clinic: Clinic) -> int:
    with clinic.db.reading() as session:
        return int(session.scalar(text("SELECT max(id) FROM audit_events")) or 0)


def test_several_patients_read_at_once_are_read_and_audited_as_one_by_one(
    clinic: Clinic, team: Team
) -> None:
    ids = _patients(clinic, team, 4)
    service = PatientService(clinic, team.front_desk)
    last = _last(clinic)
    one_by_one = {pid: service.get(pid) for pid in [*ids, ids[0]]}
    singly = _audit_after(clinic, last)
    last = _last(clinic)
    with counted(clinic) as statements:
        at_once = service.get_each([*ids, ids[0]])
    assert at_once == one_by_one
    assert list(at_once) == ids  # in the order asked, each once
    assert _audit_after(clinic, last) == singly[: len(ids)]  # one read event per patient
    assert len([s for s in statements if "FROM patients" in s]) == 1
    PatientService(clinic, team.admin).delete(ids[2], DeleteIn(reason="duplicate"))
    with pytest.raises(NotFound):
        service.get_each(ids)  # as get() refuses a deleted patient


@pytest.fixture
def page(
    clinic: Clinic, team: Team, live_server: Callable[[object], str]
) -> Iterator[httpx.Client]:
    base = live_server(create_app(clinic=clinic, migrate=False))
    issued = SignIn(clinic).login("front-desk", PASSWORD, None, "cookie")
    with httpx.Client(base_url=base, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        yield client


def test_the_day_diary_costs_the_same_queries_for_two_or_ten_appointments(
    clinic: Clinic, team: Team, page: httpx.Client
) -> None:
    patients = _patients(clinic, team, 10)
    _book(clinic, team, patients[:2], 8)
    page.get("/schedule", params={"day": DAY.isoformat()})  # warm: caches, compiled templates
    with counted(clinic) as few:
        shown = page.get("/schedule", params={"day": DAY.isoformat()})
    assert shown.status_code == 200
    assert [f"{name} Many" in shown.text for name in NAMES[:3]] == [True, True, False]
    _book(clinic, team, patients[2:], 10)
    last = _last(clinic)
    with counted(clinic) as many:
        shown = page.get("/schedule", params={"day": DAY.isoformat()})
    assert shown.status_code == 200
    assert all(f"{name} Many" in shown.text for name in NAMES)
    assert len(many) == len(few)
    # Still one audit event for each patient the page showed.
    events = _audit_after(clinic, last)
    assert sorted(p for _, _, p in events if p is not None) == sorted(patients)


def test_the_calendar_costs_the_same_queries_for_one_or_four_practitioners(
    clinic: Clinic, team: Team
) -> None:
    _book(clinic, team, _patients(clinic, team, 3), 9)
    calendar = CalendarService(clinic, team.front_desk)
    with counted(clinic) as few:
        before = calendar.view(DAY, 7)
    staff = StaffService(clinic, team.admin)
    for n in range(3):
        staff.create(StaffIn(username=f"dr-{n}", full_name=f"Dr {n}", role="practitioner",
                             password=PASSWORD))  # type: ignore[arg-type]  # fmt: skip
    with counted(clinic) as many:
        after = calendar.view(DAY, 7)
    assert len(after.practitioners) == len(before.practitioners) + 3
    assert after.entries == before.entries
    assert len(many) == len(few)
