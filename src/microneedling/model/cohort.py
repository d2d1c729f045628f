"""Virtual cohorts: N patients drawn from the parameters' spreads, summarised as bands.

``simulate_cohort(course, n)`` draws every parameter (and the site's layer thicknesses, and
optionally a patient mix of ages and sexes) for N patients (:mod:`.virtual_patients`), solves
them all with the exact solver on a thread pool (:mod:`.solver.scheduler`) and returns the 5th,
50th and 95th percentiles (:mod:`.bands`) of every daily output, of the 72-hour windows after
each session, and of the per-session and milestone figures.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from microneedling.knowledge import KnowledgeBase, load_knowledge
from microneedling.model.bands import PERCENTILES, Bands, FloatArray
from microneedling.model.course import Course
from microneedling.model.parameters import ParameterSet, full_parameter_set
from microneedling.model.solver import engine, scheduler
from microneedling.model.solver.inputs import course_parameters
from microneedling.model.virtual_patients import (
    PatientMix,
    draw_parameters,
    parameter_columns,
    parameter_space,
)

__all__ = [
    "Bands",
    "CohortResult",
    "PatientMix",
    "draw_parameters",
    "parameter_space",
    "simulate_cohort",
]


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
        columns = parameter_columns(
            course, kb, space, n, seed, parameter_matrix, parameter_names, patient_mix, pool
        )
        n = columns[names[0]].shape[0]
        # Chunks small enough that a block of one chunk's outputs is computed in cache, as
        # many per worker so that no worker waits for a last, lone chunk.
        per_worker = max(1, math.ceil(n / (max(1, workers) * chunk_size)))
        n_chunks = min(n, max(1, workers) * per_worker)
        bounds = [round(i * n / n_chunks) for i in range(n_chunks + 1)]
        block = min(block_days, course.horizon + 1)
        make = functools.partial(
            scheduler.make_slice, course, resolved.concern, columns, block_days=block
        )
        chunks = list(pool.map(make, itertools.pairwise(bounds)))
        scheduler.share_windows(chunks)
        n_steps = math.ceil((course.horizon + 1) / block) + 1
        n_steps += len(course.sessions) if hourly else 0
        report = progress or (lambda _: None)
        daily = scheduler.daily_bands(pool, chunks, course, block, lambda b: report(b / n_steps))
        hourly_bands: list[dict[str, Bands]] = []
        if hourly:
            # One set of buffers for every session: fresh ones would be faulted in each time.
            hours = engine.HOURS_AFTER_SESSION + 1
            buffers = {k: np.empty((hours, n)) for k in engine.HOURLY_OUTPUTS}
            for i in range(len(course.sessions)):
                hourly_bands.append(scheduler.hourly_bands(pool, chunks, i, buffers))
                report(1 - (len(course.sessions) - i) / n_steps)
        sessions, milestones, reached = scheduler.per_patient_bands(
            pool, chunks, course.last_session_day
        )
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
