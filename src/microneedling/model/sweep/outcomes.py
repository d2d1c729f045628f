"""Every virtual patient's outcome of one course: the values a sweep ranks, not their bands.

The cohort solver (:mod:`microneedling.model.solver.scheduler`) ranks every output on every
day; a sweep needs a few outputs on a few days, but for every patient, so that the bands of a
point split over several tasks are the exact percentiles of all its patients. This reuses the
cohort's draws and its block solver and keeps only the rows that are read.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from microneedling.knowledge import KnowledgeBase, load_knowledge
from microneedling.model.course import Course
from microneedling.model.laws import outcome
from microneedling.model.parameters import full_parameter_set
from microneedling.model.solver import engine, scheduler
from microneedling.model.solver.inputs import course_parameters
from microneedling.model.virtual_patients import PatientMix, parameter_columns

FloatArray = NDArray[np.float64]
#: Days solved per block: the cohort solver's default.
BLOCK_DAYS = 8
#: Daily solver output behind each per-day sweep output, and its scale to percent.
_DAILY = {
    "improvement_pct": ("improvement_fraction", 100.0),
    "epidermis_change_pct": ("epidermis_change_pct", 1.0),
    "collagen_pct": ("collagen_pct", 1.0),
}


def patient_outcomes(
    course: Course,
    n: int,
    *,
    seed: int,
    read_days_after_last: list[int],
    outputs: list[str],
    mix: PatientMix | None = None,
    knowledge: KnowledgeBase | None = None,
) -> dict[str, FloatArray]:
    """Per-patient values of ``outputs`` for ``n`` patients drawn with ``seed``.

    Per-day outputs are keyed ``"<output>@<days>"`` (days after the last session); the others
    by name. Units as in :data:`microneedling.model.sweep.spec.OUTPUTS`.
    """
    kb = knowledge or load_knowledge()
    resolved, space = course_parameters(course, kb, full_parameter_set())
    last = course.last_session_day
    read = {last + d: d for d in read_days_after_last}
    if max(read) > course.horizon:
        raise ValueError("the course's horizon ends before the last read day")
    with ThreadPoolExecutor(max_workers=1) as pool:
        columns = parameter_columns(
            course, kb, space, n, seed, None, None, mix, pool
        )  # fmt: skip
    block = min(BLOCK_DAYS, course.horizon + 1)
    sl = scheduler.make_slice(course, resolved.concern, columns, (0, n), block_days=block)
    needed = {_DAILY[o][0] for o in outputs if o in _DAILY}
    if "grade_change" in outputs:
        needed.add("improvement_fraction")
    kept: dict[str, dict[int, FloatArray]] = {k: {} for k in needed}
    # The peak is tracked over every day after the last session; otherwise only the blocks
    # holding a read day are filled, with only the outputs read, the others carried over
    # (bit for bit the same modes), and nothing after the last read day is solved.
    peak = "peak_improvement_pct" in outputs
    wide = {k: np.empty((block, n)) for k in needed | ({"improvement_fraction"} if peak else set())}
    end = course.horizon + 1 if peak else (max(read) + 1 if needed else 0)
    for b in range(math.ceil(end / block)):
        first = b * block
        length = min(block, course.horizon + 1 - first)
        days = range(first, first + length)
        if not (peak and days[-1] >= last) and not any(day in read for day in days):
            sl.solver.skip(first, length)
            continue
        sl.solver.fill(first, length, {k: v[:length] for k, v in wide.items()})
        if peak:
            scheduler.track_milestones(sl, wide["improvement_fraction"][:length], first, last)
        for day in range(first, first + length):
            if day in read:
                for k in needed:
                    kept[k][read[day]] = wide[k][day - first].copy()
    span = outcome.baseline_grade(resolved.concern, course.patient.severity) - (
        resolved.concern.scale.best
    )
    out: dict[str, FloatArray] = {}
    for name in outputs:
        if name in _DAILY:
            key, scale = _DAILY[name]
            out |= {f"{name}@{d}": scale * v for d, v in kept[key].items()}
        elif name == "grade_change":
            out |= {f"{name}@{d}": span * v for d, v in kept["improvement_fraction"].items()}
        elif name == "peak_improvement_pct":
            out[name] = 100.0 * sl.peak
        elif name == "downtime_days":
            out[name] = engine.downtime(sl.arrays, sl.solver.modes, sessions=1)[0]
    return out
