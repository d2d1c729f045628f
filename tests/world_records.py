"""The records of the API tests' world (``api_world`` in conftest): one of every kind."""

from __future__ import annotations

from clinic_support import INTAKE, Clock, Team, course_request, jpeg_with_exif
from microneedling.clinic import Clinic


def build_records(clinic: Clinic, team: Team, clock: Clock) -> dict[str, int]:
    """A device and two lots, a patient (note, intake, consented plan, a session with one
    area, an outcome, a photo) and a spare one, and two appointments; their ids by name."""
    from microneedling.clinic.schemas.appointments import AppointmentIn
    from microneedling.clinic.schemas.intakes import IntakeIn
    from microneedling.clinic.schemas.patients import NoteIn, PatientIn
    from microneedling.clinic.schemas.plans import ConsentIn, PlanIn
    from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
    from microneedling.clinic.schemas.treatments import AreaIn, SessionStart
    from microneedling.clinic.services.appointments import AppointmentService
    from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
    from microneedling.clinic.services.intakes import IntakeService
    from microneedling.clinic.services.outcomes import OutcomeIn, OutcomeService, PhotoIn
    from microneedling.clinic.services.patients import PatientService
    from microneedling.clinic.services.plans import PlanService
    from microneedling.clinic.services.treatments import TreatmentService
    from microneedling.planning import RequestedCourse
    from microneedling.screening import Intake

    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-W1", label="Pen")
    )
    lot_data = {"device_type": "generic_pen_12", "cartridge_id": "12", "needle_count": 12,
                "needle_length_mm": 2.5}  # fmt: skip
    lot = admin.register_lot(
        LotIn.model_validate({**lot_data, "lot_number": "W-LOT-1", "expires_on": "2028-01-01"})
    )
    spare_lot = admin.register_lot(
        LotIn.model_validate({**lot_data, "lot_number": "W-LOT-2", "expires_on": "2028-01-01"})
    )
    desk = PatientService(clinic, team.front_desk)
    patient = desk.register(
        PatientIn.model_validate({"given_name": "Wendy", "family_name": "World",
                                  "date_of_birth": "1984-05-01", "sex": "female",
                                  "consent_photos": True})
    )  # fmt: skip
    spare = desk.register(
        PatientIn.model_validate({"given_name": "Spare", "family_name": "Person",
                                  "date_of_birth": "1990-01-01"})
    )  # fmt: skip
    note = PatientService(clinic, team.practitioner).add_note(patient.id, NoteIn(text="Note."))
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(INTAKE))
    )
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(
        patient.id, PlanIn(course=RequestedCourse.model_validate(course_request("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Wendy World", method="signature"))
    book = AppointmentService(clinic, team.front_desk)
    slot = {"patient_id": patient.id, "practitioner_id": team.practitioner.staff_id,
            "duration_minutes": 60}  # fmt: skip
    session_slot = book.book(
        AppointmentIn.model_validate({**slot, "room": "room-1", "kind": "session",
                                      "plan_id": plan.id, "starts_at": "2027-03-01T10:00"})
    )  # fmt: skip
    follow = book.book(
        AppointmentIn.model_validate({**slot, "room": "room-2", "kind": "follow_up",
                                      "starts_at": "2027-03-01T12:00"})
    )  # fmt: skip
    clock.advance(hours=2, minutes=5)
    check = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)
    session = TreatmentService(clinic, team.practitioner).start(
        SessionStart(appointment_id=session_slot.id, device_id=device.id, lot_id=lot.id,
                     check=check)
    )  # fmt: skip
    TreatmentService(clinic, team.practitioner).record_area(
        session.id, AreaIn(site="cheeks", depth_mm=1.5, passes=3)
    )
    outcome = OutcomeService(clinic, team.practitioner).record(
        patient.id,
        OutcomeIn(plan_id=plan.id, assessed_on=clinic.today(), concern="fine_lines",
                  clinician_score=3.0)
    )  # fmt: skip
    photo = OutcomeService(clinic, team.practitioner).add_photo(
        patient.id, PhotoIn(stage="baseline", site="cheeks", view="front"), jpeg_with_exif()
    )
    return {
        "device": device.id, "lot": lot.id, "spare_lot": spare_lot.id, "patient": patient.id,
        "spare_patient": spare.id, "note": note.id, "plan": plan.id,
        "session_appointment": session_slot.id, "follow_up": follow.id, "session": session.id,
        "outcome": outcome.id, "photo": photo.id, "practitioner": team.practitioner.staff_id,
        "front_desk": team.front_desk.staff_id, "location": default_location(clinic),
    }  # fmt: skip


def default_location(clinic: Clinic) -> int:
    from microneedling.clinic.locations import default_place

    with clinic.db.reading() as session:
        return default_place(session).id
