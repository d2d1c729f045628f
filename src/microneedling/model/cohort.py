"""Virtual cohorts: N patients drawn from the parameters' spreads, summarised as bands.

``simulate_cohort(course, n)`` draws every parameter (and the site's layer thicknesses, and
optionally a patient mix of ages and sexes) for N patients, solves them all with the exact
solver and returns the 5th, 50th and 95th percentiles of every daily output, of the 72-hour
windows after each session, and of the per-session and milestone figures. A caller may pass
its own parameter matrix (N x P, columns named by ``parameter_names``) instead of drawing, which
is what a global sensitivity analysis needs. Time runs in blocks of days: each block is solved
on the threads by chunks of patients into one wide block (a day is a contiguous row of every
patient) while the previous block's bands are taken by outputs (:mod:`._percentiles`), each
output's ranks carried from block to block.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from microneedling.errors import InvalidInput
from microneedling.knowledge import Concern, KnowledgeBase, load_knowledge
from microneedling.model import _engine
from microneedling.model._inputs import (
    DERMIS,
    VIABLE_EPIDERMIS,
    PatientArrays,
    course_parameters,
    patient_arrays,
)
from microneedling.model._percentiles import (
    RowPercentiles,
    interpolate,
    percentiles,
    virtual_positions,
)
from microneedling.model.course import Course
from microneedling.model.parameters import ParameterSet, full_parameter_set
from microneedling.model.parameters._base import check_values

FloatArray = NDArray[np.float64]
PERCENTILES = (5.0, 50.0, 95.0)
#: Patients in the subsample that brackets each percentile in large cohorts.
SAMPLE_SIZE = 4096


@dataclass(frozen=True)
class PatientMix:
    """Who is in the cohort: ages drawn uniformly in ``age_years`` [years], a share of women.

    Age and sex move the site's layer thicknesses by the knowledge base's published
    adjustments (e.g. Meng 2022: men's facial dermis is thicker).
    """

    age_years: tuple[float, float] = (25.0, 65.0)
    female_share: float = 0.5

    def __post_init__(self) -> None:
        low, high = self.age_years
        if not 16 <= low <= high <= 100:
            raise InvalidInput("patient_mix.age_years", "must be an interval within 16-100 years")
        if not 0 <= self.female_share <= 1:
            raise InvalidInput("patient_mix.female_share", "must be between 0 and 1")


@dataclass(frozen=True)
class Bands:
    """5th, 50th and 95th percentiles of one output (arrays of equal shape)."""

    p5: FloatArray
    p50: FloatArray
    p95: FloatArray

    def to_dict(self) -> dict[str, Any]:
        return {"p5": self.p5.tolist(), "p50": self.p50.tolist(), "p95": self.p95.tolist()}


@dataclass(frozen=True)
class CohortResult:
    """Bands over a virtual cohort of ``n`` patients following one course."""

    course: Course
    n: int
    days: NDArray[np.int64]
    daily: dict[str, Bands] = field(repr=False)
    hourly: list[dict[str, Bands]] = field(repr=False)
    sessions: dict[str, Bands] = field(repr=False)
    milestones: dict[str, Bands] = field(repr=False)
    maintenance_reached_share: float
    parameter_names: tuple[str, ...] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "percentiles": list(PERCENTILES),
            "days": self.days.tolist(),
            "daily": {k: v.to_dict() for k, v in self.daily.items()},
            "hourly": [{k: v.to_dict() for k, v in h.items()} for h in self.hourly],
            "sessions": {k: v.to_dict() for k, v in self.sessions.items()},
            "milestones": {k: v.to_dict() for k, v in self.milestones.items()},
            "maintenance_reached_share": self.maintenance_reached_share,
        }


def percentile_bands(values: FloatArray, axis: int = -1) -> Bands:
    """5/50/95 % percentiles along ``axis`` by selection (np.partition), equal to
    ``np.percentile(..., method="linear")``."""
    x = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    n = x.shape[-1]
    positions = virtual_positions(n, PERCENTILES)
    lows = [math.floor(h) for h in positions]
    kth = sorted({k for lo in lows for k in (lo, min(lo + 1, n - 1))})
    part = np.partition(x, kth, axis=-1).reshape(-1, n)
    pairs = np.stack([part[:, [lo, min(lo + 1, n - 1)]] for lo in lows], axis=1)
    return Bands(*(band.reshape(x.shape[:-1]) for band in interpolate(pairs, positions, lows)))


def parameter_space(
    course: Course,
    knowledge: KnowledgeBase | None = None,
    parameters: ParameterSet | None = None,
) -> ParameterSet:
    """Every parameter a cohort of this course varies (the model's set plus the site layers)."""
    kb = knowledge or load_knowledge()
    _, pset = course_parameters(course, kb, parameters or full_parameter_set())
    return pset


def draw_parameters(space: ParameterSet, n: int, seed: int | None = 0) -> FloatArray:
    """An N x P matrix of draws, columns in the order of ``space``."""
    return np.column_stack(list(_draw_columns(space, n, seed, map)))


def _draw_columns(
    space: ParameterSet, n: int, seed: int | None, mapper: Callable[..., Iterator[FloatArray]]
) -> Iterator[FloatArray]:
    """Each parameter's N draws, in the order of ``space``: the uniforms in sequence from one
    generator, their inverse CDFs through ``mapper`` (e.g. a thread pool's ``map``)."""
    rng = np.random.default_rng(seed)
    spreads = space.values_list()
    uniforms = [rng.random(n) for _ in spreads]
    return mapper(lambda p, u: p.spread.from_unit(p.value, u), spreads, uniforms)


def _apply_mix(
    course: Course,
    kb: KnowledgeBase,
    columns: dict[str, FloatArray],
    mix: PatientMix,
    rng: np.random.Generator,
) -> None:
    """Scale the drawn layers by each drawn person's published sex and age adjustments."""
    site = kb.sites.require(course.site, "sessions.0.site")
    n = columns[DERMIS].shape[0]
    ages: FloatArray = np.asarray(rng.uniform(*mix.age_years, size=n), dtype=np.float64)
    female: NDArray[np.bool_] = np.asarray(rng.random(n) < mix.female_share)
    base = site.dermis_um(course.patient.sex, course.patient.age_years)
    factor = site.dermis_um_of(female, ages) / base
    columns[DERMIS] = columns[DERMIS] * factor
    epi_male = site.adjustments.epidermis_factor_male
    if epi_male and course.patient.sex != "male":
        columns[VIABLE_EPIDERMIS] = np.where(
            female, columns[VIABLE_EPIDERMIS], columns[VIABLE_EPIDERMIS] * epi_male
        )


@dataclass
class _Slice:
    """The patients one worker solves, with what it carries from block to block."""

    arrays: PatientArrays
    solver: _engine.DailySolver
    peak: FloatArray
    peak_day: NDArray[np.int64]
    maintenance: NDArray[np.int64]
    columns: slice


def simulate_cohort(
    course: Course,
    n: int = 1000,
    *,
    seed: int | None = 0,
    parameter_matrix: FloatArray | None = None,
    parameter_names: Sequence[str] | None = None,
    patient_mix: PatientMix | None = None,
    workers: int = 2,
    block_days: int = 8,
    chunk_size: int = 8192,
    hourly: bool = True,
    knowledge: KnowledgeBase | None = None,
    parameters: ParameterSet | None = None,
    progress: Callable[[float], None] | None = None,
) -> CohortResult:
    """Simulate ``n`` patients following ``course`` and return percentile bands.

    With ``parameter_matrix`` (shape N x P) the rows are used as given; ``parameter_names``
    names its columns (default: the order of :func:`parameter_space`); parameters not named
    keep their nominal value. Otherwise every parameter is drawn from its spread with ``seed``.
    """
    kb = knowledge or load_knowledge()
    resolved, space = course_parameters(course, kb, parameters or full_parameter_set())
    names = list(space)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        columns = _parameter_columns(
            course, kb, space, n, seed, parameter_matrix, parameter_names, patient_mix, pool
        )
        n = columns[names[0]].shape[0]
        # Chunks small enough that a block of one chunk's outputs is computed in cache, as
        # many per worker so that no worker waits for a last, lone chunk.
        per_worker = max(1, math.ceil(n / (max(1, workers) * chunk_size)))
        n_chunks = min(n, max(1, workers) * per_worker)
        bounds = [round(i * n / n_chunks) for i in range(n_chunks + 1)]
        block = min(block_days, course.horizon + 1)
        make = functools.partial(_make_slice, course, resolved.concern, columns, block_days=block)
        chunks = list(pool.map(make, itertools.pairwise(bounds)))
        _share_windows(chunks)
        n_steps = math.ceil((course.horizon + 1) / block) + 1
        n_steps += len(course.sessions) if hourly else 0
        report = progress or (lambda _: None)
        daily = _daily_bands(pool, chunks, course, block, lambda b: report(b / n_steps))
        hourly_bands: list[dict[str, Bands]] = []
        if hourly:
            # One set of buffers for every session: fresh ones would be faulted in each time.
            hours = _engine.HOURS_AFTER_SESSION + 1
            buffers = {k: np.empty((hours, n)) for k in _engine.HOURLY_OUTPUTS}
            for i in range(len(course.sessions)):
                hourly_bands.append(_hourly_bands(pool, chunks, i, buffers))
                report(1 - (len(course.sessions) - i) / n_steps)
        sessions, milestones, reached = _per_patient_bands(pool, chunks, course.last_session_day)
    report(1.0)
    return CohortResult(
        course=course,
        n=n,
        days=np.arange(course.horizon + 1, dtype=np.int64),
        daily=daily,
        hourly=hourly_bands,
        sessions=sessions,
        milestones=milestones,
        maintenance_reached_share=reached,
        parameter_names=tuple(names),
    )


def _share_windows(chunks: list[_Slice]) -> None:
    """Every chunk keeps its fast terms as long as the slowest patient of all needs, so that
    all report the same live rows and none writes the zeros elsewhere, which are not read."""
    windows = {
        kind: np.max([sl.solver.windows[kind] for sl in chunks], axis=0)
        for kind in chunks[0].solver.windows
    }
    for sl in chunks:
        sl.solver.windows = windows
        sl.solver.zero_dead_rows = False


def _hourly_bands(
    pool: ThreadPoolExecutor,
    chunks: list[_Slice],
    index: int,
    buffers: dict[str, FloatArray],
) -> dict[str, Bands]:
    """Bands of the 72 hours after session ``index``, written first into ``buffers``."""
    list(pool.map(lambda sl: _window(sl, index, buffers), chunks))
    return dict(zip(buffers, pool.map(_bands_of_rows, buffers.values()), strict=True))


def _per_patient_bands(
    pool: ThreadPoolExecutor, chunks: list[_Slice], last: int
) -> tuple[dict[str, Bands], dict[str, Bands], float]:
    """Bands of the per-session figures and of the milestones, and the share of patients whose
    maintenance falls due within the horizon."""
    figures_parts = list(pool.map(_session_figures, chunks))
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


def _parameter_columns(
    course: Course,
    kb: KnowledgeBase,
    space: ParameterSet,
    n: int,
    seed: int | None,
    parameter_matrix: FloatArray | None,
    parameter_names: Sequence[str] | None,
    patient_mix: PatientMix | None,
    pool: ThreadPoolExecutor,
) -> dict[str, FloatArray]:
    """Each parameter's value for every patient: the caller's matrix, or draws (on the pool)."""
    names = list(space)
    if parameter_matrix is not None:
        matrix = np.asarray(parameter_matrix, dtype=np.float64)
        given = list(parameter_names) if parameter_names is not None else names
        if matrix.ndim != 2 or matrix.shape[1] != len(given):
            raise InvalidInput("parameter_matrix", f"must have shape (N, {len(given)})")
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise InvalidInput("parameter_names", f"unknown parameter(s): {', '.join(unknown)}")
        n = matrix.shape[0]
        columns = {name: np.full(n, space[name].value) for name in names}
        columns.update({name: matrix[:, j].copy() for j, name in enumerate(given)})
    else:
        if n < 1:
            raise InvalidInput("n", "a cohort needs at least one patient")
        columns = dict(zip(names, _draw_columns(space, n, seed, pool.map), strict=True))
        if patient_mix is not None:
            _apply_mix(course, kb, columns, patient_mix, np.random.default_rng(seed))
            # The adjustments scale draws of a truncated spread; a draw scaled past the
            # truncation (the thinnest skin the knowledge base allows) is held at it.
            for name in (DERMIS, VIABLE_EPIDERMIS):
                spread = space[name].spread
                low = -np.inf if spread.low is None else spread.low
                high = np.inf if spread.high is None else spread.high
                np.clip(columns[name], low, high, out=columns[name])
    try:
        check_values(space, columns)
    except ValueError as exc:
        raise InvalidInput("parameter_matrix", str(exc)) from None
    return columns


def _daily_bands(
    pool: ThreadPoolExecutor,
    chunks: list[_Slice],
    course: Course,
    block: int,
    progress: Callable[[int], None],
) -> dict[str, Bands]:
    """Bands of every daily output: blocks of ``block`` days solved chunk by chunk, each day
    written as one contiguous row of all patients and ranked by output."""
    horizon = course.horizon
    n = chunks[-1].columns.stop
    outputs = _engine.DAILY_OUTPUTS
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
                _advance,
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


def _make_slice(
    course: Course,
    concern: Concern,
    columns: dict[str, FloatArray],
    bounds: tuple[int, int],
    block_days: int,
) -> _Slice:
    lo, hi = bounds
    arrays = patient_arrays(course, concern, {k: v[lo:hi] for k, v in columns.items()})
    return _Slice(
        arrays,
        _engine.DailySolver(arrays, block_days=block_days, all_states=False),
        np.zeros(hi - lo),
        np.full(hi - lo, -1, dtype=np.int64),
        np.full(hi - lo, -1, dtype=np.int64),
        slice(lo, hi),
    )


def _advance(
    sl: _Slice, wide: dict[str, FloatArray], first_day: int, length: int, last: int
) -> dict[str, NDArray[np.bool_]]:
    """Write the chunk's next block of daily outputs into its columns of ``wide``; return, for
    the fast outputs, the block's rows where some of its patients may be non-zero."""
    views = {k: v[:length, sl.columns] for k, v in wide.items()}
    sl.solver.fill(first_day, length, views)
    _track_milestones(sl, views["improvement_fraction"], first_day, last)
    return dict(sl.solver.live_rows)


def _call(task: Callable[[], Any]) -> Any:
    return task()


def _track_milestones(sl: _Slice, f: FloatArray, first_day: int, last: int) -> None:
    """Carry each patient's post-course peak and the day maintenance falls due, day by day
    (rows of ``f``, the improvement fraction, are days from ``first_day``)."""
    threshold = sl.arrays.maintenance_threshold
    running = sl.peak
    for row in range(max(last - first_day, 0), f.shape[0]):
        day = first_day + row
        today = f[row]
        np.maximum(running, today, out=running)
        np.copyto(sl.peak_day, day, where=today >= running)
        faded = today < threshold * running
        faded &= running > 0
        faded &= sl.maintenance < 0
        np.copyto(sl.maintenance, day, where=faded)


def _session_figures(sl: _Slice) -> dict[str, FloatArray]:
    arrays = sl.arrays
    s = arrays.sessions
    return {
        "downtime_days": _engine.downtime(arrays, sl.solver.modes),
        "bleeding_probability": s.bleeding,
        "effective_depth_um": s.depth_um,
        "closure_half_time_h": s.closure_half_h,
    }


def _window(sl: _Slice, index: int, buffers: dict[str, FloatArray]) -> None:
    views = {k: v[:, sl.columns] for k, v in buffers.items()}
    _engine.hourly_window_into(sl.arrays, sl.solver.modes.rates, index, views)
