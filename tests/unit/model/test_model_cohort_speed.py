"""What the fast cohort path relies on: zero rows reported by the solver really are zero, the
bracketed selection inside a cohort gives the same bands as a whole-row selection, and the
milestones carried day by day match each patient's own course."""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import arrays_for, make_course

from microneedling.model import simulate_course
from microneedling.model.cohort import draw_parameters, parameter_space, simulate_cohort
from microneedling.model.solver import engine, scheduler


@pytest.mark.parametrize("block_days", [5, 16, 61])
def test_rows_not_reported_live_are_exactly_zero(block_days: int) -> None:
    arrays = arrays_for(make_course(sessions=3, gap_days=20, horizon_days=120), n=7, seed=2)
    solver = engine.DailySolver(arrays, block_days=block_days, all_states=False)
    buffers = {k: np.full((block_days, 7), np.nan) for k in engine.DAILY_OUTPUTS}
    seen_live = seen_zero = False
    for first in range(0, 121, block_days):
        length = min(block_days, 121 - first)
        solver.fill(first, length, {k: v[:length] for k, v in buffers.items()})
        for name, live in solver.live_rows.items():
            assert live.shape == (length,)
            assert (buffers[name][:length][~live] == 0.0).all(), (name, first)
            seen_live |= bool(live.any())
            seen_zero |= bool((~live).any())
    assert seen_live
    assert seen_zero


def test_dead_rows_left_unwritten_when_asked_and_live_rows_unchanged() -> None:
    arrays = arrays_for(make_course(sessions=3, gap_days=20, horizon_days=120), n=7, seed=2)
    zeroing = engine.DailySolver(arrays, block_days=9, all_states=False)
    skipping = engine.DailySolver(arrays, block_days=9, all_states=False)
    skipping.zero_dead_rows = False
    for first in range(0, 121, 9):
        length = min(9, 121 - first)
        want = {k: np.full((length, 7), np.nan) for k in engine.DAILY_OUTPUTS}
        got = {k: np.full((length, 7), np.nan) for k in engine.DAILY_OUTPUTS}
        zeroing.fill(first, length, want)
        skipping.fill(first, length, got)
        for name, live in skipping.live_rows.items():
            assert np.array_equal(got[name][live], want[name][live]), (name, first)
            assert np.isnan(got[name][~live]).all(), (name, first)
        for name in set(engine.DAILY_OUTPUTS) - set(skipping.live_rows):
            assert np.array_equal(got[name], want[name])


def test_bracketed_bands_in_a_cohort_equal_whole_row_bands(monkeypatch: pytest.MonkeyPatch) -> None:
    course = make_course(sessions=2, gap_days=30, horizon_days=70)
    matrix = draw_parameters(parameter_space(course), 3000, seed=9)
    whole = simulate_cohort(course, parameter_matrix=matrix, hourly=False, chunk_size=512)
    # 3,000 patients >= 8 x 128: every row is now bracketed from a sample of 128.
    monkeypatch.setattr(scheduler, "SAMPLE_SIZE", 128)
    bracketed = simulate_cohort(course, parameter_matrix=matrix, hourly=False, chunk_size=512)
    for k in engine.DAILY_OUTPUTS:
        for p in ("p5", "p50", "p95"):
            assert np.array_equal(getattr(bracketed.daily[k], p), getattr(whole.daily[k], p))


def test_milestones_carried_by_block_match_each_patients_course() -> None:
    course = make_course(sessions=3, gap_days=30, horizon_days=300)
    space = parameter_space(course)
    matrix = draw_parameters(space, 41, seed=3)
    bands = simulate_cohort(course, parameter_matrix=matrix, block_days=7, chunk_size=8)
    names = list(space)
    singles = [simulate_course(course, values=dict(zip(names, row, strict=True))) for row in matrix]
    last = course.last_session_day
    start = course.sessions[0].date
    peak = np.array([r.daily["improvement_fraction"][last:].max() for r in singles])
    full = np.array([(r.milestones.full_effect_on - start).days - last for r in singles])  # type: ignore[operator]
    due = [r.milestones.maintenance_due_on for r in singles]
    after = np.array([(d - start).days - last if d else np.inf for d in due])
    expected = {
        "peak_improvement_fraction": peak,
        "full_effect_days_after_last": full.astype(float),
        "maintenance_days_after_last": after,
    }
    for name, values in expected.items():
        band = bands.milestones[name]
        for got, q in ((band.p5, 5), (band.p50, 50), (band.p95, 95)):
            assert np.allclose(got, _percentile(values, q), rtol=1e-10), (name, q)
    assert bands.maintenance_reached_share == pytest.approx(np.isfinite(after).mean())


def _percentile(values: np.ndarray, q: float) -> float:
    """Linear percentile that keeps an infinite order statistic (NumPy gives inf * 0 = nan)."""
    ordered = np.sort(values)
    h = (values.size - 1) * q / 100
    lo = int(np.floor(h))
    a, b = ordered[lo], ordered[min(lo + 1, values.size - 1)]
    return float(a if h == lo or a == b else a + (h - lo) * (b - a))
