"""The patient's own page, through a ``patient_page`` link: what they need between visits.

Their upcoming appointments (each as a calendar event), the aftercare sheet of their latest
completed session, the warning signs from it and whom to call (the clinic's name, and the phone
and address of the location :func:`~microneedling.clinic.locations.clinic_contact` gives for
them), and their consent documents. Each visit's time is in its location's zone. Nothing else
of the record, and nothing of anyone else: every query is bound to the link's patient.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select

from microneedling.clinic.ics import AppointmentEvent
from microneedling.clinic.locations import clinic_contact, places
from microneedling.clinic.models import (
    Appointment,
    ConsentDocument,
    Patient,
    TreatmentSession,
)
from microneedling.clinic.services.econsent import ConsentDocumentOut, document_out
from microneedling.clinic.services.lookups import live_patient
from microneedling.clinic.services.patient_links import LinkUnusable, PatientSide
from microneedling.clinic.services.upcoming import KIND_NAMES, upcoming_appointments
from microneedling.planning.treatment_plan import AftercareSheet


class UpcomingVisit(BaseModel):
    id: int
    what: str
    starts_at: datetime
    ends_at: datetime
    with_whom: str
    where: str = Field(description="the location's name")
    timezone: str = Field(description="the location's zone")


class PatientPageOut(BaseModel):
    given_name: str
    clinic_name: str
    clinic_phone: str | None
    clinic_address: str
    timezone: str = Field(description="the zone of the location the patient contacts")
    upcoming: list[UpcomingVisit]
    aftercare: AftercareSheet | None
    next_session_on: date | None = Field(description="the next booked treatment session's day")
    consents: list[ConsentDocumentOut]


class PatientPage(PatientSide):
    def view(self) -> PatientPageOut:
        clinic = self.clinic
        with self.unit() as u:
            if self.link(u.session).scope != "patient_page":
                raise LinkUnusable()
            patient: Patient = live_patient(u.session, self.actor.patient_id)
            contact = clinic_contact(u.session, patient_id=patient.id, now=clinic.now())
            zones = {place.id: place for place in places(u.session)}
            visits = upcoming_appointments(u.session, clinic, patient.id)
            latest = u.session.scalar(
                select(TreatmentSession)
                .where(
                    TreatmentSession.patient_id == patient.id,
                    TreatmentSession.aftercare_sheet.is_not(None),
                )
                .order_by(TreatmentSession.id.desc())
                .limit(1)
            )
            documents = u.session.scalars(
                select(ConsentDocument)
                .where(
                    ConsentDocument.patient_id == patient.id,
                    ConsentDocument.status != "awaiting_signature",
                )
                .order_by(ConsentDocument.id.desc())
            )
            consents = [document_out(u.session, d) for d in documents]
            u.audit.record("read", "patient_page", patient.id, patient_id=patient.id)
            return PatientPageOut(
                given_name=patient.given_name,
                clinic_name=contact.clinic_name,
                clinic_phone=contact.phone,
                clinic_address=contact.address_line,
                timezone=contact.place.timezone,
                upcoming=[
                    UpcomingVisit(
                        id=a.id,
                        what=KIND_NAMES.get(a.kind, a.kind.replace("_", " ")),
                        starts_at=zones[a.location_id].local(a.starts_at),
                        ends_at=zones[a.location_id].local(a.ends_at),
                        where=zones[a.location_id].name,
                        timezone=zones[a.location_id].timezone,
                        with_whom=name,
                    )
                    for a, name in visits
                ],
                aftercare=None
                if latest is None or latest.aftercare_sheet is None
                else latest.aftercare_sheet,
                next_session_on=next(
                    (clinic.local(a.starts_at).date() for a, _ in visits if a.kind == "session"),
                    None,
                ),
                consents=consents,
            )

    def calendar_event(self, appointment_id: int) -> AppointmentEvent:
        """One of the patient's own booked appointments as a calendar event (else nothing)."""
        clinic = self.clinic
        with self.unit() as u:
            if self.link(u.session).scope != "patient_page":
                raise LinkUnusable()
            appointment = u.session.get(Appointment, appointment_id)
            if appointment is None or appointment.patient_id != self.actor.patient_id:
                raise LinkUnusable()
            u.audit.read("appointment", appointment.id, appointment.patient_id)
            contact = clinic_contact(u.session, appointment=appointment)
            return AppointmentEvent(
                appointment_id=appointment.id,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                summary=f"{KIND_NAMES.get(appointment.kind, 'Visit')} at {contact.clinic_name}",
                location=contact.address_line,
                cancelled=appointment.status == "cancelled",
                stamped_at=clinic.now(),
            )
