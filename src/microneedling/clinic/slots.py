"""Free slots: when a visit fits the clinic's hours, a practitioner's hours, and nobody's diary.

Pure functions over plain values (no database), so that the rule a slot must satisfy is
written once, in :func:`clash`, and the finder only ever proposes what :func:`clash` accepts.
Times are aware datetimes; hours are clinic wall-clock times, read in the clinic's zone.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from microneedling.clinic.hours import OpeningHours

#: Appointments start on a five-minute grid [min].
GRID_MINUTES = 5


def grid_minutes(minutes: float) -> int:
    """A visit length rounded up to the booking grid [min]."""
    return math.ceil(minutes / GRID_MINUTES) * GRID_MINUTES


def next_grid(moment: datetime) -> datetime:
    """The first grid time after ``moment`` (a slot starting now can no longer be booked)."""
    step = GRID_MINUTES * 60
    return datetime.fromtimestamp((int(moment.timestamp()) // step + 1) * step, moment.tzinfo)


@dataclass(frozen=True)
class Busy:
    """A stretch of time someone or something is taken: an appointment or an absence."""

    starts_at: datetime
    ends_at: datetime
    what: str = "booked"


@dataclass(frozen=True)
class PractitionerDiary:
    """A practitioner's working hours (``None``: the clinic's opening hours) and busy times."""

    staff_id: int
    name: str
    hours: OpeningHours | None = None
    busy: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class RoomDiary:
    room: str
    busy: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    practitioner_id: int
    room: str


@dataclass(frozen=True)
class Diaries:
    """Everything a slot is checked against."""

    zone: ZoneInfo
    opening: OpeningHours
    practitioners: Sequence[PractitionerDiary]
    rooms: Sequence[RoomDiary]
    #: Times the patient is already booked (a series must not clash with itself).
    patient_busy: tuple[Busy, ...] = field(default=())


def working_window(
    opening: OpeningHours, hours: OpeningHours | None, weekday: int
) -> tuple[time, time] | None:
    """The part of a weekday when the clinic is open and the practitioner works."""
    clinic = opening.days.get(weekday)
    if clinic is None:
        return None
    own = clinic if hours is None else hours.days.get(weekday)
    if own is None:
        return None
    starts, ends = max(clinic[0], own[0]), min(clinic[1], own[1])
    return (starts, ends) if starts < ends else None


def _hhmm(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


def _overlap(busy: Sequence[Busy], starts: datetime, ends: datetime) -> Busy | None:
    for item in busy:
        if item.starts_at < ends and item.ends_at > starts:
            return item
    return None


def clash(
    diaries: Diaries,
    practitioner: PractitionerDiary,
    room: RoomDiary,
    starts: datetime,
    ends: datetime,
) -> str | None:
    """Why a visit from ``starts`` to ``ends`` cannot be had, in words; ``None`` if it can."""
    zone = diaries.zone
    local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
    span = f"{local_start:%a %Y-%m-%d %H:%M}-{local_end:%H:%M}"
    if not diaries.opening.covers(local_start, local_end):
        return f"{span} is outside opening hours ({diaries.opening.describe()})"
    window = working_window(diaries.opening, practitioner.hours, local_start.weekday())
    if window is None or not (window[0] <= local_start.time() and local_end.time() <= window[1]):
        return f"{span} is outside {practitioner.name}'s working hours"
    for who, busy in (
        (practitioner.name, practitioner.busy),
        (room.room, room.busy),
        ("the patient", diaries.patient_busy),
    ):
        taken = _overlap(busy, starts, ends)
        if taken is not None:
            return (
                f"{who} is {taken.what} {_hhmm(taken.starts_at, zone)}-{_hhmm(taken.ends_at, zone)}"
            )
    return None


def _starts_on(day: date, diaries: Diaries, minutes: int) -> Iterator[datetime]:
    """Every grid start on ``day`` that lies inside the clinic's opening hours."""
    hours = diaries.opening.days.get(day.weekday())
    if hours is None:
        return
    opens = datetime.combine(day, hours[0], diaries.zone)
    closes = datetime.combine(day, hours[1], diaries.zone)
    step = timedelta(minutes=GRID_MINUTES)
    moment = opens
    while moment + timedelta(minutes=minutes) <= closes:
        yield moment
        moment += step


def fits(diaries: Diaries, starts: datetime, minutes: int) -> Slot | None:
    """The first practitioner and room (in the diaries' order) free at ``starts``, if any."""
    ends = starts + timedelta(minutes=minutes)
    for practitioner in diaries.practitioners:
        for room in diaries.rooms:
            if clash(diaries, practitioner, room, starts, ends) is None:
                return Slot(starts, ends, practitioner.staff_id, room.room)
    return None


def free_slots(
    diaries: Diaries, earliest: datetime, minutes: int, count: int, last_day: date
) -> list[Slot]:
    """The first ``count`` free slots from ``earliest`` to the end of ``last_day``.

    A slot is a time on the five-minute grid with a practitioner and a room for whom
    :func:`clash` finds nothing; practitioners and rooms are tried in the diaries' order.
    """
    found: list[Slot] = []
    day = earliest.astimezone(diaries.zone).date()
    while day <= last_day and len(found) < count:
        for starts in _starts_on(day, diaries, minutes):
            if starts < earliest:
                continue
            slot = fits(diaries, starts, minutes)
            if slot is not None:
                found.append(slot)
                if len(found) == count:
                    break
        day += timedelta(days=1)
    return found


def nearest_slot(
    diaries: Diaries, day: date, at: time, minutes: int, earliest: datetime
) -> Slot | None:
    """The free slot on ``day`` whose start is nearest to ``at`` (earlier wins a tie)."""
    target = datetime.combine(day, at, diaries.zone)
    candidates = [s for s in _starts_on(day, diaries, minutes) if s >= earliest]
    candidates.sort(key=lambda s: (abs(s - target), s))
    for starts in candidates:
        slot = fits(diaries, starts, minutes)
        if slot is not None:
            return slot
    return None
