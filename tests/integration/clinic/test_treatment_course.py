"""Booking rules, session rules (lots, depths, the pre-treatment check), outcomes and photos."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from microneedling.clinic import Clinic, Role, UnsupportedMedia
from microneedling.clinic.models import Photo, TreatedArea
from microneedling.clinic.schemas.appointments import AppointmentIn, StatusIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import DeleteIn, PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn, RecallIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.outcomes import OutcomeIn, OutcomeService, PhotoIn
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.staff import StaffIn, StaffService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


@dataclass
class World:
    patient_id: int
    plan_id: int
    device_id: int
    lot_id: int


def _world(clinic: Clinic, team: Team, intake: dict[str, object], course: object) -> World:
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-1", label="Pen 1")
    )
    lot = admin.register_lot(
        LotIn(lot_number="C12-A", device_type="generic_pen_12", cartridge_id="12",
              needle_count=12, needle_length_mm=1.0, expires_on="2028-01-01")  # type: ignore[arg-type]
    )  # fmt: skip
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn(given_name="Ann", family_name="Lee", date_of_birth="1980-02-02",  # type: ignore[arg-type]
                  sex="female", consent_photos=False)
    )  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(intake))
    )
    assert callable(course)
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(
        patient.id, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Ann Lee", method="signature"))
    return World(patient.id, plan.id, device.id, lot.id)


def _slot(world: World, team: Team, when: str, **extra: object) -> AppointmentIn:
    data: dict[str, object] = {
        "patient_id": world.patient_id, "practitioner_id": team.practitioner.staff_id,
        "room": "room-1", "kind": "session", "plan_id": world.plan_id,
        "starts_at": when, "duration_minutes": 60,
    }  # fmt: skip
    data.update(extra)
    return AppointmentIn.model_validate(data)


@pytest.fixture
def world(
    clinic: Clinic, team: Team, intake_answers: dict[str, object], course: Callable[..., object]
) -> World:
    return _world(clinic, team, intake_answers, course)


def test_no_double_booking_and_opening_hours(clinic: Clinic, team: Team, world: World) -> None:
    desk = AppointmentService(clinic, team.front_desk)
    first = desk.book(_slot(world, team, "2027-03-01T10:00"))
    consult = {"kind": "consultation", "plan_id": None}
    with pytest.raises(RequestRefused) as caught:
        desk.book(_slot(world, team, "2027-03-01T10:30", room="room-2", **consult))
    assert caught.value.field == "practitioner_id"
    other = PatientService(clinic, team.front_desk).register(
        PatientIn(given_name="Bo", family_name="Ek", date_of_birth="1990-01-01")  # type: ignore[arg-type]
    )
    second = StaffService(clinic, team.admin).create(
        StaffIn(username="pia", full_name="Pia P", role=Role.PRACTITIONER,
                password="another long password")
    )  # fmt: skip
    free = {"patient_id": other.id, "practitioner_id": second.id, **consult}
    with pytest.raises(RequestRefused, match="room-1 is already booked"):
        desk.book(_slot(world, team, "2027-03-01T10:59", **free))
    desk.book(_slot(world, team, "2027-03-01T11:00", **free))  # back to back is fine
    with pytest.raises(RequestRefused, match="outside opening hours"):
        desk.book(_slot(world, team, "2027-03-01T20:30", **consult))
    with pytest.raises(RequestRefused, match="past"):
        desk.book(_slot(world, team, "2027-03-01T07:30", **consult))
    with pytest.raises(InvalidInput, match="no room"):
        desk.book(_slot(world, team, "2027-03-01T12:00", room="attic", **consult))
    desk.cancel(first.id, StatusIn(reason="patient unwell"))
    again = desk.book(_slot(world, team, "2027-03-01T10:00"))
    kept = desk.get(first.id)
    assert (kept.status, kept.status_reason) == ("cancelled", "patient unwell")
    assert again.starts_at == first.starts_at


def test_sessions_keep_the_plan_interval_and_count(
    clinic: Clinic, team: Team, world: World
) -> None:
    desk = AppointmentService(clinic, team.front_desk)
    desk.book(_slot(world, team, "2027-03-01T10:00"))
    with pytest.raises(RequestRefused, match="earliest date after it is 2027-03-29"):
        desk.book(_slot(world, team, "2027-03-22T10:00"))
    for when in ("2027-03-29", "2027-04-26", "2027-05-24", "2027-06-21"):
        desk.book(_slot(world, team, f"{when}T10:00"))
    with pytest.raises(RequestRefused, match="all booked"):
        desk.book(_slot(world, team, "2027-07-19T10:00"))


def test_missed_appointments_are_kept_as_no_shows(
    clinic: Clinic, team: Team, world: World, clock: Clock
) -> None:
    desk = AppointmentService(clinic, team.front_desk)
    booked = desk.book(_slot(world, team, "2027-03-01T10:00"))
    with pytest.raises(RequestRefused, match="not started"):
        desk.no_show(booked.id, StatusIn())
    clock.advance(hours=3)
    assert desk.no_show(booked.id, StatusIn(reason="no answer by phone")).status == "no_show"


def _book(clinic: Clinic, team: Team, world: World, clock: Clock) -> int:
    """A session booked at 10:00 on the clock's day; the clock then moves to 10:00."""
    appointment = AppointmentService(clinic, team.front_desk).book(
        _slot(world, team, "2027-03-01T10:00")
    )
    clock.advance(hours=2)
    return appointment.id


def _begin(clinic: Clinic, team: Team, world: World, appointment_id: int, **kw: object) -> int:
    start = {"appointment_id": appointment_id, "device_id": world.device_id,
             "lot_id": world.lot_id, "check": NO.model_dump()}  # fmt: skip
    start.update(kw)
    return TreatmentService(clinic, team.practitioner).start(SessionStart.model_validate(start)).id


