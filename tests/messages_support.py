"""Helpers the message tests import by name: the clinic domain, a patient with a consented
course (who consented to messages), and booking one of its sessions."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

import vobject

from microneedling.clinic import Clinic
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Team

DOMAIN = "riverside.example"


@dataclass
class Course:
    patient_id: int
    plan_id: int
    device_id: int
    lot_id: int


def consented_course(
    clinic: Clinic, team: Team, intake: dict[str, object], course: object
) -> Course:
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-M", label="Pen")
    )
    lot = admin.register_lot(
        LotIn(lot_number="M-1", device_type="generic_pen_12", cartridge_id="12",
              needle_count=12, needle_length_mm=1.0, expires_on="2029-01-01")  # type: ignore[arg-type]
    )  # fmt: skip
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({
            "given_name": "Mia", "family_name": "Mailer", "date_of_birth": "1981-04-04",
            "sex": "female", "email": "mia@example.org", "consent_messages": True,
        })
    )  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(intake))
    )
    assert callable(course)
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(
        patient.id, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Mia Mailer", method="signature"))
    return Course(patient.id, plan.id, device.id, lot.id)


def book_session(clinic: Clinic, team: Team, course: Course, when: str) -> int:
    return AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": course.patient_id, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "session", "plan_id": course.plan_id,
            "starts_at": when, "duration_minutes": 60,
        })
    ).id  # fmt: skip


def ics_of(message: EmailMessage) -> vobject.base.Component:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    data = parts[0].get_payload(decode=True)
    assert isinstance(data, bytes)
    return vobject.readOne(data.decode())


def register_patient(clinic: Clinic, team: Team, given: str, email: str | None) -> int:
    """A patient with no course; consents to messages when given an email."""
    data = {
        "given_name": given,
        "family_name": "Waiting",
        "date_of_birth": "1975-06-06",
        "email": email,
        "consent_messages": email is not None,
    }
    return PatientService(clinic, team.front_desk).register(PatientIn.model_validate(data)).id
