"""The clinic's calendar: a day or a week, one column per practitioner, and the free-slot finder.

The calendar shows what the diary holds (appointments that occupy their slot, absences) with
the hours each practitioner works that day: their recorded working hours within the clinic's
opening hours, or the opening hours when none are recorded. The free-slot finder proposes only
slots :func:`microneedling.clinic.slots.clash` accepts.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from microneedling.clinic.clinic import Service
from microneedling.clinic.diary_range import FIRST_DIARY_DAY, LAST_DIARY_DAY
from microneedling.clinic.hours import ClockTime
from microneedling.clinic.models import Appointment, Patient
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.staff_hours import (
    OCCUPYING,
    practitioner_diaries,
    room_diaries,
    treating_member,
)
from microneedling.clinic.slots import Diaries, free_slots, next_grid, working_window
from microneedling.errors import InvalidInput
from microneedling.iso_dates import IsoDate

#: Days the finder looks ahead at most, and slots it returns at most.
MAX_SEARCH_DAYS = 366
MAX_SLOTS = 50


class AbsenceBlock(BaseModel):
    starts_at: datetime
    ends_at: datetime
    reason: str


class PractitionerDay(BaseModel):
    """One practitioner on one day: the hours they work (none: not working) and absences."""

    staff_id: int
    day: date
    works_from: ClockTime | None
    works_until: ClockTime | None
    absences: list[AbsenceBlock]


class CalendarPractitioner(BaseModel):
    staff_id: int
    name: str
    own_hours: bool = Field(description="false: works the clinic's opening hours")


class CalendarEntry(BaseModel):
    appointment_id: int
    patient_id: int
    patient_name: str
    practitioner_id: int
    room: str
    kind: str
    status: str
    plan_id: int | None
    starts_at: datetime
    ends_at: datetime


class CalendarView(BaseModel):
    """Days from ``first_day`` to ``last_day``, in the clinic's zone (``timezone``)."""

    first_day: date
    last_day: date
    timezone: str
    room: str | None
    #: Each day's opening and closing time, or None when closed (a two-item list: the schema
    #: published for a tuple rejected the API's own responses under schemathesis).
    opening: dict[date, Annotated[list[ClockTime], Field(min_length=2, max_length=2)] | None]
    practitioners: list[CalendarPractitioner]
    days: list[PractitionerDay]
    entries: list[CalendarEntry]


class SlotQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(gt=0, le=8 * 60, description="visit length [min]")
    practitioner_id: RecordRef | None = Field(default=None, description="none: anyone")
    room: str | None = Field(default=None, max_length=64, description="none: any room")
    earliest: IsoDate | None = Field(default=None, description="first day to look at; today")
    count: int = Field(default=5, ge=1, le=MAX_SLOTS)
    within_days: int = Field(default=28, ge=1, le=MAX_SEARCH_DAYS)


class SlotOut(BaseModel):
    starts_at: datetime
    ends_at: datetime
    practitioner_id: int
    practitioner_name: str
    room: str


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