def _start(clinic: Clinic, team: Team, world: World, clock: Clock, **kw: object) -> int:
    return _begin(clinic, team, world, _book(clinic, team, world, clock), **kw)


def test_expired_and_recalled_lots_are_refused_and_recall_lists_patients(
    clinic: Clinic, team: Team, world: World, clock: Clock
) -> None:
    admin = DeviceService(clinic, team.admin)
    old = admin.register_lot(
        LotIn(lot_number="C12-OLD", device_type="generic_pen_12", cartridge_id="12",
              needle_count=12, needle_length_mm=1.0, expires_on="2027-02-28")  # type: ignore[arg-type]
    )  # fmt: skip
    appointment_id = _book(clinic, team, world, clock)
    with pytest.raises(RequestRefused, match="expired on 2027-02-28"):
        _begin(clinic, team, world, appointment_id, lot_id=old.id)
    assert _begin(clinic, team, world, appointment_id)  # the good lot
    PatientService(clinic, team.admin).delete(world.patient_id, DeleteIn(reason="moved away"))
    report = admin.recall(world.lot_id, RecallIn(reason="sterility breach at the maker"))
    assert [p.patient_id for p in report.patients] == [world.patient_id]
    assert report.patients[0].deleted  # still listed: a recall must reach everyone
    assert report.patients[0].treated_on == [clinic.today()]
    assert not report.lot.usable


def test_depth_is_capped_by_lot_plan_and_device(
    clinic: Clinic, team: Team, world: World, clock: Clock
) -> None:
    sid = _start(clinic, team, world, clock)
    treat = TreatmentService(clinic, team.practitioner)
    with pytest.raises(RequestRefused, match="needle length"):
        treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.2, passes=3))
    with pytest.raises(RequestRefused, match="does not treat"):
        treat.record_area(sid, AreaIn(site="neck", depth_mm=0.5, passes=2))
    treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=3))
    with pytest.raises(RequestRefused, match="already recorded"):
        treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=3))
    with clinic.db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(TreatedArea)) == 1


def test_a_positive_pre_treatment_check_rescreens_and_stops_the_session(
    clinic: Clinic, team: Team, world: World, clock: Clock
) -> None:
    check = NO.model_copy(update={"cold_sore": True}).model_dump()
    sid = _start(clinic, team, world, clock, check=check)
    stopped = TreatmentService(clinic, team.practitioner).get(sid)
    assert stopped.status == "stopped"
    assert stopped.check_screening is not None
    assert stopped.check_screening.decision == "deferred"
    assert stopped.stop_reason is not None
    assert "deferred" in stopped.stop_reason
    history = IntakeService(clinic, team.practitioner).history(world.patient_id)
    assert [i.version for i in history] == [2, 1]
    assert history[0].answers.skin_findings
    with pytest.raises(RequestRefused, match="stopped"):
        TreatmentService(clinic, team.practitioner).record_area(
            sid, AreaIn(site="cheeks", depth_mm=1.0, passes=2)
        )


def test_outcomes_use_the_concern_scale_and_photos_need_consent(
    clinic: Clinic, team: Team, world: World, clock: Clock, jpeg: Callable[..., bytes]
) -> None:
    sid = _start(clinic, team, world, clock)
    treat = TreatmentService(clinic, team.practitioner)
    treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=3))
    clock.advance(hours=1)
    done = treat.complete(
        sid,
        SessionCompletion(
            treatment_started_at=datetime.fromisoformat("2027-03-01T10:30:00+00:00"),
            treatment_ended_at=datetime.fromisoformat("2027-03-01T10:50:00+00:00"),
            end_point="pinpoint_bleeding",
        ),
    )
    assert done.status == "completed"
    outcomes = OutcomeService(clinic, team.practitioner)
    scored = {"plan_id": world.plan_id, "assessed_on": "2027-03-01", "concern": "fine_lines"}
    with pytest.raises(InvalidInput, match="outside"):
        outcomes.record(
            world.patient_id, OutcomeIn.model_validate({**scored, "clinician_score": 7})
        )
    with pytest.raises(InvalidInput, match="plan treats"):
        outcomes.record(
            world.patient_id,
            OutcomeIn.model_validate({**scored, "concern": "striae_alba", "clinician_score": 2}),
        )
    outcome = outcomes.record(
        world.patient_id, OutcomeIn.model_validate({**scored, "clinician_score": 3})
    )
    meta = PhotoIn(stage="follow_up", site="cheeks", outcome_id=outcome.id)
    with pytest.raises(RequestRefused, match="consented"):
        outcomes.add_photo(world.patient_id, meta, jpeg())
    from microneedling.clinic.schemas.patients import PatientChange

    PatientService(clinic, team.front_desk).change(
        world.patient_id, PatientChange(consent_photos=True)
    )
    with pytest.raises(UnsupportedMedia):
        outcomes.add_photo(world.patient_id, meta, b"%PDF-1.4 not an image")
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    with pytest.raises(UnsupportedMedia):
        outcomes.add_photo(world.patient_id, meta, gif)
    photo = outcomes.add_photo(world.patient_id, meta, jpeg())
    assert (clinic.settings.photo_dir / f"{world.patient_id}/{photo.sha256}.jpg").exists()
    with clinic.db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Photo)) == 1
    assert len(list(clinic.settings.photo_dir.rglob("*.jpg"))) == 1


def test_a_nan_depth_is_refused_as_not_a_number() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="finite number") as caught:
        AreaIn.model_validate({"site": "cheeks", "depth_mm": float("nan"), "passes": 2})
    assert [e["loc"] for e in caught.value.errors()] == [("depth_mm",)]
