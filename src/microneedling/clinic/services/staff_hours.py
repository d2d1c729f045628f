"""Practitioners' working hours (per weekday) and absences, and the diaries built from them.

A practitioner with no working hours recorded works the clinic's opening hours; one with
hours recorded works only on the weekdays recorded, and never outside opening hours. Admins
and the front desk keep these records; everyone who reads the diary reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.diary_range import refuse_beyond_diary
from microneedling.clinic.errors import NotFound
from microneedling.clinic.hours import ClockTime, OpeningHours
from microneedling.clinic.locations import Place, working_at, works_at
from microneedling.clinic.models import Absence, Appointment, StaffMember, WorkingHours
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.roles import TREATING, Permission
from microneedling.clinic.slots import Busy, PractitionerDiary, RoomDiary, working_window
from microneedling.clinic.text import ShortText
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.iso_dates import IsoDateTime
from microneedling.planning import Weekday
from microneedling.planning.request import WEEKDAYS

#: The longest absence recorded in one piece [days]; longer leave is recorded in parts.
MAX_ABSENCE_DAYS = 366
#: Appointments that occupy their slot (a cancelled one frees it; a missed one did occupy it).
OCCUPYING = ("booked", "completed", "no_show")


class WorkingHoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: RecordRef
    weekday: Weekday
    starts: time = Field(description="clinic wall-clock time, HH:MM")
    ends: time = Field(description="clinic wall-clock time, HH:MM, after starts")

    @model_validator(mode="after")
    def _ends_after_starts(self) -> Self:
        if self.ends <= self.starts:
            raise ValueError("ends must be after starts")
        return self


class WorkingHoursOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    weekday: Weekday
    starts: ClockTime
    ends: ClockTime


class AbsenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: RecordRef
    starts_at: IsoDateTime = Field(description="local clinic time if no zone is given")
    ends_at: IsoDateTime = Field(description="local clinic time if no zone is given")
    reason: ShortText
    note: ShortText | None = None


class AbsenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    note: str | None


def treating_member(session: Session, staff_id: int, field: str = "staff_id") -> StaffMember:
    """An active practitioner or medical director, or a refusal naming ``field``."""
    member = session.get(StaffMember, staff_id)
    if member is None or member.role not in TREATING:
        raise NotFound(field, "practitioner", staff_id)
    if not member.active:
        raise InvalidInput(field, f"{member.full_name} is inactive")
    return member


def own_hours(session: Session, staff_id: int) -> OpeningHours | None:
    """The practitioner's recorded hours; ``None`` when none are (the clinic's hours apply)."""
    rows = session.scalars(select(WorkingHours).where(WorkingHours.staff_id == staff_id))
    return _hours_of(list(rows))


def _hours_of(rows: list[WorkingHours]) -> OpeningHours | None:
    if not rows:
        return None
    return OpeningHours({row.weekday: (row.starts, row.ends) for row in rows})


def practitioner_diaries(
    session: Session,
    clinic: Clinic,
    starts: datetime,
    ends: datetime,
    staff_ids: Sequence[int] | None = None,
    location_id: int | None = None,
) -> list[PractitionerDiary]:
    """Working hours, appointments and absences of active practitioners between two moments,
    in name order (only ``staff_ids``, in that order, when given; only those who work at
    ``location_id`` when given). Their appointments at every location keep them busy."""
    query = select(StaffMember).where(
        StaffMember.role.in_([r.value for r in TREATING]), StaffMember.active
    )
    members = list(session.scalars(query.order_by(StaffMember.full_name, StaffMember.id)))
    if location_id is not None:
        here = working_at(session, [m.id for m in members], location_id)
        members = [m for m in members if m.id in here]
    if staff_ids is not None:
        by_id = {m.id: m for m in members}
        members = [by_id[i] for i in staff_ids if i in by_id]
    # Three queries for everyone, not three per practitioner: every appointment in the range
    # once (before, each practitioner read them all again), absences and hours by staff id.
    ids = [m.id for m in members]
    booked = _appointments(session, starts, ends)
    away: dict[int, list[Absence]] = {}
    for absence in session.scalars(
        select(Absence).where(
            Absence.staff_id.in_(ids), Absence.starts_at < ends, Absence.ends_at > starts
        )
    ):
        away.setdefault(absence.staff_id, []).append(absence)
    hours: dict[int, list[WorkingHours]] = {}
    for row in session.scalars(select(WorkingHours).where(WorkingHours.staff_id.in_(ids))):
        hours.setdefault(row.staff_id, []).append(row)
    diaries = []
    for member in members:
        busy = [
            Busy(a.starts_at, a.ends_at, "booked") for a in booked if a.practitioner_id == member.id
        ]
        busy += [
            Busy(a.starts_at, a.ends_at, f"away ({a.reason})") for a in away.get(member.id, [])
        ]
        diaries.append(
            PractitionerDiary(
                member.id, member.full_name, _hours_of(hours.get(member.id, [])), tuple(busy)
            )
        )
    return diaries


def room_diaries(
    session: Session, location_id: int, rooms: Sequence[str], starts: datetime, ends: datetime
) -> list[RoomDiary]:
    """The busy times of a location's rooms (room names are the location's own)."""
    booked = [a for a in _appointments(session, starts, ends) if a.location_id == location_id]
    return [
        RoomDiary(room, tuple(Busy(a.starts_at, a.ends_at) for a in booked if a.room == room))
        for room in rooms
    ]


def _appointments(session: Session, starts: datetime, ends: datetime) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment).where(
                Appointment.status.in_(OCCUPYING),
                Appointment.starts_at < ends,
                Appointment.ends_at > starts,
            )
        )
    )


class StaffHoursService(Service):
    """Working hours and absences: admins and the front desk keep them, the diary reads them."""

    def hours(self, staff_id: int | None = None) -> list[WorkingHoursOut]:
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            query = select(WorkingHours).order_by(WorkingHours.staff_id, WorkingHours.weekday)
            if staff_id is not None:
                query = query.where(WorkingHours.staff_id == staff_id)
            return [self._hours_out(row) for row in u.session.scalars(query)]

    def set_hours(self, data: WorkingHoursIn) -> WorkingHoursOut:
        """Record (or replace) the practitioner's hours on one weekday."""
        with self.unit(Permission.MANAGE_STAFF_HOURS) as u:
            treating_member(u.session, data.staff_id)
            weekday = WEEKDAYS.index(data.weekday)
            row = u.session.scalar(
                select(WorkingHours).where(
                    WorkingHours.staff_id == data.staff_id, WorkingHours.weekday == weekday
                )
            )
            action = "update"
            if row is None:
                action = "create"
                row = WorkingHours(
                    staff_id=data.staff_id, weekday=weekday, created_by=self.actor.staff_id
                )
                u.session.add(row)
            row.starts, row.ends = data.starts, data.ends
            u.session.flush()
            u.audit.record(
                action, "working_hours", row.id,
                detail={"staff_id": data.staff_id, "weekday": data.weekday},
            )  # fmt: skip
            return self._hours_out(row)

    def delete_hours(self, hours_id: int) -> None:
        with self.unit(Permission.MANAGE_STAFF_HOURS) as u:
            row = u.session.get(WorkingHours, hours_id)
            if row is None:
                raise NotFound("hours_id", "working hours", hours_id)
            u.session.delete(row)
            u.audit.record("delete", "working_hours", hours_id, detail={"staff_id": row.staff_id})

    def absences(
        self, staff_id: int | None = None, ends_after: datetime | None = None
    ) -> list[AbsenceOut]:
        """Absences in start order; only those ending after ``ends_after`` when given."""
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            query = select(Absence).order_by(Absence.starts_at, Absence.id)
            if staff_id is not None:
                query = query.where(Absence.staff_id == staff_id)
            if ends_after is not None:
                query = query.where(Absence.ends_at > self.clinic.local(ends_after))
            return [self._absence_out(row) for row in u.session.scalars(query.limit(500))]

    def add_absence(self, data: AbsenceIn) -> AbsenceOut:
        starts, ends = self.clinic.local(data.starts_at), self.clinic.local(data.ends_at)
        if ends <= starts:
            raise InvalidInput("ends_at", "must be after the start")
        if ends - starts > timedelta(days=MAX_ABSENCE_DAYS):
            raise InvalidInput(
                "ends_at", f"an absence is recorded in parts of at most {MAX_ABSENCE_DAYS} days"
            )
        refuse_beyond_diary(starts, self.clinic.zone, "starts_at")
        refuse_beyond_diary(ends, self.clinic.zone, "ends_at")
        with self.unit(Permission.MANAGE_STAFF_HOURS) as u:
            treating_member(u.session, data.staff_id)
            row = Absence(
                staff_id=data.staff_id,
                starts_at=starts,
                ends_at=ends,
                reason=data.reason,
                note=data.note,
                created_by=self.actor.staff_id,
            )
            u.session.add(row)
            u.session.flush()
            u.audit.record("create", "absence", row.id, detail={"staff_id": data.staff_id})
            return self._absence_out(row)

    def delete_absence(self, absence_id: int) -> None:
        with self.unit(Permission.MANAGE_STAFF_HOURS) as u:
            row = u.session.get(Absence, absence_id)
            if row is None:
                raise NotFound("absence_id", "absence", absence_id)
            u.session.delete(row)
            u.audit.record("delete", "absence", absence_id, detail={"staff_id": row.staff_id})

    def _hours_out(self, row: WorkingHours) -> WorkingHoursOut:
        return WorkingHoursOut(
            id=row.id, staff_id=row.staff_id, weekday=WEEKDAYS[row.weekday],
            starts=row.starts, ends=row.ends,
        )  # fmt: skip

    def _absence_out(self, row: Absence) -> AbsenceOut:
        out = AbsenceOut.model_validate(row)
        out.starts_at = self.clinic.local(row.starts_at)
        out.ends_at = self.clinic.local(row.ends_at)
        return out


