"""The waitlist: patients who want an earlier slot, offered a cancelled one through the outbox.

An entry names a patient, a practitioner (or none: anyone), a range of times and the minutes
needed. When an appointment is cancelled, the first ``waitlist_offers`` waiting entries
(oldest first) whose range holds the freed slot, whose practitioner matches and whose minutes
fit are offered it: a ``waitlist_offer`` message goes to each who may be messaged, and the
entry shows the offer for the desk (who books whoever answers first).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import working_at
from microneedling.clinic.messages import Outbox, sync_appointment_messages
from microneedling.clinic.messages.appointment_messages import appointment_context
from microneedling.clinic.models import Appointment, Patient, StaffMember, WaitlistEntry
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.roles import TREATING, Permission
from microneedling.clinic.services.lookups import live_patient
from microneedling.clinic.text import ShortText
from microneedling.errors import InvalidInput
from microneedling.iso_dates import IsoDateTime

WaitlistStatus = Literal["waiting", "booked", "removed"]


class WaitlistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: RecordRef
    practitioner_id: RecordRef | None = Field(default=None, description="none: any practitioner")
    earliest: IsoDateTime = Field(description="local clinic time if no zone is given")
    latest: IsoDateTime = Field(description="local clinic time if no zone is given")
    duration_minutes: int = Field(default=60, gt=0, le=8 * 60)
    note: ShortText | None = None


class WaitlistOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    patient_id: int
    practitioner_id: int | None
    earliest: datetime
    latest: datetime
    duration_minutes: int
    note: str | None
    status: WaitlistStatus
    offered_appointment_id: int | None
    offered_at: datetime | None
    created_at: datetime


def offer_freed_slot(session: Session, clinic: Clinic, appointment: Appointment) -> list[int]:
    """Offer a cancelled appointment's slot to the first matching waiting patients (ids)."""
    minutes = (appointment.ends_at - appointment.starts_at) / timedelta(minutes=1)
    entries = session.scalars(
        select(WaitlistEntry)
        .join(Patient, Patient.id == WaitlistEntry.patient_id)
        .where(
            Patient.deleted_at.is_(None),
            WaitlistEntry.status == "waiting",
            WaitlistEntry.patient_id != appointment.patient_id,
            or_(
                WaitlistEntry.practitioner_id.is_(None),
                WaitlistEntry.practitioner_id == appointment.practitioner_id,
            ),
            WaitlistEntry.earliest <= appointment.starts_at,
            WaitlistEntry.latest >= appointment.ends_at,
            WaitlistEntry.duration_minutes <= minutes,
        )
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        .limit(clinic.settings.waitlist_offers)
    ).all()
    outbox = Outbox(session, clinic)
    for entry in entries:
        entry.offered_appointment_id = appointment.id
        entry.offered_at = clinic.now()
        patient = session.get(Patient, entry.patient_id)
        assert patient is not None
        outbox.enqueue(
            "waitlist_offer", entry.patient_id, send_after=clinic.now(),
            dedupe_key=f"waitlist:{entry.id}:appointment:{appointment.id}",
            context=appointment_context(session, appointment, patient),
        )  # fmt: skip
    return [entry.id for entry in entries]


def after_appointment_change(
    session: Session, clinic: Clinic, appointment: Appointment, *, retimed: bool = False
) -> None:
    """What follows any change to a booked appointment; call it in the same transaction.

    A move (``retimed``) or a cancellation is a new revision (the iCalendar SEQUENCE); the
    appointment's messages are brought in line; a cancelled slot goes to the waitlist.
    """
    if retimed or appointment.status == "cancelled":
        appointment.revision += 1
    sync_appointment_messages(session, clinic, appointment)
    if appointment.status == "cancelled" and appointment.starts_at > clinic.now():
        offer_freed_slot(session, clinic, appointment)


class WaitlistService(Service):
    def add(self, data: WaitlistIn) -> WaitlistOut:
        clinic = self.clinic
        earliest, latest = clinic.local(data.earliest), clinic.local(data.latest)
        if latest <= earliest:
            raise InvalidInput("latest", "must be after earliest")
        if latest <= clinic.now():
            raise InvalidInput("latest", "is in the past")
        if latest - earliest < timedelta(minutes=data.duration_minutes):
            raise InvalidInput("duration_minutes", "is longer than the range of times")
        with self.unit(Permission.BOOK_APPOINTMENTS) as u:
            live_patient(u.session, data.patient_id)
            if data.practitioner_id is not None:
                member = u.session.get(StaffMember, data.practitioner_id)
                if member is None or member.role not in TREATING:
                    raise NotFound("practitioner_id", "practitioner", data.practitioner_id)
            entry = WaitlistEntry(
                patient_id=data.patient_id, practitioner_id=data.practitioner_id,
                earliest=earliest, latest=latest, duration_minutes=data.duration_minutes,
                note=data.note, status="waiting", created_by=self.actor.staff_id,
            )  # fmt: skip
            u.session.add(entry)
            u.session.flush()
            u.audit.record("create", "waitlist_entry", entry.id, patient_id=entry.patient_id)
            return self._out(entry)

    def find(
        self, status: WaitlistStatus | None = "waiting", location_id: int | None = None
    ) -> list[WaitlistOut]:
        """Entries oldest first; ``location_id``: only those a slot there could serve (any
        practitioner, or one who works there). The replica may serve it once caught up."""
        with self.reading(Permission.READ_APPOINTMENTS, replica=True) as u:
            query = (
                select(WaitlistEntry)
                .join(Patient, Patient.id == WaitlistEntry.patient_id)
                .where(Patient.deleted_at.is_(None))
                .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
                .limit(500)
            )
            if status is not None:
                query = query.where(WaitlistEntry.status == status)
            if location_id is not None:
                named = u.session.scalars(
                    query.with_only_columns(WaitlistEntry.practitioner_id)
                    .where(WaitlistEntry.practitioner_id.is_not(None))
                    .order_by(None)
                    .limit(None)
                    .distinct()
                ).all()
                there = working_at(u.session, [i for i in named if i is not None], location_id)
                query = query.where(
                    or_(
                        WaitlistEntry.practitioner_id.is_(None),
                        WaitlistEntry.practitioner_id.in_(there),
                    )
                )
            rows = list(u.session.scalars(query))
            u.audit.listed("waitlist_entry", [e.id for e in rows], [e.patient_id for e in rows])
            return [self._out(e) for e in rows]

    def close(self, entry_id: int, status: Literal["booked", "removed"]) -> WaitlistOut:
        """Take an entry off the list: the patient was booked, or no longer waits."""
        with self.unit(Permission.BOOK_APPOINTMENTS) as u:
            entry = u.session.get(WaitlistEntry, entry_id)
            if entry is None:
                raise NotFound("entry_id", "waitlist entry", entry_id)
            live_patient(u.session, entry.patient_id)
            if entry.status != "waiting":
                raise InvalidInput("entry_id", f"the entry is {entry.status}, not waiting")
            entry.status = status
            u.audit.record(status, "waitlist_entry", entry.id, patient_id=entry.patient_id)
            return self._out(entry)

    def _out(self, entry: WaitlistEntry) -> WaitlistOut:
        out = WaitlistOut.model_validate(entry)
        out.earliest = self.clinic.local(entry.earliest)
        out.latest = self.clinic.local(entry.latest)
        if entry.offered_at is not None:
            out.offered_at = self.clinic.local(entry.offered_at)
        return out
