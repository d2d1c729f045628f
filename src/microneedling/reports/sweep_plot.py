"""Plots of a sweep: each output's median and 5-95 % band against one setting, a line per
value of another (e.g. improvement against needle length, one line per number of sessions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from microneedling.model.sweep import OUTPUTS, SweepResult
from microneedling.model.sweep.spec import NUMERIC

#: The setting on the x axis, in order of preference, when the sweep varies it.
X_PREFERENCE = ("needle_length_mm", "sessions", "passes", "interval_days")


def _varied(result: SweepResult) -> list[str]:
    spec = result.spec
    names = list(spec.grid) if spec.grid is not None else list(spec.sample.ranges)  # type: ignore[union-attr]
    return [n for n in X_PREFERENCE if n in names] + [n for n in names if n not in X_PREFERENCE]


def plot_sweep(result: SweepResult, directory: Path) -> list[Path]:
    """One PNG per output column group (``<output>.png``); the paths written."""
    varied = _varied(result)
    x = next((n for n in varied if n in NUMERIC), None)
    if x is None:
        return []
    group = next((n for n in varied if n != x), None)
    keys = sorted({k[: -len(" p50")] for k in result.rows[0] if k.endswith(" p50")})
    paths = []
    for key in keys:
        fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
        lines: dict[Any, list[dict[str, Any]]] = {}
        for row in result.rows:
            lines.setdefault(row.get(group) if group else None, []).append(row)
        for value, rows in lines.items():
            rows.sort(key=lambda r: float(r[x]))
            xs = [float(r[x]) for r in rows]
            label = f"{group} = {value}" if group else None
            (line,) = ax.plot(xs, [r[f"{key} p50"] for r in rows], marker="o", label=label)
            ax.fill_between(
                xs, [r[f"{key} p5"] for r in rows], [r[f"{key} p95"] for r in rows],
                color=line.get_color(), alpha=0.15, linewidth=0,
            )  # fmt: skip
        name, _, day = key.partition("@")
        ax.set_xlabel(x.replace("_", " "))
        when = f", {day} days after the last session" if day else ""
        unit = OUTPUTS[name].rsplit(" [", 1)[-1].rstrip("]")
        ax.set_ylabel(f"{name.replace('_', ' ')} [{unit}]")
        ax.set_title(f"{result.spec.name}: {name.replace('_', ' ')}{when}", fontsize=10)
        if group:
            ax.legend(fontsize=8)
        ax.text(
            0.99, 0.01, "median and 5-95 % of virtual patients: a model, not a promise",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="0.4",
        )  # fmt: skip
        fig.tight_layout()
        path = directory / f"{key.replace('@', '-at-')}.png"
        fig.savefig(path)
        plt.close(fig)
        paths.append(path)
    return paths
