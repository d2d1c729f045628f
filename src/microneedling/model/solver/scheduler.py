"""The cohort scheduler: N patients solved on a thread pool, block of days by block of days.

Time runs in blocks of days: each block is solved on the threads by chunks of patients
(:class:`Slice`) into one wide block (a day is a contiguous row of every patient) while the
previous block's bands are taken by outputs (:mod:`.percentiles`), each output's ranks carried
from block to block. The hourly windows after each session and the per-patient figures
(per-session figures, milestones) are banded at the end.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from microneedling.knowledge import Concern
from microneedling.model.bands import PERCENTILES, Bands, percentile_bands
from microneedling.model.course import Course
from microneedling.model.laws import outcome
from microneedling.model.solver import engine
from microneedling.model.solver.inputs import PatientArrays, patient_arrays
from microneedling.model.solver.percentiles import RowPercentiles, percentiles

FloatArray = NDArray[np.float64]
#: Patients in the subsample that brackets each percentile in large cohorts.
SAMPLE_SIZE = 4096


@dataclass
class Slice:
    """The patients one worker solves, with what it carries from block to block."""

    arrays: PatientArrays
    solver: engine.DailySolver
    peak: FloatArray
    peak_day: NDArray[np.int64]
    maintenance: NDArray[np.int64]
    columns: slice


def share_windows(chunks: list[Slice]) -> None:
    """Every chunk keeps its fast terms as long as the slowest patient of all needs, so that
    all report the same live rows and none writes the zeros elsewhere, which are not read."""
    windows = {
        kind: np.max([sl.solver.windows[kind] for sl in chunks], axis=0)
        for kind in chunks[0].solver.windows
    }
    for sl in chunks:
        sl.solver.windows = windows
        sl.solver.zero_dead_rows = False


def hourly_bands(
    pool: ThreadPoolExecutor,
    chunks: list[Slice],
    index: int,
    buffers: dict[str, FloatArray],
) -> dict[str, Bands]:
    """Bands of the 72 hours after session ``index``, written first into ``buffers``."""
    list(pool.map(lambda sl: _window(sl, index, buffers), chunks))
    return dict(zip(buffers, pool.map(_bands_of_rows, buffers.values()), strict=True))


def per_patient_bands(
    pool: ThreadPoolExecutor, chunks: list[Slice], last: int
) -> tuple[dict[str, Bands], dict[str, Bands], float]:
    """Bands of the per-session figures and of the milestones, and the share of patients whose
    maintenance falls due within the horizon."""
    figures_parts = list(pool.map(session_figures, chunks))
    figures = {k: np.concatenate([f[k] for f in figures_parts], axis=-1) for k in figures_parts[0]}
    peak_day = np.concatenate([sl.peak_day for sl in chunks])
    maintenance = np.concatenate([sl.maintenance for sl in chunks])
    reached = maintenance >= 0
    milestones = {
        "peak_improvement_fraction": np.concatenate([sl.peak for sl in chunks]),
        "full_effect_days_after_last": (peak_day - last).astype(float),
        "maintenance_days_after_last": np.where(reached, maintenance - last, np.inf),
    }
    values = {**figures, **milestones}
    bands = dict(zip(values, pool.map(percentile_bands, values.values()), strict=True))
    return (
        {k: bands[k] for k in figures},
        {k: bands[k] for k in milestones},
        float(reached.mean()),
    )


def daily_bands(
    pool: ThreadPoolExecutor,
    chunks: list[Slice],
    course: Course,
    block: int,
    progress: Callable[[int], None],
) -> dict[str, Bands]:
    """Bands of every daily output: blocks of ``block`` days solved chunk by chunk, each day
    written as one contiguous row of all patients and ranked by output."""
    horizon = course.horizon
    n = chunks[-1].columns.stop
    outputs = engine.DAILY_OUTPUTS
    # Two buffers: while the bands of one block are taken, the next block is computed.
    wide = [{k: np.empty((block, n)) for k in outputs} for _ in range(2)]
    parts: dict[str, list[list[FloatArray]]] = {k: [] for k in outputs}
    # One per output, carrying each rank's recent values from block to block.
    trackers = {k: RowPercentiles(PERCENTILES, SAMPLE_SIZE) for k in outputs}
    n_blocks = math.ceil((horizon + 1) / block)
    live: list[dict[str, NDArray[np.bool_]]] = []
    for b in range(n_blocks + 1):
        # One phase: the bands of block b - 1 are taken (a task per output) while block b is
        # computed (a task per chunk), so the workers share both kinds of work; the longer
        # ranking tasks go first, so that the phase ends on short ones.
        ranking: list[Callable[[], Any]] = []
        if b > 0:
            length = min(block, horizon + 1 - (b - 1) * block)
            for k, rows in wide[(b - 1) % 2].items():
                zero = ~np.logical_or.reduce([r[k] for r in live]) if k in live[0] else None
                ranking.append(functools.partial(trackers[k], rows[:length], zero))
        solving: list[Callable[[], Any]] = []
        if b < n_blocks:
            first = b * block
            step = functools.partial(
                advance,
                wide=wide[b % 2],
                first_day=first,
                length=min(block, horizon + 1 - first),
                last=course.last_session_day,
            )
            solving = [functools.partial(step, sl) for sl in chunks]
        results = list(pool.map(_call, ranking + solving))
        for k, band in zip(outputs, results[: len(ranking)], strict=False):
            parts[k].append(band)
        live = results[len(ranking) :]
        if b > 0:
            progress(b)
    return {
        k: Bands(*(np.concatenate([part[i] for part in v]) for i in range(len(PERCENTILES))))
        for k, v in parts.items()
    }


def _bands_of_rows(rows: FloatArray) -> Bands:
    return Bands(*percentiles(rows, PERCENTILES, SAMPLE_SIZE))


def make_slice(
    course: Course,
    concern: Concern,
    columns: dict[str, FloatArray],
    bounds: tuple[int, int],
    block_days: int,
) -> Slice:
    lo, hi = bounds
    arrays = patient_arrays(course, concern, {k: v[lo:hi] for k, v in columns.items()})
    return Slice(
        arrays,
        engine.DailySolver(arrays, block_days=block_days, all_states=False),
        np.zeros(hi - lo),
        np.full(hi - lo, -1, dtype=np.int64),
        np.full(hi - lo, -1, dtype=np.int64),
        slice(lo, hi),
    )


def advance(
    sl: Slice, wide: dict[str, FloatArray], first_day: int, length: int, last: int
) -> dict[str, NDArray[np.bool_]]:
    """Write the chunk's next block of daily outputs into its columns of ``wide``; return, for
    the fast outputs, the block's rows where some of its patients may be non-zero."""
    views = {k: v[:length, sl.columns] for k, v in wide.items()}
    sl.solver.fill(first_day, length, views)
    track_milestones(sl, views["improvement_fraction"], first_day, last)
    return dict(sl.solver.live_rows)


