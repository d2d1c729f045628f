"""How messages and feeds word an appointment: its time in its location's zone, and its event."""

from __future__ import annotations

from datetime import datetime

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.ics import AppointmentEvent
from microneedling.clinic.locations import Contact, Place
from microneedling.clinic.models import Appointment

#: What a patient reads for each kind of appointment (nothing clinical beyond this).
VISIT_NAMES = {
    "consultation": "consultation",
    "session": "treatment session",
    "follow_up": "follow-up visit",
}


def format_when(place: Place, moment: datetime) -> str:
    """``Tuesday 2 March 2027, 10:00 (Europe/Berlin)``: the location's wall-clock time, its
    zone named."""
    local = place.local(moment)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({place.timezone})"


def format_day(place: Place, moment: datetime) -> str:
    """``Tuesday 2 March 2027``, the location's local day."""
    local = place.local(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def appointment_event(
    clinic: Clinic,
    appointment: Appointment,
    summary: str,
    contact: Contact,
    location: str | None = None,
) -> AppointmentEvent:
    """The calendar event of an appointment; SEQUENCE is the appointment's revision. Its place
    is the appointment's location (name and address) unless ``location`` says otherwise."""
    return AppointmentEvent(
        appointment_id=appointment.id,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=summary,
        location=location if location is not None else contact.address_line,
        cancelled=appointment.status == "cancelled",
        sequence=appointment.revision,
        stamped_at=clinic.now(),
    )
