"""Running a sweep on Dask: points split into tasks of bounded size, bands taken exactly.

Each task simulates one share of one point's patients (at most ``max_patients_per_task``, so
a worker's memory is bounded) and returns every patient's outcome values; the client
concatenates a point's shares and takes the 5th, 50th and 95th percentiles of all of them. A
point split over several tasks therefore has exactly the bands it would have in one task:
nothing is averaged. Each share draws its own patients from a seed derived from the sweep's
seed, the point and the share (``numpy.random.SeedSequence``), so a sweep is reproducible
whatever the cluster.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dask
import numpy as np
from dask.distributed import Client, LocalCluster, as_completed
from numpy.typing import NDArray
from pydantic import ValidationError

from microneedling.errors import InvalidInput
from microneedling.knowledge import load_knowledge
from microneedling.model.cohort import PatientMix
from microneedling.model.course import Course
from microneedling.model.parameters import full_parameter_set
from microneedling.model.solver.inputs import course_parameters
from microneedling.model.sweep.outcomes import patient_outcomes
from microneedling.model.sweep.spec import SweepSpec, course_of

FloatArray = NDArray[np.float64]
PERCENTILES = (5.0, 50.0, 95.0)
#: glibc's allocator in the worker processes, set before they start. Dask's default
#: (``MALLOC_TRIM_THRESHOLD_=65536``) hands every freed block back to the system, so each of a
#: task's many array temporaries (0.4 MB at 50,000 patients) is faulted in afresh: measured at
#: 93,000 page faults and 0.35 s of system time per 50,000-patient task, more than the
#: solving. Blocks under 32 MiB come from the heap, which keeps up to 256 MiB free between
#: tasks (a task's own footprint is about 0.3 GB, docs/model.md).
WORKER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "268435456"}


@dataclass(frozen=True)
class Task:
    """One share of one point: patients ``size`` drawn with ``seed``."""

    point: int
    size: int
    seed: int


@dataclass(frozen=True)
class SweepResult:
    """One row per point: its settings, patients, tasks, and each output's 5/50/95 %."""

    spec: SweepSpec
    rows: list[dict[str, Any]]


def courses(spec: SweepSpec) -> list[Course]:
    """Every point's course, checked against the knowledge base before anything runs."""
    follow = max(spec.read_days_after_last) + 1
    kb = load_knowledge()
    out = []
    for point in spec.points():
        settings = ", ".join(f"{k}={v}" for k, v in point.items())
        try:
            course = course_of(point, follow)
            # Resolving the parameters checks site, concern, device and needle length.
            course_parameters(course, kb, full_parameter_set())
        except InvalidInput as exc:
            raise InvalidInput(
                _spec_field(spec, exc.field), f"{exc.problem} ({settings})"
            ) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"])
            raise InvalidInput(_spec_field(spec, field), f"{first['msg']} ({settings})") from None
        out.append(course)
    return out


def _spec_field(spec: SweepSpec, course_field: str) -> str:
    """A course's field named as the spec sets it (``grid.needle_length_mm``)."""
    last = course_field.rsplit(".", 1)[-1]
    name = {"device_kind": "device_kind", "length_mm": "needle_length_mm"}.get(last, last)
    for part in ("grid", "fixed"):
        if name in (getattr(spec, part) or {}):
            return f"{part}.{name}"
    if spec.sample is not None and name in spec.sample.ranges:
        return f"sample.ranges.{name}"
    return course_field


def tasks(spec: SweepSpec, n_points: int) -> list[Task]:
    """Each point's patients in shares of at most ``max_patients_per_task``."""
    out = []
    per = spec.patients_per_point
    for point in range(n_points):
        shares = math.ceil(per / spec.max_patients_per_task)
        sizes = [per // shares + (1 if k < per % shares else 0) for k in range(shares)]
        seeds = np.random.SeedSequence([spec.seed, point]).generate_state(shares)
        out += [Task(point, size, int(seed)) for size, seed in zip(sizes, seeds, strict=True)]
    return out


def run_task(
    course: Course, task: Task, read_days: list[int], outputs: list[str], mix: PatientMix
) -> tuple[int, dict[str, FloatArray]]:
    """What a worker runs: one share's per-patient outcomes (module-level, so it pickles)."""
    values = patient_outcomes(
        course, task.size, seed=task.seed, read_days_after_last=read_days, outputs=outputs,
        mix=mix,
    )  # fmt: skip
    return task.point, values


def local_cluster(workers: int) -> LocalCluster:
    """A cluster of ``workers`` processes of one thread each on loopback, their allocator set
    as :data:`WORKER_MALLOC`."""
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ")) | WORKER_MALLOC
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        # The scheduler's HTTP server on a free port: its default, 8787, may be another
        # cluster's on a shared machine (a warning, then a failed start).
        return LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )  # fmt: skip


def run_sweep(
    spec: SweepSpec,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run ``spec`` on the Dask scheduler at ``scheduler``, or on a local cluster of
    ``workers`` processes (one thread each) started and stopped here."""
    points = spec.points()
    runs = courses(spec)
    work = tasks(spec, len(points))
    mix = PatientMix(spec.patient_mix.age_years, spec.patient_mix.female_share)
    args = (list(spec.read_days_after_last), list(spec.outputs), mix)
    parts: dict[int, list[dict[str, FloatArray]]] = {i: [] for i in range(len(points))}
    cluster = local_cluster(workers) if scheduler is None else None
    try:
        with Client(scheduler or cluster) as client:
            futures = [client.submit(run_task, runs[t.point], t, *args, pure=False) for t in work]
            for done, future in enumerate(as_completed(futures), start=1):
                point, values = future.result()
                parts[point].append(values)
                future.release()
                if progress:
                    progress(done, len(work))
    finally:
        if cluster is not None:
            cluster.close()
    rows = []
    for i, point in enumerate(points):
        row: dict[str, Any] = dict(point)
        row["patients"] = spec.patients_per_point
        row["tasks"] = len(parts[i])
        for key in parts[i][0]:
            values = np.concatenate([p[key] for p in parts[i]])
            low, mid, high = np.percentile(values, PERCENTILES)
            row |= {f"{key} p5": float(low), f"{key} p50": float(mid), f"{key} p95": float(high)}
        rows.append(row)
    return SweepResult(spec, rows)
