"""The daily solver writes into the caller's arrays and carries every path across blocks."""

from __future__ import annotations

import numpy as np
import pytest
from model_helpers import arrays_for, make_course

from microneedling.model.laws.healing import Cascade
from microneedling.model.solver import engine


def test_filling_views_of_a_wide_buffer_equals_fresh_blocks() -> None:
    arrays = arrays_for(make_course(sessions=3, gap_days=20), n=6, seed=5)
    whole = next(engine.DailySolver(arrays, block_days=161).blocks(160))
    solver = engine.DailySolver(arrays, block_days=9, all_states=False)
    buffers = {k: np.full((9, 10), np.nan) for k in engine.DAILY_OUTPUTS}
    first = 0
    while first <= 160:
        length = min(9, 161 - first)
        solver.fill(first, length, {k: v[:length, 2:8] for k, v in buffers.items()})
        for name, series in whole.outputs.items():
            got = buffers[name][:length, 2:8]
            want = series[first : first + length]
            assert np.allclose(got, want, rtol=1e-12, atol=1e-14), (name, first)
        # Columns outside the view are untouched.
        assert np.isnan(buffers["collagen_pct"][:length, :2]).all()
        first += length


def test_blocks_must_follow_each_other() -> None:
    solver = engine.DailySolver(arrays_for(make_course(sessions=1)), block_days=8)
    outputs = {k: np.empty((8, 1)) for k in engine.DAILY_OUTPUTS}
    solver.fill(0, 8, outputs)
    with pytest.raises(ValueError, match="next block starts on day 8"):
        solver.fill(0, 8, outputs)
    with pytest.raises(ValueError, match="next block starts on day 8"):
        solver.fill(8, 9, outputs)


def test_the_matrix_exponential_rows_carry_across_blocks() -> None:
    arrays = arrays_for(make_course(sessions=3, gap_days=10), n=3, seed=2)
    cascade = arrays.cascade
    # Patient 1: macrophage and fibroblast rates equal, so it takes the slow path.
    equal = Cascade(
        **{
            **cascade.__dict__,
            "fibroblast_rate": np.where(
                np.arange(3) == 1, cascade.macrophage_rate, cascade.fibroblast_rate
            ),
        }
    )
    arrays = type(arrays)(**{**arrays.__dict__, "cascade": equal})
    whole = next(engine.DailySolver(arrays, block_days=91).blocks(90))
    parts = list(engine.DailySolver(arrays, block_days=4).blocks(90))
    assert engine.DailySolver(arrays).slow_rows.tolist() == [1]
    for name, series in whole.outputs.items():
        joined = np.concatenate([b.outputs[name] for b in parts])
        assert np.allclose(joined, series, rtol=1e-12, atol=1e-14), name
    for name, series in whole.states.items():
        joined = np.concatenate([b.states[name] for b in parts])
        assert np.allclose(joined, series, rtol=1e-12, atol=1e-14), name


@pytest.mark.parametrize("slow", [False, True])
def test_skipped_blocks_leave_later_blocks_bit_for_bit_as_filled(slow: bool) -> None:
    """A sweep skips the blocks it does not read; the blocks it reads must not change at all,
    including a patient on the matrix-exponential path, whose rows are carried day by day."""
    arrays = arrays_for(make_course(sessions=4, gap_days=11), n=7, seed=3)
    if slow:
        cascade = arrays.cascade
        equal = np.where(np.arange(7) == 4, cascade.macrophage_rate, cascade.fibroblast_rate)
        cascade = Cascade(**{**cascade.__dict__, "fibroblast_rate": equal})
        arrays = type(arrays)(**{**arrays.__dict__, "cascade": cascade})
    filled = engine.DailySolver(arrays, block_days=5, all_states=False)
    skipping = engine.DailySolver(arrays, block_days=5, all_states=False)
    assert skipping.slow_rows.tolist() == ([4] if slow else [])
    # Blocks of 5 days; sessions on days 0, 11, 22, 33 fall inside skipped blocks.
    read = {1, 7, 9, 13}
    for b in range(15):
        want = {k: np.empty((5, 7)) for k in engine.DAILY_OUTPUTS}
        filled.fill(5 * b, 5, want)
        if b not in read:
            skipping.skip(5 * b, 5)
            continue
        got = {k: np.empty((5, 7)) for k in engine.DAILY_OUTPUTS}
        skipping.fill(5 * b, 5, got)
        for name in engine.DAILY_OUTPUTS:
            assert np.array_equal(got[name], want[name]), (name, b)
    with pytest.raises(ValueError, match="next block starts on day 75"):
        skipping.skip(0, 5)


def test_the_first_sessions_downtime_alone_is_the_full_figure() -> None:
    """A sweep asks the downtime of the first session(s) only; no later session changes it."""
    arrays = arrays_for(make_course(sessions=4, gap_days=7), n=50, seed=8)
    modes = engine.DailySolver(arrays).modes
    every = engine.downtime(arrays, modes)
    assert every.shape == (4, 50)
    # A week apart: the second session starts while the first one's vessels still redden.
    assert (every[1] != every[0]).any()
    for count in (1, 2, 3):
        assert np.array_equal(engine.downtime(arrays, modes, sessions=count), every[:count])


@pytest.mark.parametrize(
    "asked",
    [
        ("improvement_fraction",),
        ("epidermis_change_pct", "collagen_pct"),
        ("elastin_pct",),
        ("open_channel_fraction", "open_channels_per_cm2", "barrier_deficit_pct", "redness_grade"),
    ],
)
def test_a_block_of_some_outputs_is_bit_for_bit_that_of_all(asked: tuple[str, ...]) -> None:
    """A sweep asks a block for the outputs it reads only; they must not change at all."""
    arrays = arrays_for(make_course(sessions=3, gap_days=9), n=11, seed=6)
    every = engine.DailySolver(arrays, block_days=6, all_states=False)
    some = engine.DailySolver(arrays, block_days=6, all_states=False)
    for first in range(0, 30, 6):
        want = {k: np.empty((6, 11)) for k in engine.DAILY_OUTPUTS}
        every.fill(first, 6, want)
        got = {k: np.full((6, 11), np.nan) for k in asked}
        some.fill(first, 6, got)
        for name in asked:
            assert np.array_equal(got[name], want[name]), (name, first)


def test_the_fast_outputs_are_asked_together() -> None:
    solver = engine.DailySolver(arrays_for(make_course(sessions=1)), block_days=8)
    with pytest.raises(ValueError, match="fast outputs are written together"):
        solver.fill(0, 8, {"redness_grade": np.empty((8, 1))})
