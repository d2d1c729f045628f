"""Every headline figure is shown with its band (model/summary.py)."""

from __future__ import annotations

import datetime as dt
import math

from microneedling.model import Course, simulate_cohort, simulate_course
from microneedling.model.summary import Ranged, summarise


def test_ranged_text_shows_the_band_and_an_open_end() -> None:
    assert Ranged(2.04, 1.0, 3.5).text(".1f", " days") == "2.0 days (5–95 %: 1.0–3.5 days)"
    assert Ranged(200.0, 150.0, math.inf).text(".0f", " days") == (
        "200 days (5–95 %: 150 days–beyond the horizon)"
    )
    assert Ranged(math.inf, 232.0, math.inf).text(".0f", " days") == (
        "beyond the horizon (5–95 %: 232 days–beyond the horizon)"
    )


def test_summary_holds_each_figure_inside_or_near_its_band() -> None:
    course = Course.repeated(dt.date(2026, 3, 2), "pen", 1.5, 3, 4, 28, concern="wrinkles")
    result = simulate_course(course)
    cohort = simulate_cohort(course, 400, hourly=False, workers=1)
    s = summarise(result, cohort)
    assert len(s.redness_days) == len(s.bleeding_pct) == 4
    for r in (
        s.improvement_pct,
        s.grade_change,
        *s.redness_days,
        s.collagen_pct,
        s.epidermis_change_pct,
    ):
        assert r.low <= r.high
        # The nominal patient sits within the cohort's 5-95 % range.
        assert r.low <= r.value <= r.high


def test_maintenance_is_said_in_words_when_no_fade_falls_within_the_horizon() -> None:
    course = Course.repeated(dt.date(2026, 3, 2), "pen", 1.5, 3, 4, 28, concern="wrinkles")
    s = summarise(simulate_course(course), simulate_cohort(course, 200, hourly=False, workers=1))
    held = s.__class__(**{**s.__dict__, "maintenance_days_after_last": Ranged(*[math.inf] * 3)})
    assert held.maintenance_text().startswith("not due within the simulated horizon")
    due = s.__class__(**{**s.__dict__, "maintenance_days_after_last": Ranged(300, 250, 400)})
    assert due.maintenance_text() == ("due 300 days (5–95 %: 250–400 days) after the last session")
