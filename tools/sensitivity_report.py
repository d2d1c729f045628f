"""The Markdown page for ``python -m tools.sensitivity``: method, tables, unsourced parameters."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from microneedling.model import ParameterSet, full_parameter_set, parameter_space
from tools.sensitivity import (
    DEFINITION_SWEEPS,
    FOLLOW_UP_DAYS,
    OUTPUTS,
    READ_AFTER_LAST_DAYS,
    Indices,
    ScenarioResult,
    sampled_interval,
)

#: Below this total index a parameter is listed as negligible rather than given a row.
SHOWN_FROM = 0.01
SHORT = {
    "collagen_gain": "collagen 8 wk",
    "peak_redness": "peak redness",
    "downtime": "downtime",
    "improvement": "improvement",
    "maintenance": "maintenance",
    "epidermis": "epidermis",
    "open_channels": "open channels",
}


def _g(x: float) -> str:
    return f"{x:.3g}"


def _idx(value: float, conf: float) -> str:
    if math.isnan(value):
        return "–"
    if value == 0 and conf == 0:  # every paired run gave the same output: it does not enter
        return "0 (no effect)"
    return f"{value:.2f} ± {conf:.2f}"


def unsourced(pset: ParameterSet | None = None) -> list[str]:
    """Parameters with no published value: the parameter sets mark them ``chosen``."""
    pset = pset or full_parameter_set()
    return [name for name, p in pset.items() if p.origin == "chosen"]


def _widths(results: Sequence[ScenarioResult], attr: str) -> str:
    """Median and largest interval half-width over every index with ST >= SHOWN_FROM."""
    half = np.concatenate(
        [
            getattr(ind, attr)[ind.st >= SHOWN_FROM]
            for r in results
            for ind in r.indices.values()
            if ind.note != "constant"
        ]
    )
    return f"± {np.median(half):.3f} (median), ± {np.max(half):.3f} (largest)"


def _same(a: Indices, b: Indices) -> bool:
    return bool(np.allclose(a.st, b.st, equal_nan=True) and math.isclose(a.mean, b.mean))


def _ranges(results: Sequence[ScenarioResult]) -> list[str]:
    first = results[0]
    other = next(r for r in results if r.scenario.course.patient != first.scenario.course.patient)
    spaces = [parameter_space(r.scenario.course) for r in (first, other)]
    lines = [
        f"| parameter | origin | spread | sampled: {first.scenario.key} | "
        f"sampled: {other.scenario.key} |",
        "|---|---|---|---|---|",
    ]
    for name, p in spaces[0].items():
        cells = []
        for space in spaces:
            q = space[name]
            if q.spread.kind == "fixed":
                cells.append(f"fixed at {_g(q.value)}")
                continue
            lo, hi = sampled_interval(q)
            a, b = q.spread.from_unit(q.value, np.array([lo, hi]))
            cells.append(f"{_g(float(a))} – {_g(float(b))}")
        lines.append(
            f"| {name} | {p.origin} | {p.spread.describe(p.unit)} | {cells[0]} | {cells[1]} |"
        )
    return lines


def _output_table(res: ScenarioResult, key: str, origins: dict[str, str]) -> list[str]:
    ind = res.indices[key]
    if ind.note == "constant":
        return ["The output is the same for every sampled patient: no variance to apportion.", ""]
    order = np.argsort(-ind.st)
    lines = ["| rank | parameter | origin | first-order S1 | total ST |", "|---|---|---|---|---|"]
    small = []
    for rank, j in enumerate(order, start=1):
        name = res.names[j]
        if ind.st[j] < SHOWN_FROM:
            small.append(name)
            continue
        lines.append(
            f"| {rank} | {name} | {origins[name]} | {_idx(ind.s1[j], ind.s1_conf[j])} | "
            f"{_idx(ind.st[j], ind.st_conf[j])} |"
        )
    lines.append("")
    s1_sum = float(np.nansum(ind.s1))
    lines.append(
        f"Sum of first-order indices {s1_sum:.2f} (1 would mean no interactions). "
        f"ST below {SHOWN_FROM} ({len(small)}): {', '.join(small) or 'none'}."
    )
    return [*lines, ""]


def _scenario_section(
    res: ScenarioResult, by_key: dict[str, ScenarioResult], origins: dict[str, str]
) -> list[str]:
    sc = res.scenario
    lines = [f"## {sc.title}", "", f"{sc.why}. {res.runs:,} model runs in {res.seconds:.0f} s.", ""]
    lines += [
        "| output | unit | nominal patient | sample mean | 5–95 % of the sample |",
        "|---|---|---|---|---|",
    ]
    for o in OUTPUTS:
        ind = res.indices[o.key]
        lines.append(
            f"| {o.label} | {o.unit} | {_g(res.nominal[o.key])} | {_g(ind.mean)} | "
            f"{_g(ind.p5)} – {_g(ind.p95)} |"
        )
    lines += [
        "",
        f"Maintenance not due within {FOLLOW_UP_DAYS} days after the last session (counted at "
        f"that day): {100 * res.censored_share:.1f} % of the sample.",
        "",
    ]
    base = by_key.get(sc.same_sessions_as or "")
    repeated = []
    for o in OUTPUTS:
        if base is not None and _same(res.indices[o.key], base.indices[o.key]):
            repeated.append(o.label)
            continue
        lines += [f"### {o.label} ({sc.key})", "", *_output_table(res, o.key, origins)]
    if repeated and base is not None:
        lines += [
            f"Not repeated (indices identical to the {base.scenario.key} course's): "
            f"{', '.join(repeated)}.",
            "",
        ]
    return lines


#: Plain-language reading of the largest unsourced total index (point estimate).
VERDICTS = (
    (
        0.05,
        "little",
        "no unsourced choice takes part in as much as 5 % of the output's variance; its "
        "spread comes from sourced (measured, derived or fitted) parameters, so trust it as "
        "far as those sources go",
    ),
    (
        0.3,
        "partly",
        "an unsourced choice takes part in 5-30 % of the variance; the central value stands "
        "on sources, its width partly on a guess",
    ),
    (
        math.inf,
        "much",
        "an unsourced choice takes part in 30 % or more of the variance; read the output as "
        "what that assumption implies, not as a measured prediction",
    ),
)


def _verdict(st: float) -> str:
    return next(word for bound, word, _ in VERDICTS if st < bound)


def _unsourced_section(
    results: Sequence[ScenarioResult], chosen: list[str], origins: dict[str, str]
) -> list[str]:
    pset = full_parameter_set()
    lines = [
        "## Unsourced parameters and how much they matter",
        "",
        f"The parameter sets mark {len(chosen)} parameters *chosen*: no publication gives "
        "their value (`src/microneedling/model/parameters/`, docs/model-parameters.md). "
        "Each cell is the total Sobol index ST ± its 95 % interval: the share of the output's "
        "variance this parameter takes part in, alone or with others. *fixed* = a definition, "
        "not varied (see the next table); – = the output does not vary.",
        "",
    ]
    head = "| parameter | " + " | ".join(SHORT[o.key] for o in OUTPUTS) + " |"
    for res in results:
        lines += [f"### {res.scenario.title}", "", head, "|---" * (len(OUTPUTS) + 1) + "|"]
        for name in chosen:
            cells = []
            for o in OUTPUTS:
                ind = res.indices[o.key]
                if name not in res.names:
                    cells.append("fixed")
                    continue
                j = res.names.index(name)
                cells.append(_idx(ind.st[j], ind.st_conf[j]))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "### Definitions with no published value, moved one at a time",
        "",
        "These are fixed (they define what an output means), so the Sobol analysis does not "
        "vary them. Each is moved to an illustrative low and high value, everything else "
        "nominal; only outputs that change are listed.",
        "",
        "| definition (nominal) | moved to | course | output | at low | nominal | at high |",
        "|---|---|---|---|---|---|---|",
    ]
    for pname, (low, high) in DEFINITION_SWEEPS.items():
        for res in results:
            for o in OUTPUTS:
                a, mid, b = res.sweeps[f"{pname}|{o.key}"]
                if math.isclose(a, mid) and math.isclose(b, mid):
                    continue
                lines.append(
                    f"| {pname} ({_g(pset[pname].value)}) | {_g(low)}, {_g(high)} | "
                    f"{res.scenario.key} | {o.label} | {_g(a)} | {_g(mid)} | {_g(b)} |"
                )
    lines += [
        "",
        "### What this means for trust in each output",
        "",
        "How much each output rests on values no publication gives, per course, read from the "
        "largest total index of an unsourced parameter (point estimate; where its interval "
        "crosses a bound, so does the reading). *Unsourced summed* adds their total indices: "
        "an upper bound on the share they take part in together. Indices are shares of the "
        "output's variance, whatever its size: read them beside the sample's range (an output "
        "that barely varies can still have a large index).",
        "",
        *[f"- *{word}*: {meaning}." for _, word, meaning in VERDICTS],
        "",
    ]
    for o in OUTPUTS:
        defined_by = sorted(
            {
                pname
                for pname in DEFINITION_SWEEPS
                for res in results
                if len(set(np.round(res.sweeps[f"{pname}|{o.key}"], 9))) > 1
            }
        )
        definition = (
            f" By definition it also moves with {' and '.join(defined_by)} (table above)."
            if defined_by
            else ""
        )
        lines.append(f"**{o.label}**.{definition}")
        lines.append("")
        by_key = {r.scenario.key: r for r in results}
        for res in results:
            ind = res.indices[o.key]
            base = by_key.get(res.scenario.same_sessions_as or "")
            if base is not None and _same(ind, base.indices[o.key]):
                lines.append(f"- {res.scenario.key}: as {base.scenario.key}.")
                continue
            if ind.note == "constant":
                lines.append(f"- {res.scenario.key}: the output does not vary.")
                continue
            js = [res.names.index(n) for n in chosen if n in res.names]
            top = max(js, key=lambda j: float(ind.st[j]))
            overall = int(np.nanargmax(ind.st))
            largest = (
                f"largest unsourced {res.names[top]} (ST {_idx(ind.st[top], ind.st_conf[top])})"
                if ind.st[top] != 0 or ind.st_conf[top] != 0
                else "no unsourced parameter enters it"
            )
            lines.append(
                f"- {res.scenario.key} (5–95 % of the sample {_g(ind.p5)} – {_g(ind.p95)} "
                f"{o.unit.split(',')[0]}): *{_verdict(float(ind.st[top]))}* — {largest}, unsourced "
                f"summed {float(np.sum(ind.st[js])):.2f}; most influential overall "
                f"{res.names[overall]} ({origins[res.names[overall]]}, "
                f"ST {_idx(ind.st[overall], ind.st_conf[overall])})."
            )
        lines.append("")
    return [*lines, ""]


def markdown(
    results: Sequence[ScenarioResult],
    *,
    command: str,
    date: str,
    machine: str,
    n: int,
    seed: int,
    resamples: int,
    workers: int,
    seconds: float,
) -> str:
    """The whole page."""
    pset = full_parameter_set()
    origins: dict[str, str] = {name: str(p.origin) for name, p in pset.items()}
    space = parameter_space(results[0].scenario.course)
    origins |= {name: f"{p.origin} (site)" for name, p in space.items() if name not in pset}
    chosen = unsourced(pset)
    by_key = {r.scenario.key: r for r in results}
    runs = sum(r.runs for r in results)
    varied_count = len(results[0].names)
    lines = [
        "# Skin-response model: global sensitivity (Sobol indices)",
        "",
        f"Generated by `{command}` (`tools/sensitivity.py`) on {date}; machine: {machine}. "
        f"Saltelli base sample N = {n} (scrambled Sobol sequence, seed {seed}), "
        f"N × (P + 2) = {results[0].runs:,} runs per course, {runs:,} in all, on {workers} "
        f"worker processes in {seconds:.0f} s; bootstrap intervals from {resamples} resamples "
        f"(seed {seed}). `tests/unit/model/test_sensitivity_doc.py` checks that this page names "
        "every unsourced parameter and every output.",
        "",
        "## Method",
        "",
        f"- **What varies**: every one of the {varied_count} parameters with a spread in the "
        "course's parameter space (the model's set and the treated site's three layer "
        "thicknesses). A normal or lognormal parameter is sampled over the central 95 % of its "
        "own distribution (quantiles 2.5–97.5 %, about ±2 sd; truncation bounds respected); a "
        "uniform one over its whole stated interval. Sampling is uniform in quantile space and "
        "each parameter's inverse CDF maps it to a value, so within those bounds every "
        "parameter keeps the shape of its spread. Fixed parameters (definitions and one "
        "derived conversion) are not varied.",
        "- **How**: `SALib.sample.sobol` (Saltelli's scheme, first-order and total indices "
        "only), one patient per row solved with `SkinResponseModel.solve` (the public API; "
        "`simulate_cohort` returns bands only, and Sobol estimators need each run's value), "
        "then `SALib.analyze.sobol` with 95 % bootstrap intervals.",
        f"- **Courses**: followed {FOLLOW_UP_DAYS} days past the last session so the "
        "maintenance date falls inside the horizon (the benchmark follows 365 days from the "
        f"first session, {365 - results[0].scenario.course.last_session_day} days past the "
        "last, and the nominal patient's maintenance falls due "
        f"{results[0].nominal['maintenance']:.0f} days past the last).",
        "- **Reading the indices**: first-order S1 is the share of an output's variance a "
        "parameter explains alone; total ST the share it takes part in, interactions "
        "included (ST − S1 is its interaction part). An index whose interval reaches 0 is not "
        f"distinguishable from 0 at this N; small negative S1 values are sampling noise. At "
        f"N = {n} the total-index intervals (half-widths) are {_widths(results, 'st_conf')}, "
        f"the first-order ones {_widths(results, 's1_conf')}: ranks between parameters whose "
        "intervals overlap are not established.",
        "",
        "- **Caveat**: the indices apportion variance under the spreads the parameter sets "
        "give, and most of those spreads are themselves chosen (the notes say *spread "
        "chosen*). An index says how much a parameter matters if its uncertainty is as wide "
        "as stated; a parameter with a narrow assumed spread can look unimportant only "
        "because of that assumption.",
        "",
        "### Outputs",
        "",
        "| output | unit | read as |",
        "|---|---|---|",
    ]
    reads = {
        "collagen_gain": f"`collagen_pct` − 100 on day last session + {READ_AFTER_LAST_DAYS}",
        "peak_redness": "largest `redness_grade` in the 72-hour windows after the sessions",
        "downtime": "largest per-session `downtime_days`",
        "improvement": "baseline grade − `milestones.peak_expected_grade`, toward the best",
        "maintenance": "`milestones.maintenance_due_on` − last session date",
        "epidermis": f"`epidermis_change_pct` on day last session + {READ_AFTER_LAST_DAYS}",
        "open_channels": "first session's `channels_closed_after_h` (5 % still open)",
    }
    lines += [f"| {o.label} | {o.unit} | {reads[o.key]} |" for o in OUTPUTS]
    lines += ["", "### Parameters and the ranges sampled", "", *_ranges(results), ""]
    lines += [
        "## Most influential parameter per output",
        "",
        "| output | " + " | ".join(r.scenario.key for r in results) + " |",
        "|---" * (len(results) + 1) + "|",
    ]
    for o in OUTPUTS:
        cells = []
        for r in results:
            ind = r.indices[o.key]
            if ind.note == "constant":
                cells.append("does not vary")
                continue
            j = int(np.nanargmax(ind.st))
            cells.append(f"{r.names[j]} (ST {ind.st[j]:.2f})")
        lines.append(f"| {o.label} | " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        lines += _scenario_section(r, by_key, origins)
    lines += _unsourced_section(results, chosen, origins)
    return "\n".join(lines).rstrip() + "\n"