class CalendarService(Service):
    def view(self, first_day: date, days: int, room: str | None = None) -> CalendarView:
        """``days`` days from ``first_day``; only appointments in ``room`` when given."""
        last_day = first_day + timedelta(days=days - 1)
        if first_day < FIRST_DIARY_DAY or last_day > LAST_DIARY_DAY:
            raise InvalidInput(
                "day",
                f"the diary runs from {FIRST_DIARY_DAY.isoformat()} to "
                f"{LAST_DIARY_DAY.isoformat()}",
            )
        self._check_room(room)
        zone, opening = self.clinic.zone, self.clinic.settings.hours
        starts = datetime.combine(first_day, time(), zone)
        ends = datetime.combine(last_day + timedelta(days=1), time(), zone)
        dates = [first_day + timedelta(days=i) for i in range(days)]
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            diaries = practitioner_diaries(u.session, self.clinic, starts, ends)
            query = (
                select(Appointment, Patient)
                .join(Patient, Patient.id == Appointment.patient_id)
                .where(
                    Patient.deleted_at.is_(None),
                    Appointment.status.in_(OCCUPYING),
                    Appointment.starts_at < ends,
                    Appointment.ends_at > starts,
                )
                .order_by(Appointment.starts_at, Appointment.id)
            )
            if room is not None:
                query = query.where(Appointment.room == room)
            rows = [(a, p) for a, p in u.session.execute(query)]
            u.audit.listed("appointment", [a.id for a, _ in rows], [p.id for _, p in rows])
            entries = [
                CalendarEntry(
                    appointment_id=a.id, patient_id=p.id,
                    patient_name=f"{p.given_name} {p.family_name}",
                    practitioner_id=a.practitioner_id, room=a.room, kind=a.kind,
                    status=a.status, plan_id=a.plan_id,
                    starts_at=self.clinic.local(a.starts_at), ends_at=self.clinic.local(a.ends_at),
                )
                for a, p in rows
            ]  # fmt: skip
        practitioner_days = []
        for diary in diaries:
            for day in dates:
                window = working_window(opening, diary.hours, day.weekday())
                day_start = datetime.combine(day, time(), zone)
                day_end = day_start + timedelta(days=1)
                practitioner_days.append(
                    PractitionerDay(
                        staff_id=diary.staff_id,
                        day=day,
                        works_from=window[0] if window else None,
                        works_until=window[1] if window else None,
                        absences=[
                            AbsenceBlock(
                                starts_at=self.clinic.local(b.starts_at),
                                ends_at=self.clinic.local(b.ends_at),
                                reason=b.what,
                            )
                            for b in diary.busy
                            if b.what != "booked"
                            and b.starts_at < day_end
                            and b.ends_at > day_start
                        ],
                    )
                )
        return CalendarView(
            first_day=first_day,
            last_day=last_day,
            timezone=self.clinic.settings.timezone,
            room=room,
            opening={day: opening.days.get(day.weekday()) for day in dates},
            practitioners=[
                CalendarPractitioner(
                    staff_id=d.staff_id, name=d.name, own_hours=d.hours is not None
                )
                for d in diaries
            ],
            days=practitioner_days,
            entries=entries,
        )

    def free_slots(self, query: SlotQuery) -> list[SlotOut]:
        """The first free slots from ``query.earliest`` (never before now), inside opening
        hours and the practitioner's working hours, clashing with no appointment or absence of
        the practitioner and no appointment in the room."""
        self._check_room(query.room)
        zone = self.clinic.zone
        now = self.clinic.now()
        first_day = max(query.earliest or self.clinic.today(), self.clinic.today())
        if first_day > LAST_DIARY_DAY:
            raise InvalidInput("earliest", f"the diary runs to {LAST_DIARY_DAY.isoformat()}")
        last_day = min(first_day + timedelta(days=query.within_days - 1), LAST_DIARY_DAY)
        earliest = max(datetime.combine(first_day, time(), zone), next_grid(now))
        ends = datetime.combine(last_day + timedelta(days=1), time(), zone)
        rooms = [query.room] if query.room else list(self.clinic.settings.rooms)
        with self.reading(Permission.READ_APPOINTMENTS) as u:
            staff_ids = None
            if query.practitioner_id is not None:
                treating_member(u.session, query.practitioner_id, "practitioner_id")
                staff_ids = [query.practitioner_id]
            diaries = Diaries(
                zone=zone,
                opening=self.clinic.settings.hours,
                practitioners=practitioner_diaries(
                    u.session, self.clinic, earliest, ends, staff_ids
                ),
                rooms=room_diaries(u.session, rooms, earliest, ends),
            )
        names = {d.staff_id: d.name for d in diaries.practitioners}
        return [
            SlotOut(
                starts_at=s.starts_at, ends_at=s.ends_at, practitioner_id=s.practitioner_id,
                practitioner_name=names[s.practitioner_id], room=s.room,
            )
            for s in free_slots(diaries, earliest, query.minutes, query.count, last_day)
        ]  # fmt: skip

    def _check_room(self, room: str | None) -> None:
        rooms = self.clinic.settings.rooms
        if room is not None and room not in rooms:
            raise InvalidInput("room", f"no room '{room}' (rooms: {', '.join(rooms)})")
