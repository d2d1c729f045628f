"""The calendar's table: quarter-hour rows, a column per practitioner and day, blocks spanning
their rows, overlapping appointments sharing one block, cells shaded by hours and absences."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from microneedling.clinic.services.calendar import (
    AbsenceBlock,
    CalendarEntry,
    CalendarPractitioner,
    CalendarView,
    PractitionerDay,
)
from microneedling.web.pages._calendar_grid import layout

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2027, 3, 2)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), BERLIN)


def _entry(n: int, starts: datetime, ends: datetime, staff_id: int = 1) -> CalendarEntry:
    return CalendarEntry(
        appointment_id=n, patient_id=n, patient_name=f"P{n}", practitioner_id=staff_id,
        room="room-1", kind="consultation", status="booked", plan_id=None,
        starts_at=starts, ends_at=ends,
    )  # fmt: skip


def _view(entries: list[CalendarEntry]) -> CalendarView:
    return CalendarView(
        first_day=DAY, last_day=DAY, location_id=1, location_name="Main",
        timezone="Europe/Berlin", room=None,
        opening={DAY: (time(9), time(12))},
        practitioners=[CalendarPractitioner(staff_id=1, name="Pia", own_hours=True),
                       CalendarPractitioner(staff_id=2, name="Mona", own_hours=False)],
        days=[
            PractitionerDay(staff_id=1, day=DAY, works_from=time(10), works_until=time(12),
                            absences=[AbsenceBlock(starts_at=_at(11), ends_at=_at(11, 30),
                                                   reason="away (training)")]),
            PractitionerDay(staff_id=2, day=DAY, works_from=time(9), works_until=time(12),
                            absences=[]),
        ],
        entries=entries,
    )  # fmt: skip


def test_rows_columns_and_shading() -> None:
    grid = layout(_view([]))
    assert grid.times[0] == time(9) and grid.times[-1] == time(11, 45)  # noqa: PT018
    assert [c.name for c in grid.columns] == ["Pia", "Mona"]
    shades = [row[0].shade for row in grid.cells]
    assert shades == ["open"] * 4 + ["working"] * 4 + ["away"] * 2 + ["working"] * 2
    assert {row[1].shade for row in grid.cells} == {"working"}


def test_a_block_spans_its_rows_and_overlaps_share_one() -> None:
    grid = layout(
        _view([
            _entry(1, _at(9, 0), _at(9, 40)),
            _entry(2, _at(10, 5), _at(10, 20)),
            _entry(3, _at(10, 20), _at(10, 35)),
            _entry(4, _at(9, 0), _at(9, 15), staff_id=2),
        ])
    )  # fmt: skip
    first = grid.cells[0][0].block
    assert first is not None
    assert first.rows == 3  # 09:00-09:40 covers the 09:00, 09:15 and 09:30 rows
    assert [grid.cells[r][0].covered for r in (1, 2, 3)] == [True, True, False]
    shared = grid.cells[4][0].block  # 10:05-10:20 and 10:20-10:35 both touch the 10:15 row
    assert shared is not None
    assert [e.appointment_id for e in shared.entries] == [2, 3]
    assert shared.rows == 3
    other = grid.cells[0][1].block
    assert other is not None
    assert [e.appointment_id for e in other.entries] == [4]
    assert other.rows == 1
