"""The course picture's grade panel: the cohort's band and median of the expected grade, and
recorded scores as points at their dates (reports/course_plot.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from microneedling.model import Course, simulate_cohort, simulate_course
from microneedling.model.observed import grade_band
from microneedling.reports.course_plot import draw_grades, plot_course

START = dt.date(2026, 3, 2)
SCORES = [(START + dt.timedelta(days=60), 3.0), (START + dt.timedelta(days=150), 2.5)]


def test_the_grade_panel_draws_band_median_and_each_score() -> None:
    course = Course.repeated(START, "pen", 1.5, 3, 3, 28, concern="wrinkles")
    result = simulate_course(course)
    cohort = simulate_cohort(course, 50, hourly=False, workers=1)
    band = grade_band(cohort, result.scale)
    fig, axes = plt.subplots()
    try:
        draw_grades(axes, result, cohort, SCORES)
        (median,) = axes.get_lines()
        assert np.array_equal(median.get_ydata(), band.p50)
        points = axes.collections[-1].get_offsets()
        expected = [(mdates.date2num(d), s) for d, s in SCORES]  # type: ignore[no-untyped-call]
        assert np.allclose(points, expected)
        assert "a model, not a promise" in axes.get_title()
        labels = [t.get_text() for t in axes.get_legend().get_texts()]
        assert sorted(labels) == ["5-95 % of 50 virtual patients", "median", "recorded score"]
    finally:
        plt.close(fig)


def test_with_a_cohort_the_picture_has_the_grade_panel(tmp_path: Path) -> None:
    course = Course.repeated(START, "pen", 1.5, 3, 3, 28, concern="wrinkles")
    result = simulate_course(course)
    cohort = simulate_cohort(course, 50, hourly=False, workers=1)
    with_band = plot_course(result, cohort, tmp_path / "with.png", SCORES)
    without = plot_course(result, None, tmp_path / "without.png")
    with Image.open(with_band) as a, Image.open(without) as b:
        # 110 dpi: 11 x 10 inches with the grade panel, 11 x 7 without.
        assert a.size == (1210, 1100)
        assert b.size == (1210, 770)
