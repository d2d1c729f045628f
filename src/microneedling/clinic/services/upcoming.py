"""A patient's upcoming appointments: booked, not yet started, soonest first.

One rule for "upcoming", used by the staff record (with the room and who treats) and by the
patient's own page (:mod:`~microneedling.clinic.services.patient_page`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.models import Appointment, StaffMember
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.lookups import live_patient

#: What an appointment's kind reads as to staff and patients.
KIND_NAMES = {"session": "Microneedling session", "consultation": "Consultation",
              "follow_up": "Follow-up visit"}  # fmt: skip


def upcoming_appointments(
    session: Session, clinic: Clinic, patient_id: int
) -> list[tuple[Appointment, str]]:
    """The patient's booked appointments from now on, each with its practitioner's name."""
    rows = session.execute(
        select(Appointment, StaffMember.full_name)
        .join(StaffMember, StaffMember.id == Appointment.practitioner_id)
        .where(
            Appointment.patient_id == patient_id,
            Appointment.status == "booked",
            Appointment.starts_at >= clinic.now(),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    return [(appointment, name) for appointment, name in rows]


class UpcomingAppointment(BaseModel):
    """One booked appointment as the record shows it; times in the clinic's zone."""

    id: int
    kind: str
    what: str
    starts_at: datetime
    ends_at: datetime
    practitioner: str
    room: str


class UpcomingService(Service):
    def for_patient(self, patient_id: int) -> list[UpcomingAppointment]:
        """The patient's upcoming appointments (front desk and clinicians alike)."""
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            live_patient(u.session, patient_id)
            rows = upcoming_appointments(u.session, self.clinic, patient_id)
            u.audit.listed("appointment", [a.id for a, _ in rows], [patient_id])
            return [
                UpcomingAppointment(
                    id=a.id,
                    kind=a.kind,
                    what=KIND_NAMES.get(a.kind, a.kind.replace("_", " ")),
                    starts_at=self.clinic.local(a.starts_at),
                    ends_at=self.clinic.local(a.ends_at),
                    practitioner=name,
                    room=a.room,
                )
                for a, name in rows
            ]

    def next_session_after(self, patient_id: int, day: date) -> date | None:
        """The clinic day of the patient's first treatment session booked (or done) after
        ``day``: where an aftercare sheet's "until your next session" ends."""
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            live_patient(u.session, patient_id)
            after = datetime.combine(day + timedelta(days=1), time.min, self.clinic.zone)
            first = u.session.scalar(
                select(Appointment)
                .where(
                    Appointment.patient_id == patient_id,
                    Appointment.kind == "session",
                    Appointment.status.in_(("booked", "completed")),
                    Appointment.starts_at >= after,
                )
                .order_by(Appointment.starts_at)
                .limit(1)
            )
            if first is None:
                return None
            u.audit.read("appointment", first.id, patient_id)
            return self.clinic.local(first.starts_at).date()
