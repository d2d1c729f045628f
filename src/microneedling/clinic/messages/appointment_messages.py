"""Messages that follow an appointment: confirmation, reminders, pre-visit, aftercare check.

:func:`sync_appointment_messages` is idempotent: it works out which messages the appointment
should have now and enqueues them under keys made of the appointment, its revision and the
kind, then cancels its pending messages that are no longer wanted. Call it whenever an
appointment is booked, moved (after bumping ``revision``), cancelled or completed; calling it
twice changes nothing, and nothing already sent is sent again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.locations import Place, clinic_contact
from microneedling.clinic.messages.outbox import Outbox
from microneedling.clinic.messages.wording import VISIT_NAMES, format_day, format_when
from microneedling.clinic.models import Appointment, Patient

#: The aftercare check goes the day after a session, at this clinic time.
AFTERCARE_CHECK_AT = time(10, 0)


def appointment_context(
    session: Session, appointment: Appointment, patient: Patient
) -> dict[str, Any]:
    """The variables every appointment template may use (no clinical detail): the time in the
    appointment's location's zone, and that location's name, address and phone."""
    minutes = round((appointment.ends_at - appointment.starts_at).total_seconds() / 60)
    contact = clinic_contact(session, appointment=appointment)
    return {
        "clinic_name": contact.clinic_name,
        "given_name": patient.given_name,
        "visit": VISIT_NAMES.get(appointment.kind, "appointment"),
        "when": format_when(contact.place, appointment.starts_at),
        "minutes": minutes,
        "place": contact.address_line,
        "phone": contact.phone or "",
        "appointment_id": appointment.id,
    }


def _key(appointment: Appointment, kind: str) -> str:
    return f"appointment:{appointment.id}:r{appointment.revision}:{kind}"


def _ics(appointment: Appointment, method: str) -> dict[str, Any]:
    return {"type": "appointment_ics", "appointment_id": appointment.id, "method": method}


def pre_visit_instructions(
    clinic: Clinic, place: Place, starts_at: datetime
) -> list[dict[str, str]]:
    """The knowledge base's before-visit guidance, each with the day (at ``place``) to start it."""
    return [
        {
            "text": item.text,
            "from_day": format_day(place, starts_at - timedelta(days=item.days_before)),
        }
        for item in sorted(clinic.kb.aftercare.before_visit, key=lambda i: -i.days_before)
    ]


def sync_appointment_messages(session: Session, clinic: Clinic, appointment: Appointment) -> None:
    """Bring the appointment's messages in line with its state (see the module docstring)."""
    outbox = Outbox(session, clinic)
    patient = session.get(Patient, appointment.patient_id)
    if patient is None:
        return
    context = appointment_context(session, appointment, patient)
    place = clinic_contact(session, appointment=appointment).place
    now = clinic.now()
    wanted: list[str] = []

    def want(kind: str, at: datetime, **extra: Any) -> None:
        key = _key(appointment, kind)
        attachments = extra.pop("attachments", ())
        template = kind.split("-", 1)[0]
        message = outbox.enqueue(
            template, appointment.patient_id, send_after=max(at, now), dedupe_key=key,
            context=context | extra, appointment_id=appointment.id, attachments=attachments,
        )  # fmt: skip
        if message is not None:
            wanted.append(key)

    if appointment.status == "cancelled":
        # Only a patient who was told of the booking is told of its cancellation.
        confirmed = outbox.was_sent(f"appointment:{appointment.id}:r0:booking_confirmation")
        if confirmed or appointment.revision > 1:
            want("appointment_cancelled", now, attachments=[_ics(appointment, "CANCEL")])
        outbox.cancel_for_appointment(appointment.id, "appointment cancelled", keep=wanted)
        return
    if appointment.status == "no_show":
        outbox.cancel_for_appointment(appointment.id, "the patient did not come")
        return
    if appointment.status == "completed":
        if appointment.kind == "session":
            want("aftercare_check", _next_day(place, appointment.starts_at))
        outbox.cancel_for_appointment(appointment.id, "appointment completed", keep=wanted)
        return
    starts = appointment.starts_at
    want("booking_confirmation", now, attachments=[_ics(appointment, "REQUEST")])
    for hours in clinic.settings.reminder_hours:
        at = starts - timedelta(hours=hours)
        if at > now:
            want(f"reminder-{hours:g}h", at)
    if appointment.kind == "session":
        instructions = pre_visit_instructions(clinic, place, starts)
        if instructions:
            days = max(i.days_before for i in clinic.kb.aftercare.before_visit)
            want("pre_visit", starts - timedelta(days=days, hours=12), instructions=instructions)
        want("aftercare_check", _next_day(place, starts))
    outbox.cancel_for_appointment(appointment.id, "appointment changed", keep=wanted)


def _next_day(place: Place, moment: datetime) -> datetime:
    day = place.local(moment).date() + timedelta(days=1)
    return datetime.combine(day, AFTERCARE_CHECK_AT, place.zone)
