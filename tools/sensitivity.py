"""Global sensitivity of the skin-response model: Sobol indices over every parameter's spread.

Run from the repository root (SALib is a dev dependency, so this is a tool, not library code)::

    uv run python -m tools.sensitivity                 # writes docs/model-sensitivity.md
    uv run python -m tools.sensitivity --n 64 --output /tmp/quick.md

Every parameter of the course's parameter space (the model's own set plus the site's three
layer thicknesses) that has a spread is varied over the central 95 % of its own distribution
(quantiles 2.5-97.5 %, about ±2 sd for a normal one; the whole interval for a uniform one):
Saltelli's scheme draws points in quantile space, each parameter's inverse CDF maps them to
values. Each point is one patient solved with ``SkinResponseModel.solve`` (the public API;
``simulate_cohort`` returns percentile bands only, and Sobol estimators need every patient's
value). First-order and total indices with bootstrap 95 % intervals come from
``SALib.analyze.sobol``. Fixed parameters (definitions) are not varied; the definitions with
no published value are instead moved one at a time to show what they do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from benchmarks.model_bench import one_year_course
from numpy.typing import NDArray

from microneedling.knowledge import load_knowledge
from microneedling.model import (
    Course,
    CourseResult,
    Parameter,
    ParameterSet,
    SkinResponseModel,
    full_parameter_set,
    parameter_space,
)

FloatArray = NDArray[np.float64]
ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "model-sensitivity.md"
#: Quantiles bounding the sampled part of a normal or lognormal spread (central 95 %).
TAIL = 0.025
#: Days after the last session at which collagen and epidermis are read (Lotfi 2013's biopsy).
READ_AFTER_LAST_DAYS = 56
#: Follow-up past the last session, long enough that maintenance falls inside it.
FOLLOW_UP_DAYS = 3 * 365
#: Definitions with no published value, moved one at a time: name -> (low, high).
DEFINITION_SWEEPS: dict[str, tuple[float, float]] = {
    "Closed-channel open fraction [-]": (0.01, 0.10),
    "Maintenance threshold [-]": (0.70, 0.80),
}


@dataclass(frozen=True)
class Output:
    """One scalar read from a simulated course."""

    key: str
    label: str
    unit: str
    read: Callable[[CourseResult], float]


def _collagen_gain(r: CourseResult) -> float:
    return float(r.daily["collagen_pct"][r.course.last_session_day + READ_AFTER_LAST_DAYS] - 100)


def _epidermis_change(r: CourseResult) -> float:
    day = r.course.last_session_day + READ_AFTER_LAST_DAYS
    return float(r.daily["epidermis_change_pct"][day])


def _peak_redness(r: CourseResult) -> float:
    return max(float(s.hourly["redness_grade"].max()) for s in r.sessions)


def _downtime(r: CourseResult) -> float:
    return max(s.downtime_days for s in r.sessions)


def _improvement(r: CourseResult) -> float:
    scale = r.scale
    toward_best = 1.0 if scale.best < scale.worst else -1.0
    return toward_best * (scale.baseline_grade - r.milestones.peak_expected_grade)


def _maintenance(r: CourseResult) -> float:
    due = r.milestones.maintenance_due_on
    last = r.course.sessions[-1].date
    if due is None:  # censored at the horizon; the report gives the censored share
        return float(r.course.horizon - r.course.last_session_day)
    return float((due - last).days)


def _open_channels(r: CourseResult) -> float:
    return r.sessions[0].channels_closed_after_h


OUTPUTS: tuple[Output, ...] = (
    Output(
        "collagen_gain",
        "Collagen gain at 8 weeks after the last session",
        "percentage points of baseline papillary collagen",
        _collagen_gain,
    ),
    Output("peak_redness", "Peak redness", "erythema grade 0-3", _peak_redness),
    Output("downtime", "Downtime days", "days of visible redness, longest session", _downtime),
    Output(
        "improvement",
        "Expected improvement on the scale",
        "grades toward the best on the concern's scale, at the peak",
        _improvement,
    ),
    Output("maintenance", "Maintenance-due day", "days after the last session", _maintenance),
    Output(
        "epidermis",
        "Epidermal thickness change",
        "% of baseline, 8 weeks after the last session",
        _epidermis_change,
    ),
    Output(
        "open_channels",
        "Open-channel duration",
        "hours until 5 % of the first session's channels are open",
        _open_channels,
    ),
)


@dataclass(frozen=True)
class Scenario:
    """A course analysed, with why it was picked."""

    key: str
    title: str
    why: str
    course: Course
    #: Another scenario with the same sessions and patient (only the concern differs).
    same_sessions_as: str | None = None


def _follow_up(course: Course) -> Course:
    return course.model_copy(update={"horizon_days": course.last_session_day + FOLLOW_UP_DAYS})


def scenarios() -> list[Scenario]:
    """The benchmark's one-year course, the Lotfi 2013 scar course, and two variants so the
    limited and moderate response factors and the occlusion factor enter an output."""
    standard = _follow_up(one_year_course())
    data = yaml.safe_load((ROOT / "examples" / "course-acne-scars-roller.yaml").read_text())
    scars = _follow_up(Course.model_validate(data))

    def variant(course: Course, concern_id: str, occluded: bool = False) -> Course:
        data = course.model_dump()
        data["patient"]["concern"] = concern_id
        for session in data["sessions"]:
            session["occluded"] = occluded
        return Course.model_validate(data)

    return [
        Scenario(
            "standard",
            "Standard course: four 1.0 mm pen sessions, fine lines",
            "the benchmark's course (`benchmarks/model_bench.py`): cheeks, 3 passes, 28 days "
            "apart, a 45-year-old woman; a good responder",
            standard,
        ),
        Scenario(
            "scars",
            "Scar course: five 1.5 mm roller sessions, rolling acne scars",
            "`examples/course-acne-scars-roller.yaml` (Lotfi 2013's protocol): cheeks, 15 "
            "passes, 30 days apart, a 25-year-old man, severe; a good responder",
            scars,
        ),
        Scenario(
            "icepick",
            "Scar course, ice-pick scars (limited responder)",
            "the scar course for `acne_scars_icepick`, graded a limited responder",
            variant(scars, "acne_scars_icepick"),
            "scars",
        ),
        Scenario(
            "wrinkles-occluded",
            "Standard course under occlusion, wrinkles (moderate responder)",
            "the standard course for `wrinkles`, graded a moderate responder, with every "
            "session covered (occluded) afterwards, so the occlusion factor enters",
            variant(standard, "wrinkles", occluded=True),
            "standard",
        ),
    ]


def sampled_interval(p: Parameter) -> tuple[float, float]:
    """Quantile interval sampled for ``p``: the whole range if uniform, else the central 95 %."""
    return (0.0, 1.0) if p.spread.kind == "uniform" else (TAIL, 1.0 - TAIL)


def varied(space: ParameterSet) -> list[str]:
    """Parameters with a spread (fixed ones are definitions or conversions)."""
    return [name for name, p in space.items() if p.spread.kind != "fixed"]


def to_values(space: ParameterSet, names: Sequence[str], quantiles: FloatArray) -> FloatArray:
    """Map an N x P matrix of quantiles to parameter values through each inverse CDF."""
    cols = [space[n].spread.from_unit(space[n].value, quantiles[:, j]) for j, n in enumerate(names)]
    return np.column_stack(cols)


_MODEL: SkinResponseModel | None = None


def _solve_rows(
    course: Course, names: Sequence[str], rows: FloatArray, extra: dict[str, float]
) -> FloatArray:
    """Every output for each row of parameter values (runs in a worker process)."""
    global _MODEL
    if _MODEL is None:
        _MODEL = SkinResponseModel(full_parameter_set(), load_knowledge())
    out = np.empty((rows.shape[0], len(OUTPUTS)))
    for i, row in enumerate(rows):
        values = dict(zip(names, row.tolist(), strict=True)) | extra
        result = _MODEL.solve(course, values)
        out[i] = [o.read(result) for o in OUTPUTS]
    return out


def evaluate(course: Course, names: Sequence[str], values: FloatArray, workers: int) -> FloatArray:
    """Outputs (N x outputs) for an N x P value matrix, split over worker processes."""
    if workers <= 1:
        return _solve_rows(course, names, values, {})
    parts = np.array_split(values, workers * 8)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = pool.map(_solve_rows, *zip(*[(course, names, p, {}) for p in parts], strict=True))
        return np.vstack(list(done))


@dataclass(frozen=True)
class Indices:
    """Sobol indices of one output: arrays over the varied parameters (NaN if it is constant)."""

    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray
    mean: float
    p5: float
    p95: float
    note: str = ""


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    names: list[str]
    indices: dict[str, Indices]
    censored_share: float
    sweeps: dict[str, tuple[float, float, float]]  # "param|output" -> (low, nominal, high)
    nominal: dict[str, float]
    runs: int
    seconds: float


def analyse(scenario: Scenario, n: int, seed: int, workers: int, resamples: int) -> ScenarioResult:
    """Sample, solve and analyse one scenario."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    space = parameter_space(scenario.course)
    names = varied(space)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(sampled_interval(space[name])) for name in names],
    }
    t0 = time.perf_counter()
    quantiles = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    y = evaluate(scenario.course, names, to_values(space, names, quantiles), workers)
    seconds = time.perf_counter() - t0
    indices: dict[str, Indices] = {}
    for j, out in enumerate(OUTPUTS):
        col = y[:, j]
        spread = (float(col.mean()), float(np.percentile(col, 5)), float(np.percentile(col, 95)))
        if float(np.ptp(col)) <= 1e-9 * max(1.0, abs(spread[0])):
            nan = np.full(len(names), math.nan)
            indices[out.key] = Indices(nan, nan, nan, nan, *spread, note="constant")
            continue
        si = sobol_analyze.analyze(
            problem, col, calc_second_order=False, num_resamples=resamples, seed=seed
        )
        indices[out.key] = Indices(
            np.asarray(si["S1"]),
            np.asarray(si["S1_conf"]),
            np.asarray(si["ST"]),
            np.asarray(si["ST_conf"]),
            *spread,
        )
    maint = [o.key for o in OUTPUTS].index("maintenance")
    cap = scenario.course.horizon - scenario.course.last_session_day
    censored = float(np.mean(y[:, maint] >= cap))
    nominal_row = _solve_rows(scenario.course, [], np.empty((1, 0)), {})[0]
    sweeps: dict[str, tuple[float, float, float]] = {}
    for pname, (low, high) in DEFINITION_SWEEPS.items():
        lo = _solve_rows(scenario.course, [], np.empty((1, 0)), {pname: low})[0]
        hi = _solve_rows(scenario.course, [], np.empty((1, 0)), {pname: high})[0]
        for j, out in enumerate(OUTPUTS):
            sweeps[f"{pname}|{out.key}"] = (float(lo[j]), float(nominal_row[j]), float(hi[j]))
    return ScenarioResult(
        scenario,
        names,
        indices,
        censored,
        sweeps,
        {o.key: float(nominal_row[j]) for j, o in enumerate(OUTPUTS)},
        int(y.shape[0]),
        seconds,
    )


