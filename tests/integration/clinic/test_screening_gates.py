"""The patient's current screening gates every step towards treatment, not only planning.

An intake recorded after consent that makes the patient ineligible stops plan edits, consent,
session starts and treated areas; a depth cap it sets applies to the areas recorded after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from microneedling.clinic import Clinic
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanEdit, PlanIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.errors import RequestRefused
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)
BLEEDING = {"conditions": [{"code": "bleeding_disorder", "current": True}]}
#: Acne scars on the back: planned at 2.0 mm (the back's safe depth), deeper than the 1.5 mm
#: cap a Fitzpatrick IV-VI screening sets.
BACK = {
    "areas": [
        {"site": "back", "concerns": [{"concern": "acne_scars_rolling", "severity": "severe"}]}
    ],
    "device": "generic_pen_12",
    "cartridge": "12",
    "start_date": "2027-03-01",
}


@dataclass
class Course:
    patient_id: int
    plan_id: int
    device_id: int
    lot_id: int


def _consented(
    clinic: Clinic, team: Team, intake: dict[str, Any], course: dict[str, Any]
) -> Course:
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-G1", label="Pen")
    )
    lot = admin.register_lot(
        LotIn.model_validate({"lot_number": "G-1", "device_type": "generic_pen_12",
                              "cartridge_id": "12", "needle_count": 12, "needle_length_mm": 2.5,
                              "expires_on": "2028-01-01"})
    )  # fmt: skip
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Gina", "family_name": "Gate",
                                  "date_of_birth": "1980-02-02", "sex": "female"})
    )  # fmt: skip
    _intake(clinic, team, patient.id, intake)
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(patient.id, PlanIn(course=RequestedCourse.model_validate(course)))
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Gina Gate", method="signature"))
    return Course(patient.id, plan.id, device.id, lot.id)


def _intake(clinic: Clinic, team: Team, patient_id: int, answers: dict[str, Any]) -> str:
    screened = IntakeService(clinic, team.practitioner).record(
        patient_id, IntakeIn(answers=Intake.model_validate(answers))
    )
    return screened.screening.result.decision


def _book(clinic: Clinic, team: Team, course: Course) -> int:
    return AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": course.patient_id, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "session", "plan_id": course.plan_id,
            "starts_at": "2027-03-01T10:00", "duration_minutes": 60})
    ).id  # fmt: skip


def _start(clinic: Clinic, team: Team, course: Course, appointment_id: int) -> int:
    return (
        TreatmentService(clinic, team.practitioner)
        .start(SessionStart(appointment_id=appointment_id, device_id=course.device_id,
                            lot_id=course.lot_id, check=NO))
        .id
    )  # fmt: skip


def _edit(**change: Any) -> PlanEdit:
    return PlanEdit.model_validate({"changes": [{**change, "reason": "practitioner's choice"}]})


def test_a_not_eligible_screening_after_consent_stops_edit_consent_and_session_start(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: Any
) -> None:
    world = _consented(clinic, team, intake_answers, course("2027-03-01"))
    appointment_id = _book(clinic, team, world)
    assert _intake(clinic, team, world.patient_id, {**intake_answers, **BLEEDING}) == (
        "not_eligible"
    )
    plans = PlanService(clinic, team.practitioner)
    with pytest.raises(RequestRefused, match="not_eligible") as caught:
        plans.edit(world.plan_id, _edit(change="passes", site="cheeks", value=2))
    assert caught.value.field == "plan_id"
    with pytest.raises(RequestRefused, match="not_eligible") as caught:
        plans.consent(
            world.plan_id, ConsentIn(version=1, consented_by="Gina Gate", method="signature")
        )
    assert caught.value.field == "plan_id"
    clock.advance(hours=2)
    with pytest.raises(RequestRefused, match="bleeding") as caught:
        _start(clinic, team, world, appointment_id)
    assert caught.value.field == "appointment_id"
    assert TreatmentService(clinic, team.practitioner).for_patient(world.patient_id) == []
    assert plans.get(world.plan_id).current_version == 1


def test_an_intake_recorded_during_a_session_stops_its_areas(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: Any
) -> None:
    world = _consented(clinic, team, intake_answers, course("2027-03-01"))
    appointment_id = _book(clinic, team, world)
    clock.advance(hours=2)
    session_id = _start(clinic, team, world, appointment_id)
    _intake(clinic, team, world.patient_id, {**intake_answers, **BLEEDING})
    with pytest.raises(RequestRefused, match="not_eligible") as caught:
        TreatmentService(clinic, team.practitioner).record_area(
            session_id, AreaIn(site="cheeks", depth_mm=1.0, passes=3)
        )
    assert caught.value.field == "session_id"
    assert TreatmentService(clinic, team.practitioner).get(session_id).areas == []


def test_a_depth_cap_from_a_later_screening_applies_to_consent_and_areas(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any]
) -> None:
    answers = {**intake_answers, "areas": ["back"]}
    world = _consented(clinic, team, answers, BACK)
    plans = PlanService(clinic, team.practitioner)
    assert plans.get(world.plan_id).plan.area("back").depth.value_mm == 2.0
    appointment_id = _book(clinic, team, world)
    clock.advance(hours=2)
    session_id = _start(clinic, team, world, appointment_id)
    # Fitzpatrick V: eligible with precautions, needles no deeper than 1.5 mm.
    assert _intake(clinic, team, world.patient_id, {**answers, "fitzpatrick_type": 5}) == (
        "eligible_with_precautions"
    )
    treat = TreatmentService(clinic, team.practitioner)
    with pytest.raises(RequestRefused, match=r"screening.*1\.5 mm") as caught:
        treat.record_area(session_id, AreaIn(site="back", depth_mm=2.0, passes=2))
    assert caught.value.field == "depth_mm"
    assert treat.record_area(session_id, AreaIn(site="back", depth_mm=1.5, passes=2)).areas
    # The consented 2.0 mm version is beyond today's cap: it cannot be consented to again
    # until the depth is edited down, and the edit is re-planned under the new cap.
    with pytest.raises(RequestRefused, match=r"1\.5 mm") as caught:
        plans.consent(
            world.plan_id, ConsentIn(version=1, consented_by="Gina Gate", method="signature")
        )
    assert caught.value.field == "plan_id"
    edited = plans.edit(world.plan_id, _edit(change="depth_mm", site="back", value=1.5))
    assert edited.plan.screening.decision == "eligible_with_precautions"
    assert edited.plan.area("back").depth.value_mm == 1.5
    plans.consent(world.plan_id, ConsentIn(version=2, consented_by="Gina Gate", method="signature"))
