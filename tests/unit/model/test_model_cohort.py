"""Virtual cohorts: the bands are the exact percentiles of the patients' own courses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_helpers import make_course

from microneedling.errors import InvalidInput
from microneedling.model import simulate_course
from microneedling.model.bands import percentile_bands
from microneedling.model.cohort import (
    PatientMix,
    draw_parameters,
    parameter_space,
    simulate_cohort,
)
from microneedling.model.solver import engine
from microneedling.model.solver.percentiles import percentiles


def test_bands_are_the_percentiles_of_each_patients_own_simulation() -> None:
    course = make_course(sessions=3, gap_days=30, horizon_days=150)
    space = parameter_space(course)
    matrix = draw_parameters(space, 25, seed=4)
    cohort = simulate_cohort(course, parameter_matrix=matrix, workers=2)
    names = list(space)
    singles = [simulate_course(course, values=dict(zip(names, row, strict=True))) for row in matrix]
    for k in engine.DAILY_OUTPUTS:
        stacked = np.stack([r.daily[k] for r in singles], axis=1)
        expected = np.percentile(stacked, [5, 50, 95], axis=1)
        band = cohort.daily[k]
        # Fast terms are dropped below 2**-40 of their start, per patient alone, per chunk
        # in a cohort: the bands agree to that level of the series' largest value.
        atol = 1e-11 * float(np.abs(expected).max()) + 1e-300
        for got, want in zip((band.p5, band.p50, band.p95), expected, strict=True):
            assert np.allclose(got, want, rtol=1e-10, atol=atol), k
    downtime = np.array([[s.downtime_days for s in r.sessions] for r in singles])
    assert np.allclose(
        cohort.sessions["downtime_days"].p50, np.percentile(downtime, 50, axis=0), rtol=1e-9
    )


def test_large_cohorts_bracket_percentiles_exactly() -> None:
    course = make_course(sessions=2, gap_days=30, horizon_days=70)
    n = 4096
    cohort = simulate_cohort(course, n=n, seed=9, chunk_size=256, block_days=16)
    space = parameter_space(course)
    matrix = draw_parameters(space, n, seed=9)
    direct = simulate_cohort(course, parameter_matrix=matrix, chunk_size=n, block_days=71)
    for k in engine.DAILY_OUTPUTS:
        for p in ("p5", "p50", "p95"):
            want = getattr(direct.daily[k], p)
            atol = 1e-11 * float(np.abs(want).max()) + 1e-300
            assert np.allclose(getattr(cohort.daily[k], p), want, rtol=1e-12, atol=atol), (k, p)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(8, 60),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["normal", "ties", "zeros", "sample_misleads"]),
)
def test_bracketed_percentiles_equal_numpy_bit_for_bit(rows: int, seed: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    n = 5000
    x = rng.lognormal(size=(rows, n))
    if kind == "ties":
        x = np.round(x, 1)
    elif kind == "zeros":
        x[:, : n // 2] = 0.0
    elif kind == "sample_misleads":
        # The strided sample (every 9th patient) sees only the largest values, so every
        # bracket misses and the whole row is selected.
        x[:, ::9] += 100.0
    got = percentiles(x, (5.0, 50.0, 95.0), 512)
    expected = np.percentile(x, [5, 50, 95], axis=1)
    for g, e in zip(got, expected, strict=True):
        assert np.array_equal(g, e)


def test_rows_marked_zero_are_not_read() -> None:
    x = np.random.default_rng(3).lognormal(size=(4, 50_000))
    zero = np.array([False, True, False, True])
    x[1] = 0.0
    x[3] = np.nan  # would poison any selection that read it
    got = percentiles(x, (5.0, 50.0, 95.0), 4096, zero)
    expected = np.percentile(x[[0, 2]], [5, 50, 95], axis=1)
    for g, e in zip(got, expected, strict=True):
        assert np.array_equal(g[[0, 2]], e)
        assert np.array_equal(g[[1, 3]], [0.0, 0.0])


def test_percentile_bands_match_numpy_and_handle_infinity() -> None:
    x = np.array([1.0, 2.0, np.inf, 4.0, 5.0, np.inf, np.inf])
    band = percentile_bands(x)
    assert band.p50 == 5.0
    assert band.p95 == np.inf
    y = np.random.default_rng(1).random((3, 101))
    bands = percentile_bands(y, axis=-1)
    assert np.array_equal(bands.p5, np.percentile(y, 5, axis=-1))
    assert np.array_equal(percentile_bands(y, axis=0).p95, np.percentile(y, 95, axis=0))


def test_an_explicit_matrix_of_named_columns_is_used_as_given() -> None:
    course = make_course(sessions=1, horizon_days=60)
    name = "Collagen III synthesis rate [1/day]"
    low = simulate_cohort(course, parameter_matrix=np.full((3, 1), 0.5), parameter_names=[name])
    high = simulate_cohort(course, parameter_matrix=np.full((3, 1), 2.0), parameter_names=[name])
    assert low.n == 3
    assert high.daily["collagen_pct"].p50[40] > low.daily["collagen_pct"].p50[40]
    assert np.allclose(low.daily["collagen_pct"].p5, low.daily["collagen_pct"].p95)


@pytest.mark.parametrize(
    ("matrix", "names", "field"),
    [
        (np.ones((3, 2)), ["Macrophage removal rate [1/day]"], "parameter_matrix"),
        (np.ones((3, 1)), ["No such parameter [-]"], "parameter_names"),
        (-np.ones((3, 1)), ["Macrophage removal rate [1/day]"], "parameter_matrix"),
    ],
)
def test_a_wrong_matrix_is_refused(matrix: np.ndarray, names: list[str], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        simulate_cohort(make_course(sessions=1), parameter_matrix=matrix, parameter_names=names)
    assert err.value.field == field


def test_a_patient_mix_moves_the_dermis() -> None:
    course = make_course(sessions=1, horizon_days=30, site="forehead")
    men = simulate_cohort(course, n=300, patient_mix=PatientMix(female_share=0.0))
    women = simulate_cohort(course, n=300, patient_mix=PatientMix(female_share=1.0))
    # Thicker dermis (men) dilutes nothing in the papillary dose but caps depth later.
    assert men.sessions["effective_depth_um"].p95[0] >= women.sessions["effective_depth_um"].p95[0]
    with pytest.raises(InvalidInput):
        PatientMix(female_share=1.5)


def test_hourly_bands_are_the_percentiles_of_each_patients_own_windows() -> None:
    course = make_course(sessions=3, gap_days=3, horizon_days=40)
    space = parameter_space(course)
    matrix = draw_parameters(space, 23, seed=6)
    cohort = simulate_cohort(course, parameter_matrix=matrix, workers=2, chunk_size=8)
    names = list(space)
    singles = [simulate_course(course, values=dict(zip(names, row, strict=True))) for row in matrix]
    # Sessions three days apart: each window sums the earlier sessions' terms too.
    for i, window in enumerate(cohort.hourly):
        for k, band in window.items():
            stacked = np.stack([r.sessions[i].hourly[k] for r in singles], axis=1)
            expected = np.percentile(stacked, [5, 50, 95], axis=1)
            for got, want in zip((band.p5, band.p50, band.p95), expected, strict=True):
                assert np.allclose(got, want, rtol=1e-12, atol=1e-300), (i, k)