def refuse_unavailable(
    session: Session, place: Place, member: StaffMember, starts: datetime, ends: datetime
) -> None:
    """Refuse a visit at ``place`` outside the practitioner's working hours (wall-clock time
    there, within its opening hours), during an absence, or where they are not assigned."""
    if not works_at(session, member.id, place.id):
        raise RequestRefused("practitioner_id", f"{member.full_name} does not work at {place.name}")
    opening = place.hours
    hours = own_hours(session, member.id)
    local_start, local_end = place.local(starts), place.local(ends)
    window = working_window(opening, hours, local_start.weekday())
    if window is None or not (window[0] <= local_start.time() and local_end.time() <= window[1]):
        works = "the clinic's opening hours" if hours is None else hours.describe()
        raise RequestRefused(
            "starts_at",
            f"{local_start:%a %Y-%m-%d %H:%M}-{local_end:%H:%M} is outside "
            f"{member.full_name}'s working hours ({works})",
        )
    absence = session.scalar(
        select(Absence).where(
            Absence.staff_id == member.id, Absence.starts_at < ends, Absence.ends_at > starts
        )
    )
    if absence is not None:
        raise RequestRefused(
            "practitioner_id",
            f"{member.full_name} is away ({absence.reason}) "
            f"{place.local(absence.starts_at):%Y-%m-%d %H:%M}-"
            f"{place.local(absence.ends_at):%Y-%m-%d %H:%M}",
        )
