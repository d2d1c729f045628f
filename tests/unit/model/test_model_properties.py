"""Properties over every course the schema allows: finite, non-negative, within range."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microneedling.knowledge import load_knowledge
from microneedling.model import Course, CoursePatient, CourseSession, simulate_course
from microneedling.model.course import MIN_DAYS_BETWEEN_SESSIONS

KB = load_knowledge()


@st.composite
def courses(draw: st.DrawFn) -> Course:
    site = draw(st.sampled_from(sorted(KB.sites)))
    concern = draw(st.sampled_from(sorted(KB.concerns)))
    count = draw(st.integers(1, 6))
    gaps = draw(
        st.lists(st.integers(MIN_DAYS_BETWEEN_SESSIONS, 120), min_size=count, max_size=count)
    )
    day = dt.date(2026, 3, 2)
    sessions = []
    for i in range(count):
        if i:
            day += dt.timedelta(days=gaps[i])
        sessions.append(
            CourseSession(
                date=day,
                site=site,
                needle_length_mm=draw(st.floats(0.01, 3.0)),
                passes=draw(st.integers(1, 20)),
                device_kind=draw(st.sampled_from(["pen", "roller"])),
                punctures_per_pass_per_cm2=draw(st.none() | st.floats(0.1, 1000)),
                occluded=draw(st.booleans()),
            )
        )
    patient = CoursePatient(
        age_years=draw(st.floats(16, 100)),
        sex=draw(st.sampled_from([None, "female", "male"])),
        fitzpatrick_type=draw(st.none() | st.integers(1, 6)),
        concern=concern,
        severity=draw(st.sampled_from(["mild", "moderate", "severe"])),
    )
    horizon = draw(st.none() | st.integers(0, 400))
    last = (sessions[-1].date - sessions[0].date).days
    return Course(
        patient=patient,
        sessions=sessions,
        horizon_days=None if horizon is None else last + horizon + 1,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(courses())
def test_every_output_is_finite_non_negative_and_in_range(course: Course) -> None:
    result = simulate_course(course)
    for name, series in result.daily.items():
        assert np.all(np.isfinite(series)), name
    for name in (
        "inflammatory_signal",
        "macrophages",
        "fibroblasts",
        "collagen_iii",
        "collagen_i",
        "elastin",
        "epidermis",
        "barrier_deficit_pct",
        "elastin_pct",
    ):
        assert np.all(result.daily[name] >= 0), name
    assert np.all(result.daily["collagen_pct"] > 0)
    assert np.all((result.daily["redness_grade"] >= 0) & (result.daily["redness_grade"] <= 3))
    for name in ("open_channel_fraction", "improvement_fraction"):
        assert np.all((result.daily[name] >= 0) & (result.daily[name] <= 1 + 1e-12)), name
    for s in result.sessions:
        assert 0 <= s.bleeding_probability <= 1
        assert s.downtime_days >= 0
        assert 0 < s.effective_depth_um <= s.needle_length_mm * 1000
        for series in s.hourly.values():
            assert np.all(np.isfinite(series))
            assert np.all(series >= 0)
