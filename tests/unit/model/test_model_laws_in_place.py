"""The redness and barrier laws give the same values written in place as freshly allocated."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from microneedling.model.laws import barrier, inflammation, outcome


def test_redness_grade_in_place_matches_the_formula_over_the_whole_range() -> None:
    # 1e-320 is subnormal: its reciprocal overflows to inf, a grade of 0 (3e-320 exactly).
    x = np.array([-1.0, 0.0, 1e-320, 1e-300, 1e-12, 0.5, 1.0, 7.0, 1e12, np.inf])
    drive = np.maximum(x, 0.0)
    with np.errstate(invalid="ignore"):
        want = np.where(np.isinf(drive), 3.0, 3.0 * drive / (1.0 + drive))
    assert np.allclose(inflammation.redness_grade(x), want, rtol=1e-14, atol=1e-310)
    scratch, out = x.copy(), np.full_like(x, np.nan)
    assert inflammation.redness_grade(scratch, out) is out
    assert np.array_equal(out, inflammation.redness_grade(x))
    assert np.array_equal(x[:2], [-1.0, 0.0])  # without out, the drive is left alone


def test_open_fraction_and_deficit_in_place_and_zero_before_the_session() -> None:
    hours = np.array([-2.0, 0.0, 1.0, 3.0])[:, None]
    half = np.array([1.0, 3.0])
    want = np.where(hours >= 0, 2.0 ** (-np.maximum(hours, 0.0) / half), 0.0)
    out = np.full((4, 2), np.nan)
    assert barrier.open_fraction(hours, half, out) is out
    assert np.allclose(out, want, rtol=1e-15, atol=0.0)
    area = np.array([0.1, 0.2])
    closure = np.array([5.0, 9.0])
    want_closure = np.where(hours >= 0, 2.0 ** (-np.maximum(hours, 0.0) / closure), 0.0)
    share = np.array([0.05, 0.2])
    deficit = barrier.barrier_deficit_pct(hours, area, half, share, closure)
    expected = 100.0 * area * ((1.0 - share) * want + share * want_closure)
    assert np.allclose(deficit, expected, rtol=1e-15, atol=0.0)


def test_barrier_recovery_time_solves_the_two_part_deficit() -> None:
    half, share, closure = np.array([0.5, 2.0]), np.array([0.05, 0.3]), np.array([10.0, 4.0])
    t = barrier.hours_until_recovered(half, share, closure, 0.1)
    left = (1.0 - share) * 2.0 ** (-t / half) + share * 2.0 ** (-t / closure)
    assert np.allclose(left, 0.1, rtol=1e-12)
    # Without a channel part it is the fast reseal's own time.
    alone = barrier.hours_until_recovered(half, np.zeros(2), closure, 0.1)
    assert np.allclose(alone, half * np.log2(10.0), rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    half=st.floats(0.05, 50.0),
    closure=st.floats(0.05, 500.0),
    share=st.floats(0.0, 1.0),
    left=st.sampled_from([0.5, 0.1, 0.01, 0.001]),
)
def test_barrier_recovery_time_for_any_rates_and_shares(
    half: float, closure: float, share: float, left: float
) -> None:
    # Newton from the left of the crossing: it must land on it whichever part is slower, and
    # one call must answer several shares at once (broadcast).
    lefts = np.array([[left], [left / 2.0]])
    t = barrier.hours_until_recovered(np.array([half]), share, np.array([closure]), lefts)
    remaining = (1.0 - share) * 2.0 ** (-t / half) + share * 2.0 ** (-t / closure)
    assert t.shape == (2, 1)
    assert np.allclose(remaining, lefts, rtol=1e-9)
    assert t[1, 0] > t[0, 0]


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_outcome_laws_in_place_equal_the_allocating_call(seed: int) -> None:
    rng = np.random.default_rng(seed)
    gain = rng.normal(0.2, 0.4, size=(6, 5))
    half, response = rng.uniform(0.05, 1.0, 5), rng.uniform(0.2, 1.0, 5)
    support, largest = rng.uniform(0.0, 2.0, 5), rng.uniform(0.1, 1.0, 5)
    epidermis = rng.uniform(0.0, 0.5, (6, 5))
    before = gain.copy()
    filled = outcome.filled_share(gain, half)
    want = 1.0 - 2.0 ** (-np.maximum(gain, 0.0) / half)
    assert np.allclose(filled, want, rtol=1e-13, atol=1e-16)
    assert np.array_equal(gain, before)  # without out, the gain is left alone
    scratch = gain.copy()
    assert outcome.filled_share(scratch, half, out=scratch) is scratch
    assert np.array_equal(scratch, filled)
    assert np.array_equal(outcome.improvement_fraction(gain, half, response), response * filled)
    change = outcome.epidermal_change_pct(epidermis, filled, support, largest)
    x = np.maximum(epidermis + support * filled, 0.0)
    assert np.allclose(change, 100.0 * largest * x / (largest + x), rtol=1e-14, atol=0.0)
    out, first, aliased = np.full((6, 5), np.nan), np.empty((6, 5)), filled.copy()
    got = outcome.epidermal_change_pct(
        epidermis, aliased, support, largest, out=out, scratch=(first, aliased)
    )
    assert got is out
    assert np.array_equal(out, change)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), last=st.integers(0, 20))
def test_maintenance_carried_day_by_day_is_the_whole_series_rule(seed: int, last: int) -> None:
    # The cohort carries the peak and the faded test day by day; a course reads the series.
    rng = np.random.default_rng(seed)
    series = np.cumsum(rng.normal(0.0, 0.1, size=(40, 8)), axis=0).clip(0.0)
    threshold = rng.uniform(0.3, 0.9, 8)
    peak, due = np.zeros(8), np.full(8, -1)
    for day in range(last, 40):
        np.maximum(peak, series[day], out=peak)
        faded = outcome.has_faded(series[day], peak, threshold) & (due < 0)
        np.copyto(due, day, where=faded)
    assert np.array_equal(due, outcome.maintenance_day(series, last, threshold))
