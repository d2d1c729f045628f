"""Speed of the skin-response model, on demand: ``python -m benchmarks.model_bench``.

Three figures, printed as a Markdown table for docs/model.md:

1. one patient, a one-year course of four sessions, daily output (``simulate_course``);
2. a 100,000-patient virtual cohort of that course on two threads, producing the daily
   5/50/95 % bands of every output, with the CPU time it took (less sensitive to other load on
   a shared machine than the wall time) and the process's peak resident memory (each run in a
   fresh child process so nothing else counts; five runs, as the median and the range, since
   the same run varies by 20 % on a shared machine);
3. the same equations integrated patient by patient with ``solve_ivp`` (the reference in
   ``model_reference.py``) on a sample of the cohort's patients, side by side with the exact
   solver on the same patients: time per patient and the largest relative difference.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from benchmarks.model_reference import reference_patient, relative_error
from microneedling.knowledge import load_knowledge
from microneedling.model import (
    Course,
    draw_parameters,
    parameter_space,
    simulate_course,
)
from microneedling.model.parameters import full_parameter_set
from microneedling.model.solver import engine
from microneedling.model.solver.inputs import course_parameters, patient_arrays

COHORT = 100_000
SAMPLE = 20
RUNS = 5


def one_year_course() -> Course:
    """Four pen sessions four weeks apart, followed for a year from the first."""
    return Course.repeated(
        dt.date(2026, 1, 5), "pen", 1.0, 3, 4, 28, age_years=45, sex="female", horizon_days=365
    )


def single_patient_ms(repeats: int = 200) -> float:
    course = one_year_course()
    simulate_course(course)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        simulate_course(course)
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def cohort_child(hourly: bool) -> dict[str, float]:
    """Run the cohort in a fresh process; return its wall and CPU time [s] and peak RSS [MB]."""
    code = (
        "import json, resource, time\n"
        "from benchmarks.model_bench import one_year_course\n"
        "from microneedling.model import simulate_cohort\n"
        "course = one_year_course()\n"
        "simulate_cohort(course, n=2000, workers=2)\n"
        "t = time.perf_counter()\n"
        "cpu = time.process_time()\n"
        f"simulate_cohort(course, n={COHORT}, seed=1, workers=2, hourly={hourly})\n"
        "elapsed = time.perf_counter() - t\n"
        "cpu = time.process_time() - cpu\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': elapsed, 'cpu_seconds': cpu, 'peak_rss_mb': rss}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def reference_side_by_side() -> dict[str, float]:
    """Exact solver vs solve_ivp on the same sampled patients of the cohort."""
    course = one_year_course()
    space = parameter_space(course)
    matrix = draw_parameters(space, COHORT, seed=1)[:SAMPLE]
    resolved, _ = course_parameters(course, load_knowledge(), full_parameter_set())
    values = {name: matrix[:, j] for j, name in enumerate(space)}
    arrays = patient_arrays(course, resolved.concern, values)
    t = time.perf_counter()
    block = next(engine.DailySolver(arrays, block_days=366).blocks(365))
    fast_s = (time.perf_counter() - t) / SAMPLE
    worst = 0.0
    t = time.perf_counter()
    for j in range(SAMPLE):
        ref = reference_patient(arrays, j, 365)
        for name, expected in ref.items():
            got = block.outputs[name][:, j] if name in block.outputs else block.states[name][:, j]
            worst = max(worst, relative_error(got, expected))
    ref_s = (time.perf_counter() - t) / SAMPLE
    return {"reference_ms": 1e3 * ref_s, "exact_sample_ms": 1e3 * fast_s, "max_rel_diff": worst}


def cohort_runs(hourly: bool, runs: int) -> dict[str, list[float]]:
    """``runs`` cohort runs, each in a fresh process: every figure as a sorted list."""
    results = [cohort_child(hourly) for _ in range(runs)]
    return {k: sorted(r[k] for r in results) for k in results[0]}


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    """Median and range of a sorted list."""
    median = statistics.median(values)
    return f"{median:.{digits}f} {unit} ({values[0]:.{digits}f}-{values[-1]:.{digits}f})"


def main() -> int:
    load = os.getloadavg()
    single = single_patient_ms()
    daily = cohort_runs(hourly=False, runs=RUNS)
    hourly = cohort_runs(hourly=True, runs=max(1, RUNS // 2))
    side = reference_side_by_side()
    cohort_per_patient_ms = 1e3 * statistics.median(daily["seconds"]) / COHORT
    rows = [
        ("One patient, 1-year course, 4 sessions, daily output", f"{single:.2f} ms", "< 5 ms"),
        (
            f"{COHORT:,}-patient cohort, daily 5/50/95 % bands of every output, 2 threads: "
            f"median (range) of {RUNS} runs",
            f"{spread(daily['seconds'], 's')}, CPU {spread(daily['cpu_seconds'], 's')}, "
            f"peak RSS {spread(daily['peak_rss_mb'], 'MB', 0)}",
            "< 2 s, < 2 GB",
        ),
        (
            "same, plus the 72-hour hourly bands after each session "
            f"({len(hourly['seconds'])} runs)",
            f"{spread(hourly['seconds'], 's')}, CPU {spread(hourly['cpu_seconds'], 's')}, "
            f"peak RSS {spread(hourly['peak_rss_mb'], 'MB', 0)}",
            "",
        ),
        (
            f"solve_ivp reference (DOP853, rtol 1e-12), {SAMPLE} sampled patients",
            f"{side['reference_ms']:.1f} ms per patient",
            "",
        ),
        (
            "exact solver on the same patients / within the cohort",
            f"{side['exact_sample_ms']:.3f} / {cohort_per_patient_ms:.4f} ms per patient",
            "",
        ),
        (
            "speed-up per patient (reference / cohort path)",
            f"{side['reference_ms'] / cohort_per_patient_ms:,.0f}x",
            ">= 100x",
        ),
        (
            "largest relative difference, exact vs reference",
            f"{side['max_rel_diff']:.1e}",
            "<= 1e-6",
        ),
    ]
    print(
        f"Measured {dt.date.today().isoformat()}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} (1/5/15 min), NumPy {np.__version__}"
    )
    print()
    print("| benchmark | measured | target |")
    print("|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
