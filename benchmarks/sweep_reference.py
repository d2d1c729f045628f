"""Fixed-seed numbers of the cohort and sweep solvers, to show a speed-up changes none of them.

``python -m benchmarks.sweep_reference write FILE.npz`` records, with fixed seeds: every
patient's sweep outcomes (:func:`~microneedling.model.sweep.outcomes.patient_outcomes`) for
several courses, read days and outputs; the bands of two cohorts
(:func:`~microneedling.model.cohort.simulate_cohort`, daily, hourly, per session, milestones);
and the table of a small sweep run on a local Dask cluster of two processes.
``python -m benchmarks.sweep_reference compare FILE.npz`` computes the same with the code as it
is now and prints, per array, whether it is bit-identical and otherwise the largest difference
relative to the array's largest magnitude; it exits 1 if any array differs beyond ``--rtol``
(default 0: bit-identical).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from microneedling.model.cohort import PatientMix, simulate_cohort
from microneedling.model.sweep import SweepSpec
from microneedling.model.sweep.outcomes import patient_outcomes
from microneedling.model.sweep.run import run_sweep
from microneedling.model.sweep.spec import OUTPUTS, course_of

FloatArray = NDArray[np.float64]
#: (point, follow-up days, patients, seed, read days, mix) of the per-patient cases.
CASES = (
    ({}, 91, 20_000, 0, [90], PatientMix()),
    ({"sessions": 1}, 400, 5_000, 1, [0, 1, 7, 30, 365], PatientMix()),
    ({"sessions": 6, "interval_days": 21, "needle_length_mm": 1.5}, 200, 5_000, 2, [3, 60], None),
    (
        {"concern": "acne_scars_rolling", "needle_length_mm": 2.0, "interval_days": 35},
        181,
        5_000,
        3,
        [0, 29, 180],
        PatientMix((30.0, 50.0), 0.8),
    ),
    ({"device_kind": "roller", "passes": 5, "sessions": 3}, 3, 3_000, 4, [2], None),
)
SWEEP = {
    "name": "reference",
    "fixed": {"passes": 3},
    "grid": {"needle_length_mm": [0.5, 1.5], "sessions": [1, 3]},
    "patients_per_point": 2_500,
    "max_patients_per_task": 1_000,
    "read_days_after_last": [14, 60],
    "outputs": list(OUTPUTS),
    "seed": 9,
}


def numbers() -> dict[str, FloatArray]:
    """Every recorded array, named."""
    out: dict[str, FloatArray] = {}
    for i, (point, follow, n, seed, read, mix) in enumerate(CASES):
        course = course_of(point, follow)
        values = patient_outcomes(
            course, n, seed=seed, read_days_after_last=read, outputs=list(OUTPUTS), mix=mix
        )
        out |= {f"outcomes{i}/{k}": v for k, v in values.items()}
    for i, (point, follow, n, seed, mix) in enumerate(
        (({}, 91, 20_000, 0, PatientMix()), ({"sessions": 2}, 60, 3_000, 5, None))
    ):
        result = simulate_cohort(course_of(point, follow), n, seed=seed, patient_mix=mix)
        out |= _flat(f"cohort{i}", result.to_dict())
    rows = run_sweep(SweepSpec.model_validate(SWEEP), workers=2).rows
    for j, row in enumerate(rows):
        out |= {
            f"sweep/{j}/{k}": np.asarray(v, np.float64)
            for k, v in row.items()
            if isinstance(v, (int, float))
        }
    return out


def _flat(prefix: str, tree: object) -> dict[str, FloatArray]:
    if isinstance(tree, dict):
        return {k: v for key, sub in tree.items() for k, v in _flat(f"{prefix}/{key}", sub).items()}
    if isinstance(tree, list) and tree and isinstance(tree[0], dict):
        return {k: v for i, sub in enumerate(tree) for k, v in _flat(f"{prefix}/{i}", sub).items()}
    return {prefix: np.asarray(tree, np.float64)}


def compare(path: Path, rtol: float) -> int:
    """Print how each array differs from the recorded one; 1 if any differs beyond ``rtol``."""
    recorded = dict(np.load(path))
    now = numbers()
    worst = 0.0
    for key in sorted(set(recorded) | set(now)):
        if key not in recorded or key not in now:
            print(f"{key}: only {'now' if key in now else 'recorded'}")
            worst = np.inf
            continue
        a, b = recorded[key], now[key]
        if a.shape != b.shape:
            print(f"{key}: shape {a.shape} -> {b.shape}")
            worst = np.inf
            continue
        if np.array_equal(a, b, equal_nan=True):
            continue
        finite = np.isfinite(a) & np.isfinite(b)
        scale = float(np.max(np.abs(a[finite]), initial=0.0)) or 1.0
        diff = float(np.max(np.abs(a[finite] - b[finite]), initial=0.0)) / scale
        if not np.array_equal(np.isfinite(a), np.isfinite(b)):
            diff = np.inf
        worst = max(worst, diff)
        print(f"{key}: differs, largest difference {diff:.3g} of the largest magnitude")
    print(f"{len(now)} arrays; largest relative difference {worst:.3g}")
    return 0 if worst <= rtol else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "compare"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--rtol", type=float, default=0.0)
    args = parser.parse_args()
    if args.action == "write":
        np.savez_compressed(args.file, **numbers())
        print(f"wrote {args.file}")
    else:
        sys.exit(compare(args.file, args.rtol))


if __name__ == "__main__":
    main()
