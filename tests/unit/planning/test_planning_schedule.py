"""Session dates: interval, closed dates, closed weekdays, preferred weekday; month arithmetic."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microneedling.planning.request import WEEKDAYS
from microneedling.planning.schedule import (
    ClinicCalendar,
    add_months,
    next_open_day,
    session_dates,
)

TUESDAY = date(2026, 12, 1)


def test_open_dates_follow_the_interval_exactly() -> None:
    booked = session_dates(TUESDAY, 3, 4, ClinicCalendar())
    assert [b.date for b in booked] == [TUESDAY, date(2026, 12, 29), date(2027, 1, 26)]
    assert all(b.moves == [] for b in booked)


def test_a_closed_date_moves_the_session_to_the_next_open_day() -> None:
    calendar = ClinicCalendar(closed_dates=frozenset({date(2026, 12, 29)}))
    booked = session_dates(TUESDAY, 3, 4, calendar)
    assert [b.date for b in booked] == [TUESDAY, date(2026, 12, 30), date(2027, 1, 27)]
    assert booked[1].scheduled_for == date(2026, 12, 29)
    assert "clinic closed" in booked[1].moves[0]
    # The next interval counts from the day actually booked, so no gap is ever short.
    assert booked[2].scheduled_for == date(2026, 12, 30) + timedelta(weeks=4)


def test_consecutive_closed_dates_and_closed_weekdays_are_all_skipped() -> None:
    calendar = ClinicCalendar(
        closed_dates=frozenset({date(2026, 12, 1), date(2026, 12, 2)}),
        closed_weekdays=frozenset({"thursday"}),
    )
    slot = next_open_day(TUESDAY, calendar)
    assert slot.date == date(2026, 12, 4)  # Friday
    assert len(slot.moves) == 3
    assert "closed on Thursdays" in slot.moves[-1]


def test_preferred_weekday_moves_forward_and_skips_by_weeks() -> None:
    calendar = ClinicCalendar(
        preferred_weekday="thursday", closed_dates=frozenset({date(2026, 12, 3)})
    )
    slot = next_open_day(TUESDAY, calendar)
    assert slot.date == date(2026, 12, 10)
    assert "preferred weekday Thursday" in slot.moves[0]


def test_no_move_when_the_day_is_open_and_preferred() -> None:
    slot = next_open_day(TUESDAY, ClinicCalendar(preferred_weekday="tuesday"))
    assert slot.date == TUESDAY
    assert slot.moves == []


def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert add_months(date(2027, 1, 15), 6) == date(2027, 7, 15)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 3, 31), 12) == date(2028, 3, 31)


@given(
    start=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
    count=st.integers(1, 8),
    interval=st.integers(1, 12),
    closed=st.lists(st.dates(date(2026, 1, 1), date(2033, 12, 31)), max_size=40),
    closed_weekdays=st.sets(st.sampled_from(WEEKDAYS), max_size=5),
    preferred=st.none() | st.sampled_from(WEEKDAYS),
)
def test_dates_are_open_increasing_and_at_least_the_interval_apart(
    start: date,
    count: int,
    interval: int,
    closed: list[date],
    closed_weekdays: set[str],
    preferred: str | None,
) -> None:
    if preferred in closed_weekdays:
        preferred = None
    calendar = ClinicCalendar(
        closed_dates=frozenset(closed),
        closed_weekdays=frozenset(closed_weekdays),  # type: ignore[arg-type]
        preferred_weekday=preferred,  # type: ignore[arg-type]
    )
    booked = session_dates(start, count, interval, calendar)
    assert len(booked) == count
    assert booked[0].date >= start
    for slot in booked:
        assert calendar.is_open(slot.date)
        assert slot.date >= slot.scheduled_for
        assert (slot.moves == []) == (slot.date == slot.scheduled_for)
        if preferred is not None:
            assert WEEKDAYS[slot.date.weekday()] == preferred
    for earlier, later in itertools.pairwise(booked):
        assert later.date - earlier.date >= timedelta(weeks=interval)
