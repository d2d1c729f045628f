"""Speed of ``microneedling sweep`` on Dask, on demand: ``python -m benchmarks.sweep_bench``.

Prints, as Markdown for docs/model.md:

1. throughput (patient-courses per second) of one point of the benchmark course on a local
   cluster of 1 and of 2 worker processes (``sweep.run.local_cluster``, as the command starts
   it), the workers' CPU time per course (steadier than the wall time on a shared machine) and
   the load average, and the scaling efficiency (2-worker throughput over twice the 1-worker
   one);
2. the wall time of a 1,000,000-patient single course on 2 workers, and its CPU per course;
3. the scheduler's overhead per task (trivial tasks through the same cluster), and from it and
   the per-worker throughput an estimate for a cluster of 100 nodes.

The course is the model benchmark's: four pen sessions 28 days apart, read 90 days after the
last (improvement and first-session downtime). Cluster start-up is timed apart, not counted.
"""

from __future__ import annotations

import argparse
import os
import time

from dask.distributed import Client

from microneedling.model.sweep import SweepSpec
from microneedling.model.sweep.run import local_cluster, run_sweep

COURSE = {"needle_length_mm": 1.0, "passes": 3, "sessions": 4, "interval_days": 28}


def spec(patients: int, per_task: int) -> SweepSpec:
    return SweepSpec.model_validate(
        {
            "name": "bench",
            "fixed": COURSE,
            "grid": {"concern": ["fine_lines"]},
            "patients_per_point": patients,
            "max_patients_per_task": per_task,
            "read_days_after_last": [90],
            "outputs": ["improvement_pct", "downtime_days"],
        }
    )


def timed_sweep(client: Client, patients: int, per_task: int) -> tuple[float, float]:
    """Wall time [s] of one sweep, and the CPU time [s] its worker processes spent on it
    (steadier than the wall time on a shared, loaded machine)."""
    before = sum(client.run(time.process_time).values())
    start = time.perf_counter()
    run_sweep(spec(patients, per_task), scheduler=client.scheduler.address)
    wall = time.perf_counter() - start
    return wall, sum(client.run(time.process_time).values()) - before


def task_overhead_s(client: Client, n: int = 2000) -> float:
    start = time.perf_counter()
    client.gather(client.map(abs, range(-n, 0), pure=False))
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200_000)
    parser.add_argument("--million", type=int, default=1_000_000)
    args = parser.parse_args()
    per_task = 50_000
    rates = {}
    for workers in (1, 2):
        start = time.perf_counter()
        with local_cluster(workers) as cluster, Client(cluster) as client:
            startup = time.perf_counter() - start
            timed_sweep(client, 2 * per_task, per_task)  # warm the workers' imports
            wall, cpu = timed_sweep(client, args.patients, per_task)
            rates[workers] = args.patients / wall
            print(
                f"| {workers} worker(s) | {args.patients:,} patients | {wall:.2f} s | "
                f"{rates[workers]:,.0f} courses/s | {1e6 * cpu / args.patients:.1f} µs CPU "
                f"per course | start-up {startup:.1f} s | load {_load()} |"
            )
            if workers == 2:
                million, million_cpu = timed_sweep(client, args.million, per_task)
                overhead = task_overhead_s(client)
    efficiency = rates[2] / (2 * rates[1])
    print(f"\nScaling efficiency 1 → 2 workers: {efficiency:.2f}")
    print(
        f"{args.million:,} patients on 2 workers: {million:.2f} s "
        f"({1e6 * million_cpu / args.million:.1f} µs CPU per course; load {_load()})"
    )
    print(f"Scheduler overhead per task: {1e3 * overhead:.2f} ms")
    per_worker = rates[1]
    tasks = args.million / per_task
    for nodes, cores in ((100, 2), (100, 32)):
        workers = nodes * cores
        compute = args.million / (per_worker * workers)
        print(
            f"Estimate, {nodes} nodes × {cores} cores, {args.million:,} patients: "
            f"{compute + tasks * overhead:.2f} s "
            f"(compute {compute:.3f} s + scheduling {tasks * overhead:.3f} s); "
            f"{100 * args.million:,} patients: "
            f"{100 * compute + 100 * tasks * overhead:.1f} s"
        )
    print(f"\nload average: {_load()}")


def _load() -> str:
    """The 1, 5 and 15-minute load averages, as /proc/loadavg gives them."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
