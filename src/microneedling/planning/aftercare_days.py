"""The aftercare sheet as a patient reads it: what changes, period by period.

A sheet's instructions each hold from one day to another (day 0 is the day of treatment). Read
as a list per day, the same advice repeats in every block. Here each instruction appears once,
in the period of the day it starts, with the date it ends; and each period says what is no
longer needed from then on. The periods are the reading frame of the sheet (this evening, the
next day, days 2-3, days 4-7, then until the next session), not clinical content: every
instruction keeps exactly the days the knowledge base gives it, shown as dates. Where the
knowledge base marks no change at the start of a period (or cannot split day 0 into the
evening), the timeline says so in :attr:`AftercareTimeline.gaps` instead of inventing a
boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from microneedling.planning.treatment_plan import AftercareSheet, SheetInstruction


@dataclass(frozen=True)
class Period:
    """A stretch of days after the session as the sheet groups them [days from treatment]."""

    first_day: int
    last_day: int | None  # None: until the next session
    title: str


#: The sheet's reading frame. The last period runs until the next session.
PERIODS = (
    Period(0, 0, "This evening"),
    Period(1, 1, "Tomorrow"),
    Period(2, 3, "Days 2 and 3"),
    Period(4, 7, "Days 4 to 7"),
    Period(8, None, "Until your next session"),
)
#: Said of day 0 whatever the knowledge base holds: its days are whole days.
NO_EVENING = (
    "The knowledge base counts whole days: it does not set the evening of the treatment day "
    "apart, so what is listed for this evening holds for the whole of day 0."
)


@dataclass(frozen=True)
class _Placed:
    instruction: SheetInstruction

    @property
    def name(self) -> str:
        """The knowledge base's name for it (its text on sheets stored before names were)."""
        return self.instruction.name or self.instruction.text


@dataclass(frozen=True)
class Starting(_Placed):
    """An instruction in the period it starts: from ``starts_on`` until ``ends_on``
    (inclusive; None: for the whole course)."""

    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class Ending(_Placed):
    """An instruction no longer needed from ``from_date`` (the day after its last day)."""

    from_day: int
    from_date: date


@dataclass(frozen=True)
class SheetPeriod:
    """One period of the sheet: its dates, what starts in it and what stops."""

    period: Period
    first_date: date
    last_date: date | None  # None: the next session's date is not known
    starting: list[Starting] = field(default_factory=list)
    ending: list[Ending] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.period.title

    def holds(self, day: int) -> bool:
        last = self.period.last_day
        return day >= self.period.first_day and (last is None or day <= last)


@dataclass(frozen=True)
class AftercareTimeline:
    """The sheet's instructions placed once each, and what the knowledge base does not say."""

    periods: list[SheetPeriod]
    gaps: list[str]


def _instructions(sheet: AftercareSheet) -> list[SheetInstruction]:
    """Every instruction once (a sheet lists a multi-day instruction on each of its days)."""
    seen: list[SheetInstruction] = []
    for day in sheet.days:
        for item in day.instructions:
            if item not in seen:
                seen.append(item)
    return seen + [i for i in sheet.throughout_course if i not in seen]


def aftercare_timeline(
    sheet: AftercareSheet, next_session: date | None = None
) -> AftercareTimeline:
    """Group ``sheet`` into :data:`PERIODS`, dated from its session (``next_session`` closes
    the last period when known)."""
    start = sheet.session_date

    def on(day: int) -> date:
        return start + timedelta(days=day)

    def last_date(period: Period) -> date | None:
        if period.last_day is not None:
            return on(period.last_day)
        return None if next_session is None else next_session - timedelta(days=1)

    periods = [SheetPeriod(p, on(p.first_day), last_date(p)) for p in PERIODS]

    def period_of(day: int) -> SheetPeriod:
        return next(p for p in reversed(periods) if p.holds(day))

    changes: set[int] = set()
    for item in _instructions(sheet):
        ends = on(item.until_day) if item.until_day is not None else None
        period_of(item.from_day).starting.append(Starting(item, on(item.from_day), ends))
        changes.add(item.from_day)
        if item.until_day is not None:
            lifted = item.until_day + 1
            period_of(lifted).ending.append(Ending(item, lifted, on(lifted)))
            changes.add(lifted)
    gaps = [NO_EVENING]
    for period in periods[1:]:
        first = period.period.first_day
        if first not in changes:
            gaps.append(
                f"The knowledge base marks no change on day {first}: '{period.title}' begins "
                f"there only to read the sheet by."
            )
    for period in periods:
        period.starting.sort(key=lambda s: s.starts_on)
        period.ending.sort(key=lambda e: e.from_day)
    return AftercareTimeline(periods, gaps)
