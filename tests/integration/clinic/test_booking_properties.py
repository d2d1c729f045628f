"""Booking invariants under arbitrary request sequences and under concurrent requests."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from microneedling.clinic import Clinic, Role
from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.models import Appointment
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.staff import StaffIn, StaffService
from microneedling.errors import InvalidInput

if TYPE_CHECKING:
    from clinic_support import Team

DAY = datetime(2027, 3, 2)  # a Tuesday, after the test clock's "now"


def _people(clinic: Clinic, team: Team, n: int) -> tuple[list[int], list[int]]:
    desk = PatientService(clinic, team.front_desk)
    patients = [
        desk.register(
            PatientIn(given_name="Pat", family_name=f"Number{chr(65 + i)}",  # type: ignore[arg-type]
                      date_of_birth="1980-01-01")
        ).id
        for i in range(n)
    ]  # fmt: skip
    staff = [team.practitioner.staff_id]
    staff.append(
        StaffService(clinic, team.admin)
        .create(StaffIn(username="second", full_name="Second P", role=Role.PRACTITIONER,
                        password="another long password"))
        .id
    )  # fmt: skip
    return patients, staff


booking = st.tuples(
    st.integers(0, 3),  # patient
    st.integers(0, 1),  # practitioner
    st.integers(0, 1),  # room
    st.integers(0, 40),  # start, in 15-minute steps from 09:00
    st.sampled_from([15, 30, 45, 60, 90]),  # minutes
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(requests=st.lists(booking, min_size=1, max_size=12))
def test_no_sequence_of_bookings_double_books_anyone(
    clinic: Clinic, team: Team, requests: list[tuple[int, int, int, int, int]]
) -> None:
    if not hasattr(clinic, "_people"):
        clinic._people = _people(clinic, team, 4)  # type: ignore[attr-defined]
    patients, staff = clinic._people  # type: ignore[attr-defined]
    with clinic.db.transaction() as session:
        session.execute(delete(Appointment))
    desk = AppointmentService(clinic, team.front_desk)
    for patient, practitioner, room, step, minutes in requests:
        with contextlib.suppress(InvalidInput):  # a refusal is fine; the invariant matters
            desk.book(
                AppointmentIn(
                    patient_id=patients[patient], practitioner_id=staff[practitioner],
                    room=f"room-{room + 1}", kind="consultation",
                    starts_at=DAY.replace(hour=9) + timedelta(minutes=15 * step),
                    duration_minutes=minutes,
                )
            )  # fmt: skip
    with clinic.db.engine.connect() as conn:
        booked = list(conn.execute(select(Appointment)))
    assert booked  # the first request always fits the day, so the check is never vacuous
    for i, a in enumerate(booked):
        for b in booked[i + 1 :]:
            overlap = a.starts_at < b.ends_at and b.starts_at < a.ends_at
            shared = (
                a.practitioner_id == b.practitioner_id
                or a.room == b.room
                or a.patient_id == b.patient_id
            )
            assert not (overlap and shared), (a, b)


def test_concurrent_bookings_of_one_slot_let_exactly_one_through(
    clinic: Clinic, team: Team
) -> None:
    patients, _ = _people(clinic, team, 4)
    outcomes: list[str] = []
    barrier = threading.Barrier(len(patients))

    def book(patient_id: int) -> None:
        barrier.wait()
        try:
            AppointmentService(clinic, team.front_desk).book(
                AppointmentIn(patient_id=patient_id, practitioner_id=team.practitioner.staff_id,
                              room="room-1", kind="consultation",
                              starts_at=DAY.replace(hour=10), duration_minutes=30)
            )  # fmt: skip
            outcomes.append("booked")
        except InvalidInput as exc:
            outcomes.append(exc.field)

    threads = [threading.Thread(target=book, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked"] + ["practitioner_id"] * (len(patients) - 1)


@given(
    opens=st.integers(0, 22), length=st.integers(1, 10), start=st.integers(0, 23 * 60),
    minutes=st.integers(1, 600),
)  # fmt: skip
def test_opening_hours_cover_only_slots_inside_them(
    opens: int, length: int, start: int, minutes: int
) -> None:
    closes = min(opens + length, 23)
    if closes <= opens:
        return
    hours = OpeningHours.parse(f"mon-sun {opens:02d}:00-{closes:02d}:00")
    begin = DAY + timedelta(minutes=start)
    end = begin + timedelta(minutes=minutes)
    inside = (
        begin.date() == end.date() and begin.hour >= opens and (end.hour, end.minute) <= (closes, 0)
    )
    assert hours.covers(begin, end) == inside


def test_opening_hours_refuse_nonsense() -> None:
    for text in ("", "mon 18:00-09:00", "funday 09:00-10:00", "mon-fri 9-5", "mon 25:00-26:00"):
        with pytest.raises(InvalidInput):
            OpeningHours.parse(text)
