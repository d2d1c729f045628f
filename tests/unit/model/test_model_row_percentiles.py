"""Percentiles of successive rows: brackets guessed from each rank's history are only trusted
when the counts confirm them, so results equal NumPy's whatever the rows do."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from microneedling.model.solver.percentiles import RowPercentiles

PERCENTS = (5.0, 50.0, 95.0)


def _course_like_rows(rng: np.random.Generator, days: int, n: int) -> np.ndarray:
    """Each patient's value decays and recovers smoothly, with a jump on day 20."""
    rate = rng.lognormal(-2.0, 0.5, n)
    level = rng.lognormal(0.0, 0.3, n)
    t = np.arange(days, dtype=np.float64)[:, None]
    rows = level * np.exp(-rate * t) + 0.1 * level * (1 - np.exp(-0.05 * t))
    rows[20:] += rng.lognormal(-1.0, 0.5, n)
    return rows


def _assert_equal_to_numpy(got: list[np.ndarray], rows: np.ndarray) -> None:
    expected = np.percentile(rows, PERCENTS, axis=1)
    for g, e in zip(got, expected, strict=True):
        assert np.array_equal(g, e)


def test_smooth_rows_are_mostly_bracketed_by_guesses_and_stay_exact() -> None:
    rows = _course_like_rows(np.random.default_rng(1), days=60, n=5000)
    tracker = RowPercentiles(PERCENTS, 256)
    got = [
        np.concatenate(parts)
        for parts in zip(*(tracker(rows[i : i + 8]) for i in range(0, 60, 8)), strict=True)
    ]
    _assert_equal_to_numpy(got, rows)
    # Guesses need three rows of history, and the jump on day 20 defeats them for a while.
    assert tracker.guessed > 0.7 * 60 * len(PERCENTS)
    assert tracker.sampled >= 3 * len(PERCENTS)


def test_blocks_carry_history_like_one_call() -> None:
    rows = _course_like_rows(np.random.default_rng(2), days=30, n=4096)
    whole = RowPercentiles(PERCENTS, 256)(rows)
    tracker = RowPercentiles(PERCENTS, 256)
    parts = [tracker(rows[i : i + 7]) for i in range(0, 30, 7)]
    for i, band in enumerate(whole):
        assert np.array_equal(band, np.concatenate([p[i] for p in parts]))


def test_zero_rows_are_not_read_and_guesses_recover_after_them() -> None:
    rows = _course_like_rows(np.random.default_rng(3), days=40, n=4096)
    rows[10:15] = 0.0
    zero = np.zeros(40, dtype=np.bool_)
    zero[10:15] = True
    poisoned = rows.copy()
    poisoned[zero] = np.nan
    got = RowPercentiles(PERCENTS, 256)(poisoned, zero)
    _assert_equal_to_numpy(got, rows)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(["shuffle", "swap_tails", "constant", "ties", "negative"]),
)
def test_misleading_histories_still_give_numpys_values(seed: int, kind: str) -> None:
    rng = np.random.default_rng(seed)
    rows = _course_like_rows(rng, days=24, n=4096)
    if kind == "shuffle":
        # Rank values jump far from any extrapolation from one row to the next.
        rows = rows[rng.permutation(24)]
    elif kind == "swap_tails":
        rows[::3] = -rows[::3] + 10.0
    elif kind == "constant":
        rows[:] = 1.5
        rows[12:, ::2] = 2.5
    elif kind == "ties":
        rows = np.round(rows, 1)
    else:
        rows -= 1.0
    tracker = RowPercentiles(PERCENTS, 256)
    got = [np.concatenate(p) for p in zip(tracker(rows[:11]), tracker(rows[11:]), strict=True)]
    _assert_equal_to_numpy(got, rows)
