"""Session dates: the start date, then the interval, moved forward onto open days.

A date is only ever moved later, never earlier, so two sessions are always at least the planned
interval apart. With a preferred weekday, a date moves to that weekday and, if the clinic is
closed then, on by whole weeks; without one, it moves to the next open day.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import timedelta

from microneedling.planning.request import WEEKDAYS, Weekday


@dataclass(frozen=True)
class ClinicCalendar:
    """When the clinic is closed, and the patient's preferred weekday."""

    closed_dates: frozenset[dt.date] = frozenset()
    closed_weekdays: frozenset[Weekday] = frozenset()
    preferred_weekday: Weekday | None = None

    def is_open(self, day: dt.date) -> bool:
        return day not in self.closed_dates and WEEKDAYS[day.weekday()] not in self.closed_weekdays


@dataclass(frozen=True)
class BookedDate:
    """A session date, the date the rule gave before moves, and why it moved."""

    date: dt.date
    scheduled_for: dt.date
    moves: list[str] = field(default_factory=list)


def _weekday_name(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()].capitalize()


def next_open_day(scheduled_for: dt.date, calendar: ClinicCalendar) -> BookedDate:
    """The first open day on or after ``scheduled_for`` (on the preferred weekday, if any)."""
    day = scheduled_for
    moves: list[str] = []
    preferred = calendar.preferred_weekday
    if preferred is not None and WEEKDAYS[day.weekday()] != preferred:
        ahead = (WEEKDAYS.index(preferred) - day.weekday()) % 7
        day += timedelta(days=ahead)
        moves.append(
            f"{scheduled_for.isoformat()} moved to {day.isoformat()}: preferred "
            f"weekday {preferred.capitalize()}"
        )
    step = timedelta(days=7 if preferred is not None else 1)
    while not calendar.is_open(day):
        why = (
            "clinic closed" if day in calendar.closed_dates else f"closed on {_weekday_name(day)}s"
        )
        moved = day + step
        moves.append(f"{day.isoformat()} ({why}) moved to {moved.isoformat()}")
        day = moved
    return BookedDate(date=day, scheduled_for=scheduled_for, moves=moves)


def session_dates(
    start: dt.date, count: int, interval_weeks: int, calendar: ClinicCalendar
) -> list[BookedDate]:
    """``count`` session dates from ``start``, each at least ``interval_weeks`` after the last."""
    booked: list[BookedDate] = []
    scheduled_for = start
    for _ in range(count):
        booked.append(next_open_day(scheduled_for, calendar))
        scheduled_for = booked[-1].date + timedelta(weeks=interval_weeks)
    return booked


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))
