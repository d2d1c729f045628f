"""Plan edits: re-dated from today before the course begins, the begun course's sessions kept,
a complete course refused, and every refusal named by the change that caused it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pytest

from microneedling.clinic import Clinic
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanEdit, PlanIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)
CONSENT = {"consented_by": "Ola Nordmann", "method": "signature"}


def _plan(clinic: Clinic, team: Team, intake: dict[str, Any], course: Any) -> tuple[int, int]:
    pid = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Ola", "family_name": "Nordmann",
                                  "date_of_birth": "1980-02-02", "sex": "female"})
    ).id  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        pid, IntakeIn(answers=Intake.model_validate(intake))
    )
    plan = PlanService(clinic, team.practitioner).create(
        pid, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01")))
    )
    return pid, plan.id


def _edit(*changes: dict[str, Any]) -> PlanEdit:
    return PlanEdit.model_validate({"changes": [{**c, "reason": "practitioner"} for c in changes]})


def _kit(clinic: Clinic, team: Team) -> tuple[int, int]:
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-E1", label="Pen")
    )
    lot = admin.register_lot(
        LotIn.model_validate({"lot_number": "E-1", "device_type": "generic_pen_12",
                              "cartridge_id": "12", "needle_count": 12, "needle_length_mm": 2.5,
                              "expires_on": "2028-01-01"})
    )  # fmt: skip
    return device.id, lot.id


def _treat_on(
    clinic: Clinic, team: Team, clock: Clock, ids: tuple[int, int, int, int], day: str
) -> None:
    """Book, treat and complete a session at 10:00 on ``day`` (the clock moves there)."""
    pid, plan_id, device_id, lot_id = ids
    clock.set(datetime.fromisoformat(f"{day}T08:00:00+00:00"))
    booked = AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": pid, "practitioner_id": team.practitioner.staff_id, "room": "room-1",
            "kind": "session", "plan_id": plan_id, "starts_at": f"{day}T10:00",
            "duration_minutes": 60})
    )  # fmt: skip
    clock.advance(hours=2)
    treat = TreatmentService(clinic, team.practitioner)
    sid = treat.start(
        SessionStart(appointment_id=booked.id, device_id=device_id, lot_id=lot_id, check=NO)
    ).id
    treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=2))
    clock.advance(hours=1)
    treat.complete(
        sid,
        SessionCompletion(
            treatment_started_at=datetime.fromisoformat(f"{day}T10:10:00+00:00"),
            treatment_ended_at=datetime.fromisoformat(f"{day}T10:40:00+00:00"),
            end_point="uniform_erythema",
        ),
    )


def test_an_edit_before_the_course_begins_is_re_dated_from_today(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: Any
) -> None:
    _, plan_id = _plan(clinic, team, intake_answers, course)
    clock.advance(weeks=3)  # the planned start, 2027-03-01, has passed
    edited = PlanService(clinic, team.practitioner).edit(
        plan_id, _edit({"change": "passes", "site": "cheeks", "value": 2})
    )
    today = clinic.today()
    assert today == date(2027, 3, 22)
    assert edited.plan.planned_on == today
    assert all(s.date >= today for s in edited.plan.sessions)
    assert edited.plan.sessions[0].date == today
    assert edited.versions[-1].changes[-1]["reason"].startswith("re-dated")


def test_a_begun_course_keeps_its_dates_and_a_complete_course_is_not_edited(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: Any
) -> None:
    pid, plan_id = _plan(clinic, team, intake_answers, course)
    plans = PlanService(clinic, team.practitioner)
    four = plans.edit(plan_id, _edit({"change": "sessions", "value": 4}))
    days = ["2027-03-01", "2027-03-29", "2027-04-26", "2027-05-24"]
    assert [s.date.isoformat() for s in four.plan.sessions] == days
    plans.consent(plan_id, ConsentIn.model_validate({**CONSENT, "version": 2}))
    ids = (pid, plan_id, *_kit(clinic, team))
    _treat_on(clinic, team, clock, ids, days[0])
    clock.advance(weeks=2)
    with pytest.raises(RequestRefused, match="begun") as caught:
        plans.edit(plan_id, _edit({"change": "start_date", "value": "2027-04-01"}))
    assert caught.value.field == "changes.0.value"
    gentler = plans.edit(plan_id, _edit({"change": "passes", "site": "cheeks", "value": 2}))
    assert gentler.plan.sessions[0].date == date(2027, 3, 1)  # the session done, as it was
    plans.consent(plan_id, ConsentIn.model_validate({**CONSENT, "version": 3}))
    for day in days[1:]:
        _treat_on(clinic, team, clock, ids, day)
    with pytest.raises(RequestRefused, match="complete") as caught:
        plans.edit(plan_id, _edit({"change": "passes", "site": "cheeks", "value": 3}))
    assert caught.value.field == "plan_id"


def test_a_refused_edit_names_the_change_that_caused_it(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any], course: Any
) -> None:
    _, plan_id = _plan(clinic, team, intake_answers, course)
    plans = PlanService(clinic, team.practitioner)
    for changes, field in (
        ([{"change": "depth_mm", "site": "forehead", "value": 3.0}], "changes.0.value"),
        ([{"change": "passes", "site": "cheeks", "value": 2},
          {"change": "depth_mm", "site": "forehead", "value": 3.0}], "changes.1.value"),
        ([{"change": "depth_mm", "site": "cheeks", "value": 1.0},
          {"change": "depth_mm", "site": "forehead", "value": 3.0}], "changes.1.value"),
    ):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            plans.edit(plan_id, _edit(*changes))
        assert caught.value.field == field, caught.value
        assert str(caught.value).startswith(field)
