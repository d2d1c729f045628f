"""The calendar (a day or a week, every practitioner), the free-slot finder, practitioners'
working hours and absences."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.diary_range import FIRST_DIARY_DAY, LAST_DIARY_DAY
from microneedling.clinic.services.calendar import (
    CalendarService,
    CalendarView,
    SlotOut,
    SlotQuery,
    week_start,
)
from microneedling.clinic.services.staff_hours import (
    AbsenceIn,
    AbsenceOut,
    StaffHoursService,
    WorkingHoursIn,
    WorkingHoursOut,
)
from microneedling.iso_dates import ISO_DATE, DaysWithin, IsoDateTime
from microneedling.web.deps import RecordId, RecordIdFilter, service

router = APIRouter(tags=["calendar"])
Calendar = Annotated[CalendarService, Depends(service(CalendarService))]
StaffHours = Annotated[StaffHoursService, Depends(service(StaffHoursService))]
Day = Annotated[
    date, Query(description="YYYY-MM-DD"), DaysWithin(FIRST_DIARY_DAY, LAST_DIARY_DAY), ISO_DATE
]
Room = Annotated[str | None, Query(max_length=64, description="only this room's appointments")]


@router.get("/calendar/day", summary="One location's day: hours, absences, appointments")
def calendar_day_view(
    calendar: Calendar, day: Day, room: Room = None, location_id: RecordIdFilter = None
) -> CalendarView:
    return calendar.view(day, 1, room, location_id)


@router.get("/calendar/week", summary="The week (Monday to Sunday) that holds a day")
def calendar_week_view(
    calendar: Calendar, day: Day, room: Room = None, location_id: RecordIdFilter = None
) -> CalendarView:
    return calendar.view(week_start(day), 7, room, location_id)


@router.get("/calendar/free-slots", summary="The first free slots for a visit")
def free_slots(calendar: Calendar, query: Annotated[SlotQuery, Query()]) -> list[SlotOut]:
    return calendar.free_slots(query)


@router.get("/working-hours", summary="Practitioners' working hours, by weekday")
def list_working_hours(hours: StaffHours, staff_id: RecordIdFilter = None) -> list[WorkingHoursOut]:
    return hours.hours(staff_id)


@router.post("/working-hours", summary="Set a practitioner's hours on one weekday (replaces)")
def set_working_hours(body: WorkingHoursIn, hours: StaffHours) -> WorkingHoursOut:
    return hours.set_hours(body)


@router.delete(
    "/working-hours/{hours_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a weekday's hours",
)
def delete_working_hours(hours_id: RecordId, hours: StaffHours) -> None:
    hours.delete_hours(hours_id)


@router.get("/absences", summary="Practitioners' absences, in start order")
def list_absences(
    hours: StaffHours,
    staff_id: RecordIdFilter = None,
    ends_after: Annotated[IsoDateTime | None, Query()] = None,
) -> list[AbsenceOut]:
    return hours.absences(staff_id, ends_after)


@router.post("/absences", status_code=status.HTTP_201_CREATED, summary="Record an absence")
def add_absence(body: AbsenceIn, hours: StaffHours) -> AbsenceOut:
    return hours.add_absence(body)


@router.delete(
    "/absences/{absence_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove an absence"
)
def delete_absence(absence_id: RecordId, hours: StaffHours) -> None:
    hours.delete_absence(absence_id)
