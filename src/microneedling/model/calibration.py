"""Calibration as code: the fitted parameters re-fitted from the evidence table.

Objective (a maximum a posteriori fit, i.e. weighted least squares with priors)::

    minimise  sum_i ((model_i - figure_i) / sigma_i)**2  +  sum_k ((ln t_k - ln t0_k) / s_k)**2

over the log of each fitted parameter ``t_k``; ``i`` runs over the fit rows (those a
parameter names in ``fitted_to``), ``sigma_i = sqrt(SE_i**2 + m_i**2)`` combines the paper's
standard error with the stated model error (:mod:`.evidence.bands`), and the prior of each
parameter is log-normal around its prior value with a log sd of ``PRIOR_LOG_SD`` (weak: no
publication gives these values; ``parameters/calibrated.py``).
``microneedling calibrate`` prints the residuals; ``--write`` writes
``parameters/calibrated.yaml`` with the provenance; ``--loso`` adds the leave-one-study-out
prediction errors and ``--report`` writes them as a page (docs/model-calibration.md).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import least_squares

from microneedling.model.evidence import Evidence, model_error, model_value
from microneedling.model.parameters.calibrated import PRIOR_LOG_SD, PRIORS

OBJECTIVE = (
    "maximum a posteriori: weighted least squares over the fit rows, sigma = sqrt(SE^2 + "
    "model error^2), plus log-normal priors of the fitted parameters"
)


@dataclass(frozen=True)
class Residual:
    """One row under a fit: figure, model value, sigma and (model - figure) / sigma."""

    row: Evidence
    model: float
    sigma: float

    @property
    def z(self) -> float:
        return (self.model - self.row.figure) / self.sigma


@dataclass(frozen=True)
class Calibration:
    """Fitted values by parameter name and the residuals of the rows fitted."""

    values: dict[str, float]
    residuals: tuple[Residual, ...]
    cost: float


def sigma(row: Evidence) -> float:
    """The weight's scale of a row [its unit]: its standard error and the model error."""
    se = row.standard_error() or 0.0
    return math.hypot(se, model_error(row))


def fit_rows(rows: Iterable[Evidence]) -> list[Evidence]:
    """The rows some calibrated parameter names in ``fitted_to``, in table order."""
    wanted = {r for _, fitted in PRIORS.values() for r in fitted}
    return [row for row in rows if row.id in wanted]


def calibrate(rows: Sequence[Evidence]) -> Calibration:
    """Fit every calibrated parameter to ``rows`` (a parameter none of whose rows is given
    keeps its prior value)."""
    names = [n for n, (_, fitted) in PRIORS.items() if {r.id for r in rows} & set(fitted)]
    prior = np.array([math.log(PRIORS[n][0].value) for n in names])
    scales = np.array([sigma(row) for row in rows])
    figures = np.array([row.figure for row in rows])

    # Parameters with no row here run at their prior value, never at the shipped fitted value
    # (which may have been fitted to rows now left out).
    unfitted = {n: p.value for n, (p, _) in PRIORS.items() if n not in names}

    def values_at(x: np.ndarray) -> dict[str, float]:
        return {**unfitted, **{n: float(math.exp(v)) for n, v in zip(names, x, strict=True)}}

    def residuals(x: np.ndarray) -> np.ndarray:
        values = values_at(x)
        model = np.array([model_value(row, values) for row in rows])
        return np.concatenate([(model - figures) / scales, (x - prior) / PRIOR_LOG_SD])

    if names:
        solution = least_squares(residuals, prior, method="trf", x_scale=1.0, diff_step=1e-4)
        x, cost = solution.x, float(2.0 * solution.cost)
    else:
        x, cost = prior, 0.0
    every = values_at(x)
    fitted = tuple(
        Residual(row, model_value(row, every), float(s))
        for row, s in zip(rows, scales, strict=True)
    )
    return Calibration({n: every[n] for n in names}, fitted, cost)


@dataclass(frozen=True)
class HeldOut:
    """A study left out of the fit: its rows predicted by the parameters fitted without it."""

    study: str
    predictions: tuple[Residual, ...]


def leave_one_study_out(rows: Sequence[Evidence], modelled: Sequence[Evidence]) -> list[HeldOut]:
    """For each study with fit rows: re-fit without them, predict every modelled row of it."""
    out = []
    for study in sorted({row.study for row in rows}):
        kept = [row for row in rows if row.study != study]
        fitted = calibrate(kept).values
        values = {n: fitted.get(n, p.value) for n, (p, _) in PRIORS.items()}
        predicted = tuple(
            Residual(row, model_value(row, values), sigma(row))
            for row in modelled
            if row.study == study
        )
        out.append(HeldOut(study, predicted))
    return out


def write(calibration: Calibration, path: Path | None = None) -> Path:
    """Write the fitted values and their provenance to ``parameters/calibrated.yaml``."""
    target = (
        path or Path(str(resources.files("microneedling.model.parameters"))) / "calibrated.yaml"
    )
    doc = {
        "objective": OBJECTIVE,
        "written_on": dt.date.today().isoformat(),
        "cost": round(calibration.cost, 6),
        "values": {n: float(f"{v:.6g}") for n, v in calibration.values.items()},
        "residuals": {
            r.row.id: {
                "figure": r.row.figure,
                "model": float(f"{r.model:.6g}"),
                "sigma": float(f"{r.sigma:.4g}"),
                "z": round(r.z, 3),
            }
            for r in calibration.residuals
        },
    }
    header = "# Written by `microneedling calibrate --write`; do not edit by hand.\n"
    target.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    return target


def residual_table(residuals: Iterable[Residual]) -> list[str]:
    """Residual lines for a terminal or Markdown page."""
    lines = ["| row | figure | model | sigma | z |", "|---|---|---|---|---|"]
    for r in residuals:
        lines.append(
            f"| `{r.row.id}` | {r.row.figure:.4g} {r.row.unit} | {r.model:.4g} | "
            f"{r.sigma:.3g} | {r.z:+.2f} |"
        )
    return lines


def report(calibration: Calibration, held_out: Sequence[HeldOut]) -> str:
    """The calibration page: objective, fitted values, residuals, leave-one-study-out errors."""
    lines = [
        "# Skin-response model: calibration",
        "",
        "Written by `microneedling calibrate --loso --report docs/model-calibration.md`. "
        f"Objective: {OBJECTIVE} (`src/microneedling/model/calibration.py`).",
        "",
        "## Fitted values",
        "",
        "| parameter | value |",
        "|---|---|",
        *(f"| {n} | {v:.4g} |" for n, v in calibration.values.items()),
        "",
        f"## Residuals of the fit rows (cost {calibration.cost:.3g})",
        "",
        *residual_table(calibration.residuals),
        "",
        "## Leave one study out",
        "",
        "Each study's fit rows are left out, the parameters re-fitted on the rest, and every "
        "modelled row of the left-out study predicted. z = (model - figure) / sigma.",
        "",
    ]
    zs = [r.z for h in held_out for r in h.predictions]
    for held in held_out:
        lines += [f"### Without `{held.study}`", "", *residual_table(held.predictions), ""]
    if zs:
        rms = math.sqrt(sum(z * z for z in zs) / len(zs))
        inside = sum(abs(z) <= 1.96 for z in zs)
        lines += [
            f"Over {len(zs)} held-out predictions: root-mean-square z {rms:.2f}; "
            f"{inside} of {len(zs)} within 1.96 sigma.",
            "",
        ]
    return "\n".join(lines)
