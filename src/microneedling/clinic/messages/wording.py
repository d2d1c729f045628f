"""How messages and feeds word an appointment: its time in the clinic's zone, and its event."""

from __future__ import annotations

from datetime import datetime

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.ics import AppointmentEvent
from microneedling.clinic.models import Appointment

#: What a patient reads for each kind of appointment (nothing clinical beyond this).
VISIT_NAMES = {
    "consultation": "consultation",
    "session": "treatment session",
    "follow_up": "follow-up visit",
}


def format_when(clinic: Clinic, moment: datetime) -> str:
    """``Tuesday 2 March 2027, 10:00 (Europe/Berlin)``: clinic wall-clock time, zone named."""
    local = clinic.local(moment)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({clinic.settings.timezone})"


def format_day(clinic: Clinic, moment: datetime) -> str:
    """``Tuesday 2 March 2027``, the clinic's local day."""
    local = clinic.local(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def place(clinic: Clinic) -> str:
    """Where the patient goes: the clinic's name and address."""
    address = clinic.settings.clinic_address.strip()
    return f"{clinic.settings.clinic_name}, {address}" if address else clinic.settings.clinic_name


def appointment_event(
    clinic: Clinic, appointment: Appointment, summary: str, location: str | None = None
) -> AppointmentEvent:
    """The calendar event of an appointment; SEQUENCE is the appointment's revision."""
    return AppointmentEvent(
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=summary,
        location=location if location is not None else place(clinic),
        cancelled=appointment.status == "cancelled",
        sequence=appointment.revision,
        stamped_at=clinic.now(),
    )
