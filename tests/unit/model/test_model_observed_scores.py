"""Recorded scores against the cohort's band of expected grades (model/observed.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from microneedling.model import Course, simulate_cohort, simulate_course
from microneedling.model.observed import grade_band, scores_against_band

START = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def course_and_band() -> tuple[Course, object, object]:
    course = Course.repeated(START, "pen", 1.5, 3, 3, 28, concern="wrinkles")
    result = simulate_course(course)
    cohort = simulate_cohort(course, 200, hourly=False, workers=1)
    return course, result, grade_band(cohort, result.scale)


def test_the_band_is_ordered_and_holds_the_nominal_patient(course_and_band: tuple) -> None:
    _, result, band = course_and_band
    assert band.dates[0] == START
    assert len(band.dates) == len(band.p5) == len(band.p95) == len(result.daily["expected_grade"])
    assert np.all(band.p5 <= band.p50)
    assert np.all(band.p50 <= band.p95)
    scale = result.scale
    assert np.all(band.p5 >= min(scale.best, scale.worst) - 1e-9)
    assert np.all(band.p95 <= max(scale.best, scale.worst) + 1e-9)
    # Nobody has improved on the day of the first session: the band is the baseline grade.
    assert band.p5[0] == pytest.approx(scale.baseline_grade)
    assert band.p95[0] == pytest.approx(scale.baseline_grade)
    # On the nominal patient's best day, their grade lies inside the cohort's band, which has
    # opened up by then.
    best = int(np.argmin(np.abs(result.daily["expected_grade"] - scale.best)))
    grade = float(result.daily["expected_grade"][best])
    assert band.p5[best] <= grade <= band.p95[best]
    assert band.p95[best] - band.p5[best] > 0.1


def test_each_score_is_read_against_that_days_band(course_and_band: tuple) -> None:
    _, _, band = course_and_band
    day = 90
    on = START + dt.timedelta(days=day)
    low, mid, high = float(band.p5[day]), float(band.p50[day]), float(band.p95[day])
    placed = scores_against_band(
        band,
        [(on, high + 0.5), (on, mid), (on, low - 0.5), (START - dt.timedelta(days=3), 3.0)],
    )
    assert [p.where for p in placed] == ["outside_course", "below", "within", "above"]
    assert placed[0].p5 is None
    assert (placed[2].p5, placed[2].p50, placed[2].p95) == (low, mid, high)
