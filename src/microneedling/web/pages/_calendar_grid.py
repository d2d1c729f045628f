"""Laying out a calendar view as a table: a row per quarter hour, a column per practitioner
(per day, in the week), appointments as blocks spanning their rows.

Only layout lives here; what is booked, who works when and who is away come from
:class:`~microneedling.clinic.services.calendar.CalendarService`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from microneedling.clinic.services.calendar import CalendarEntry, CalendarView

#: One table row per this many minutes.
ROW_MINUTES = 15
#: Hours shown on a day the clinic is closed all week.
FALLBACK_HOURS = (time(9, 0), time(17, 0))


@dataclass
class Block:
    """Appointments drawn as one block (overlapping ones, after rounding to rows, share it)."""

    entries: list[CalendarEntry]
    rows: int


@dataclass
class Cell:
    """``shade``: closed, open (clinic open, practitioner not working), working or away."""

    shade: str
    block: Block | None = None
    covered: bool = False


@dataclass
class Column:
    day: date
    staff_id: int
    name: str


@dataclass
class Grid:
    days: list[date]
    columns: list[Column]
    times: list[time]
    cells: list[list[Cell]] = field(default_factory=list)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _row_of(moment: datetime, day: date, first: int, rows: int, up: bool) -> int:
    """The row a moment falls in (rounded down, or up for an end), clipped to the day."""
    if moment.date() < day:
        return 0
    if moment.date() > day:
        return rows
    minutes = _minutes(moment.time()) - first
    index = -(-minutes // ROW_MINUTES) if up else minutes // ROW_MINUTES
    return max(0, min(rows, index))


def layout(view: CalendarView) -> Grid:
    days = [
        view.first_day + timedelta(days=i) for i in range((view.last_day - view.first_day).days + 1)
    ]
    hours = [h for h in view.opening.values() if h is not None]
    opens, closes = (
        (min(h[0] for h in hours), max(h[1] for h in hours)) if hours else FALLBACK_HOURS
    )
    first = _minutes(opens) - _minutes(opens) % ROW_MINUTES
    rows = -(-(_minutes(closes) - first) // ROW_MINUTES)
    times = [
        time((first + i * ROW_MINUTES) // 60, (first + i * ROW_MINUTES) % 60) for i in range(rows)
    ]
    names = {p.staff_id: p.name for p in view.practitioners}
    columns = [
        Column(day, p.staff_id, names[p.staff_id]) for day in days for p in view.practitioners
    ]
    own = {(d.staff_id, d.day): d for d in view.days}
    grid = Grid(days, columns, times, [[Cell("closed") for _ in columns] for _ in range(rows)])
    for c, column in enumerate(columns):
        opening = view.opening.get(column.day)
        mine = own.get((column.staff_id, column.day))
        for r, start in enumerate(times):
            minute = _minutes(start)
            cell = grid.cells[r][c]
            if opening and _minutes(opening[0]) <= minute < _minutes(opening[1]):
                cell.shade = "open"
            if (
                mine
                and mine.works_from
                and mine.works_until
                and _minutes(mine.works_from) <= minute < _minutes(mine.works_until)
            ):
                cell.shade = "working"
        if mine:
            for absence in mine.absences:
                low = _row_of(absence.starts_at, column.day, first, rows, up=False)
                high = _row_of(absence.ends_at, column.day, first, rows, up=True)
                for r in range(low, high):
                    grid.cells[r][c].shade = "away"
        spans: list[tuple[int, int, CalendarEntry]] = []
        for entry in view.entries:
            if entry.practitioner_id != column.staff_id or entry.starts_at.date() != column.day:
                continue
            low = min(_row_of(entry.starts_at, column.day, first, rows, up=False), rows - 1)
            high = max(_row_of(entry.ends_at, column.day, first, rows, up=True), low + 1)
            spans.append((low, high, entry))
        _place(grid, c, spans)
    return grid


def _place(grid: Grid, column: int, spans: list[tuple[int, int, CalendarEntry]]) -> None:
    """Put each run of overlapping spans into one block at its first row."""
    spans.sort(key=lambda s: (s[0], s[1]))
    merged: list[tuple[int, int, list[CalendarEntry]]] = []
    for low, high, entry in spans:
        if merged and low < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], high), [*last[2], entry])
        else:
            merged.append((low, high, [entry]))
    for low, high, entries in merged:
        high = min(high, len(grid.cells))
        grid.cells[low][column].block = Block(entries, high - low)
        for r in range(low + 1, high):
            grid.cells[r][column].covered = True