def _call(task: Callable[[], Any]) -> Any:
    return task()


def track_milestones(sl: Slice, f: FloatArray, first_day: int, last: int) -> None:
    """Carry each patient's post-course peak and the day maintenance falls due, day by day
    (rows of ``f``, the improvement fraction, are days from ``first_day``)."""
    threshold = sl.arrays.maintenance_threshold
    running = sl.peak
    for row in range(max(last - first_day, 0), f.shape[0]):
        day = first_day + row
        today = f[row]
        np.maximum(running, today, out=running)
        np.copyto(sl.peak_day, day, where=today >= running)
        faded = outcome.has_faded(today, running, threshold)
        faded &= sl.maintenance < 0
        np.copyto(sl.maintenance, day, where=faded)


def session_figures(sl: Slice) -> dict[str, FloatArray]:
    arrays = sl.arrays
    s = arrays.sessions
    return {
        "downtime_days": engine.downtime(arrays, sl.solver.modes),
        "bleeding_probability": s.bleeding,
        "effective_depth_um": s.depth_um,
        "closure_half_time_h": s.closure_half_h,
    }


def _window(sl: Slice, index: int, buffers: dict[str, FloatArray]) -> None:
    views = {k: v[:, sl.columns] for k, v in buffers.items()}
    engine.hourly_window_into(sl.arrays, sl.solver.modes.rates, index, views)
