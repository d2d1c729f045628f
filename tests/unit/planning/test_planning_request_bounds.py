"""What a plan request may ask for: dates the planner can count from."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from planning_factories import cap, eligible, request
from pydantic import ValidationError

from microneedling.knowledge import KnowledgeBase
from microneedling.planning import LAST_PLANNABLE_DAY, make_plan
from microneedling.planning.schedule import ClinicCalendar, add_months, session_dates

CHEEKS = {"site": "cheeks", "concerns": [("fine_lines", "moderate")]}


@pytest.mark.parametrize("start", [date(2101, 1, 1), date(9999, 12, 31)])
def test_a_start_past_the_last_plannable_day_is_refused(start: date) -> None:
    with pytest.raises(ValidationError) as refused:
        request(CHEEKS, start_date=start)
    (error,) = refused.value.errors()
    assert error["loc"] == ("start_date",)
    assert "2100-12-31" in error["msg"]


def test_a_course_starting_on_the_last_plannable_day_is_planned(kb: KnowledgeBase) -> None:
    assert date(2100, 12, 31) == LAST_PLANNABLE_DAY
    plan = make_plan(
        request(CHEEKS, start_date=LAST_PLANNABLE_DAY, sessions=5, interval_weeks=6),
        eligible(cap(1.2, ["cheeks"])),
        kb,
        date(2100, 12, 1),
    )
    assert plan.sessions[0].date >= LAST_PLANNABLE_DAY
    assert plan.sessions[-1].date.year == 2101
    assert all(d > plan.sessions[-1].date for d in plan.maintenance.dates)


def test_the_longest_course_the_request_allows_fits_in_the_calendar() -> None:
    # 12 sessions 26 weeks apart (RequestedCourse's upper limits) from the last plannable day.
    dates = session_dates(LAST_PLANNABLE_DAY, 12, 26, ClinicCalendar())
    assert dates[-1].date == LAST_PLANNABLE_DAY + timedelta(weeks=26 * 11)
    assert add_months(dates[-1].date, 24).year == 2108


@pytest.mark.parametrize("depth_mm", [math.nan, math.inf, -math.inf])
def test_a_depth_that_is_not_a_number_is_refused_as_such(depth_mm: float) -> None:
    with pytest.raises(ValidationError) as refused:
        request({**CHEEKS, "depth_mm": depth_mm})
    (error,) = refused.value.errors()
    assert error["loc"] == ("areas", 0, "depth_mm")
    assert error["msg"] == "Input should be a finite number"
