"""Sweep specs: points from a grid or a Latin-hypercube sample, tasks of bounded size."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from microneedling.model import simulate_cohort
from microneedling.model.cohort import PatientMix
from microneedling.model.sweep.outcomes import patient_outcomes
from microneedling.model.sweep.run import tasks
from microneedling.model.sweep.spec import SweepSpec, course_of

BASE = {"name": "t", "patients_per_point": 1000}


def test_a_grid_gives_the_product_of_its_values_with_the_fixed_settings() -> None:
    spec = SweepSpec.model_validate(
        BASE
        | {"fixed": {"passes": 3}, "grid": {"needle_length_mm": [0.5, 1.0], "sessions": [1, 3]}}
    )
    points = spec.points()
    assert len(points) == 4
    assert {(p["needle_length_mm"], p["sessions"]) for p in points} == {
        (0.5, 1), (0.5, 3), (1.0, 1), (1.0, 3)
    }  # fmt: skip
    assert all(p["passes"] == 3 for p in points)


def test_a_sample_stays_in_its_ranges_and_rounds_whole_settings() -> None:
    ranges = {"needle_length_mm": [0.5, 2.0], "sessions": [1, 6]}
    spec = SweepSpec.model_validate(BASE | {"sample": {"points": 40, "ranges": ranges}})
    points = spec.points()
    assert len(points) == 40
    assert all(0.5 <= p["needle_length_mm"] <= 2.0 for p in points)
    assert all(isinstance(p["sessions"], int) and 1 <= p["sessions"] <= 6 for p in points)
    # Latin hypercube: each tenth of the depth range holds four of the forty points.
    tenths = np.floor((np.array([p["needle_length_mm"] for p in points]) - 0.5) / 0.15)
    assert np.bincount(np.minimum(tenths, 9).astype(int), minlength=10).max() <= 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"grid": {"depth": [1.0]}}, "grid.depth"),
        ({"grid": {"sessions": []}}, "grid.sessions"),
        ({"grid": {"sessions": [1]}, "fixed": {"sessions": 2}}, "grid.sessions"),
        ({"grid": {"sessions": [1]}, "sample": {"points": 3, "ranges": {"passes": [1, 4]}}}, ""),
        ({"sample": {"points": 3, "ranges": {"passes": [4, 1]}}}, "ranges.passes"),
        ({"grid": {"sessions": [1]}, "patients_per_point": 10}, "patients_per_point"),
    ],
)
def test_bad_specs_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SweepSpec.model_validate(BASE | changes)
    assert field in str(caught.value)


@settings(max_examples=50, deadline=None)
@given(per=st.integers(100, 10_000), cap=st.integers(100, 3_000), points=st.integers(1, 4))
def test_tasks_cover_every_patient_once_and_stay_within_the_cap(
    per: int, cap: int, points: int
) -> None:
    spec = SweepSpec.model_validate(
        BASE | {"grid": {"sessions": [1]}, "patients_per_point": per, "max_patients_per_task": cap}
    )
    work = tasks(spec, points)
    for point in range(points):
        sizes = [t.size for t in work if t.point == point]
        assert sum(sizes) == per
        assert max(sizes) <= cap
        assert len({t.seed for t in work if t.point == point}) == len(sizes)


def test_patient_outcomes_are_the_cohorts_patients() -> None:
    """The per-patient values rank to exactly the bands the cohort solver gives."""
    course = course_of(
        {"needle_length_mm": 1.5, "sessions": 3, "concern": "acne_scars_rolling"}, 91
    )
    mix = PatientMix((25.0, 65.0), 0.5)
    values = patient_outcomes(
        course, 3000, seed=7, read_days_after_last=[90],
        outputs=["improvement_pct", "downtime_days"], mix=mix,
    )  # fmt: skip
    cohort = simulate_cohort(course, 3000, seed=7, patient_mix=mix, hourly=False, workers=1)
    day = course.last_session_day + 90
    band = cohort.daily["improvement_fraction"]
    expected = 100 * np.array([band.p5[day], band.p50[day], band.p95[day]])
    np.testing.assert_allclose(
        np.percentile(values["improvement_pct@90"], [5, 50, 95]), expected, rtol=1e-9
    )
    downtime = cohort.sessions["downtime_days"]
    np.testing.assert_allclose(
        np.percentile(values["downtime_days"], [5, 50, 95]),
        [downtime.p5[0], downtime.p50[0], downtime.p95[0]],
        rtol=1e-9,
    )


def test_a_patient_mix_never_draws_skin_thinner_than_the_knowledge_base_allows() -> None:
    """Scaling a truncated draw by a sex or age factor once fell below the floor and raised."""
    course = course_of({"needle_length_mm": 1.5, "concern": "acne_scars_rolling"}, 30)
    simulate_cohort(course, 20_000, seed=3, patient_mix=PatientMix(), hourly=False, workers=1)
