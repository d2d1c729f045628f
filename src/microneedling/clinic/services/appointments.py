"""Appointments: booking within opening hours, without double-booking, at the plan's interval.

An appointment also lies inside the practitioner's working hours (the clinic's opening hours
when none are recorded), outside their absences, and inside the diary's range of days.
Bookings are serialised (:data:`~microneedling.clinic.db.LOCK_BOOKINGS`) so that two desks
cannot book the same room or practitioner at once. A treatment session earlier than the plan's
interval after the previous session of the same plan is refused with the dates. Cancelled and
missed appointments are kept, with who changed them, when and why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service, Unit
from microneedling.clinic.db import LOCK_BOOKINGS
from microneedling.clinic.diary_range import refuse_beyond_diary
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import Place, place_or_default
from microneedling.clinic.messages import sync_appointment_messages
from microneedling.clinic.models import Appointment, Patient, StaffMember
from microneedling.clinic.paging import Page, PageRequest, paginate
from microneedling.clinic.roles import TREATING, Permission
from microneedling.clinic.schemas.appointments import (
    AppointmentFilter,
    AppointmentIn,
    AppointmentOut,
    Status,
    StatusIn,
)
from microneedling.clinic.services.consent_rules import refuse_withdrawn_consent
from microneedling.clinic.services.lookups import (
    current_treatment_plan,
    get_appointment,
    get_plan,
    live_patient,
    zones,
)
from microneedling.clinic.services.staff_hours import refuse_unavailable
from microneedling.clinic.services.waitlist import after_appointment_change
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import LAST_PLANNABLE_DAY

#: Appointments that occupy their slot (a cancelled one frees it; a missed one did occupy it).
OCCUPYING = ("booked", "completed", "no_show")


def _overlapping(session: Session, starts: datetime, ends: datetime) -> list[Appointment]:
    """Occupying appointments overlapping the span, at every location."""
    return list(
        session.scalars(
            select(Appointment).where(
                Appointment.status.in_(OCCUPYING),
                Appointment.starts_at < ends,
                Appointment.ends_at > starts,
            )
        )
    )


class AppointmentService(Service):
    def book(self, data: AppointmentIn) -> AppointmentOut:
        with self.unit(Permission.BOOK_APPOINTMENTS) as u:
            self.clinic.db.lock(u.session, LOCK_BOOKINGS)
            return self.out(self.book_in(u, data), zones(u.session))

    def book_in(self, u: Unit, data: AppointmentIn) -> Appointment:
        """Book inside an open unit of work (the caller holds the bookings lock)."""
        clinic = self.clinic
        place = place_or_default(u.session, data.location_id)
        if not place.active:
            raise RequestRefused("location_id", f"{place.name} no longer takes bookings")
        starts = place.local(data.starts_at)
        ends = starts + timedelta(minutes=data.duration_minutes)
        refuse_beyond_diary(starts, place.zone, "starts_at")
        live_patient(u.session, data.patient_id)
        practitioner = u.session.get(StaffMember, data.practitioner_id)
        if practitioner is None or practitioner.role not in TREATING:
            raise NotFound("practitioner_id", "practitioner", data.practitioner_id)
        if not practitioner.active:
            raise RequestRefused("practitioner_id", f"{practitioner.full_name} is inactive")
        if data.room not in place.rooms:
            raise InvalidInput(
                "room", f"no room '{data.room}' at {place.name} (rooms: {', '.join(place.rooms)})"
            )
        if starts <= clinic.now():
            raise RequestRefused("starts_at", "is in the past")
        hours = place.hours
        if not hours.covers(starts, ends):
            raise RequestRefused(
                "starts_at",
                f"{starts:%a %Y-%m-%d %H:%M}-{ends:%H:%M} is outside opening hours "
                f"({hours.describe()})",
            )
        refuse_unavailable(u.session, place, practitioner, starts, ends)
        self._check_free(u.session, data, place, starts, ends)
        if data.kind == "session":
            self._check_session(u.session, data, starts)
        elif data.plan_id is not None:
            get_plan(u.session, data.plan_id)
        appointment = Appointment(
            patient_id=data.patient_id,
            practitioner_id=data.practitioner_id,
            location_id=place.id,
            room=data.room,
            kind=data.kind,
            plan_id=data.plan_id,
            starts_at=starts,
            ends_at=ends,
            note=data.note,
            created_by=self.actor.staff_id,
        )
        u.session.add(appointment)
        u.session.flush()
        u.audit.record(
            "create", "appointment", appointment.id, patient_id=data.patient_id,
            detail={"kind": data.kind},
        )  # fmt: skip
        sync_appointment_messages(u.session, clinic, appointment)
        return appointment

    def _check_free(
        self, session: Session, data: AppointmentIn, place: Place, starts: datetime,
        ends: datetime,
    ) -> None:  # fmt: skip
        for other in _overlapping(session, starts, ends):
            local = place.local
            when = f"{local(other.starts_at):%Y-%m-%d %H:%M}-{local(other.ends_at):%H:%M}"
            if other.practitioner_id == data.practitioner_id:
                raise RequestRefused(
                    "practitioner_id", f"the practitioner is already booked {when}"
                )
            if other.location_id == place.id and other.room == data.room:
                raise RequestRefused("room", f"{data.room} is already booked {when}")
            if other.patient_id == data.patient_id:
                raise RequestRefused("patient_id", f"the patient is already booked {when}")

    def _check_session(self, session: Session, data: AppointmentIn, starts: datetime) -> None:
        if data.plan_id is None:
            raise InvalidInput("plan_id", "a treatment session needs the plan it belongs to")
        plan = get_plan(session, data.plan_id)
        if plan.patient_id != data.patient_id:
            raise InvalidInput("plan_id", "the plan belongs to another patient")
        if plan.status == "cancelled":
            raise RequestRefused("plan_id", "the plan is cancelled")
        refuse_withdrawn_consent(session, plan.id, "plan_id")
        treatment = current_treatment_plan(session, plan)
        # Counted in clinic days, not to the minute: four weeks after a session at 14:00 may
        # be booked at 10:00.
        interval = timedelta(weeks=treatment.interval_weeks.value)
        day = self.clinic.local(starts).date()
        sessions = list(
            session.scalars(
                select(Appointment)
                .where(
                    Appointment.plan_id == plan.id,
                    Appointment.kind == "session",
                    Appointment.status.in_(("booked", "completed")),
                )
                .order_by(Appointment.starts_at)
            )
        )
        if len(sessions) >= treatment.session_count.value:
            raise RequestRefused(
                "plan_id", f"the plan has {treatment.session_count.value} sessions, all booked"
            )
        for other in sessions:
            other_day = self.clinic.local(other.starts_at).date()
            if abs(day - other_day) < interval:
                earliest = other_day + interval
                direction = "after" if other.starts_at < starts else "before"
                raise RequestRefused(
                    "starts_at",
                    f"the plan's interval is {treatment.interval_weeks.value} weeks "
                    f"({treatment.interval_weeks.reason}); the session {direction} this one is "
                    f"on {other_day.isoformat()}, so the earliest date after it is "
                    f"{earliest.isoformat()}",
                )

    def _set_status(
        self,
        appointment_id: int,
        status: Status,
        reason: str | None,
        check: Callable[[Appointment], None] | None = None,
    ) -> AppointmentOut:
        with self.unit(Permission.BOOK_APPOINTMENTS) as u:
            appointment = get_appointment(u.session, appointment_id)
            if appointment.status != "booked":
                raise RequestRefused(
                    "appointment_id", f"the appointment is {appointment.status}, not booked"
                )
            if check is not None:
                check(appointment)
            appointment.status = status
            appointment.status_changed_at = self.clinic.now()
            appointment.status_changed_by = self.actor.staff_id
            appointment.status_reason = reason
            after_appointment_change(u.session, self.clinic, appointment)
            u.audit.record(
                status, "appointment", appointment.id, patient_id=appointment.patient_id,
                detail={"reason": reason},
            )  # fmt: skip
            return self.out(appointment, zones(u.session))

    def cancel(self, appointment_id: int, data: StatusIn) -> AppointmentOut:
        return self._set_status(appointment_id, "cancelled", data.reason)

    def no_show(self, appointment_id: int, data: StatusIn) -> AppointmentOut:
        def started(appointment: Appointment) -> None:
            if appointment.starts_at > self.clinic.now():
                raise RequestRefused("appointment_id", "the appointment has not started yet")

        return self._set_status(appointment_id, "no_show", data.reason, started)

    def complete(self, appointment_id: int) -> AppointmentOut:
        """Consultations and follow-ups; a session completes with its treatment record."""

        def not_a_session(appointment: Appointment) -> None:
            if appointment.kind == "session":
                raise RequestRefused(
                    "appointment_id", "a session is completed by recording the treatment"
                )

        return self._set_status(appointment_id, "completed", None, not_a_session)

    def get(self, appointment_id: int) -> AppointmentOut:
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            appointment = get_appointment(u.session, appointment_id)
            u.audit.read("appointment", appointment.id, appointment.patient_id)
            return self.out(appointment, zones(u.session))

    def find(self, where: AppointmentFilter, page: PageRequest) -> Page[AppointmentOut]:
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            query = (
                select(Appointment)
                .join(Patient, Patient.id == Appointment.patient_id)
                .where(Patient.deleted_at.is_(None))
            )
            for column, value in (
                (Appointment.patient_id, where.patient_id),
                (Appointment.practitioner_id, where.practitioner_id),
                (Appointment.location_id, where.location_id),
                (Appointment.room, where.room),
                (Appointment.kind, where.kind),
                (Appointment.status, where.status),
            ):
                if value is not None:
                    query = query.where(column == value)
            if where.starts_from is not None:
                query = query.where(Appointment.starts_at >= self.clinic.local(where.starts_from))
            if where.starts_before is not None:
                query = query.where(Appointment.starts_at < self.clinic.local(where.starts_before))
            rows: list[Appointment]
            rows, total = paginate(u.session, query, page, Appointment.starts_at, Appointment.id)
            u.audit.listed("appointment", [a.id for a in rows], [a.patient_id for a in rows])
            by_location = zones(u.session)
            items = [self.out(a, by_location) for a in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def day(self, day: date, location_id: int | None = None) -> list[AppointmentOut]:
        """One location's diary for one of its local days, every room (default location
        when none is named)."""
        if day > LAST_PLANNABLE_DAY:
            raise InvalidInput("day", f"the diary is kept up to {LAST_PLANNABLE_DAY.isoformat()}")
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            place = place_or_default(u.session, location_id)
        start = datetime.combine(day, datetime.min.time(), place.zone)
        page = self.find(
            AppointmentFilter(
                location_id=place.id, starts_from=start, starts_before=start + timedelta(days=1)
            ),
            PageRequest(limit=200),
        )
        return page.items

    def out(self, appointment: Appointment, by_location: dict[int, ZoneInfo]) -> AppointmentOut:
        """The appointment with its times in its location's zone."""
        out = AppointmentOut.model_validate(appointment)
        zone = by_location.get(appointment.location_id, self.clinic.zone)
        out.starts_at = appointment.starts_at.astimezone(zone)
        out.ends_at = appointment.ends_at.astimezone(zone)
        return out