def machine() -> str:
    """CPU count, load average and versions, for the page's header."""
    from importlib.metadata import version

    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), load average {load} (1/5/15 min), "
        f"Python {platform.python_version()}, NumPy {np.__version__}, SALib {version('SALib')}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    from tools.sensitivity_report import markdown

    parser = argparse.ArgumentParser(prog="python -m tools.sensitivity", description=__doc__)
    parser.add_argument("--n", type=int, default=512, help="Saltelli base sample (power of 2)")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--output", type=Path, default=DOC)
    args = parser.parse_args(argv)
    if args.n < 2 or args.n & (args.n - 1):
        parser.error("--n must be a power of 2 (Sobol sequence)")
    started = time.perf_counter()
    header_machine = machine()
    results = []
    for sc in scenarios():
        print(f"{sc.key}: sampling and solving ...", file=sys.stderr)
        results.append(analyse(sc, args.n, args.seed, args.workers, args.resamples))
        print(f"{sc.key}: {results[-1].runs} runs in {results[-1].seconds:.1f} s", file=sys.stderr)
    command = (
        "uv run python -m tools.sensitivity"
        + (f" --n {args.n}" if args.n != 512 else "")
        + (f" --seed {args.seed}" if args.seed != 20261121 else "")
    )
    page = markdown(
        results,
        command=command,
        date=dt.date.today().isoformat(),
        machine=header_machine,
        n=args.n,
        seed=args.seed,
        resamples=args.resamples,
        workers=args.workers,
        seconds=time.perf_counter() - started,
    )
    args.output.write_text(page)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
