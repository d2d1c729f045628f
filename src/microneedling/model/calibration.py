"""Calibration as code: the fitted parameters re-fitted from the evidence table.

Objective (a maximum a posteriori fit, i.e. weighted least squares with priors)::

    minimise  sum_i ((model_i - figure_i) / sigma_i)**2  +  sum_k ((ln t_k - ln t0_k) / s_k)**2

over the log of each fitted parameter ``t_k``; ``i`` runs over the fit rows (those a
parameter names in ``fitted_to``), ``sigma_i = sqrt(SE_i**2 + m_i**2)`` combines the paper's
standard error with the stated model error (:mod:`.evidence.bands`), and the prior of each
parameter is log-normal around its prior value with a log sd of ``PRIOR_LOG_SD`` (weak: no
publication gives these values; ``parameters/calibrated.py``).
``python -m microneedling.model.calibration`` (or ``microneedling calibrate``) prints the
residuals and, with ``--write``, writes ``parameters/calibrated.yaml`` with the provenance;
``--loso`` adds the leave-one-study-out prediction errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import least_squares

from microneedling.model.evidence import Evidence, evidence_rows, model_error, model_value
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

    def values_at(x: np.ndarray) -> dict[str, float]:
        return {n: float(math.exp(v)) for n, v in zip(names, x, strict=True)}

    def residuals(x: np.ndarray) -> np.ndarray:
        values = values_at(x)
        model = np.array([model_value(row, values) for row in rows])
        return np.concatenate([(model - figures) / scales, (x - prior) / PRIOR_LOG_SD])

    if names:
        solution = least_squares(residuals, prior, method="trf", x_scale=1.0, diff_step=1e-4)
        x, cost = solution.x, float(2.0 * solution.cost)
    else:
        x, cost = prior, 0.0
    values = values_at(x)
    fitted = tuple(
        Residual(row, model_value(row, values), float(s))
        for row, s in zip(rows, scales, strict=True)
    )
    return Calibration(values, fitted, cost)


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
        values = calibrate(kept).values
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-fit the model to the evidence table.")
    parser.add_argument("--write", action="store_true", help="write parameters/calibrated.yaml")
    parser.add_argument("--loso", action="store_true", help="leave-one-study-out errors")
    args = parser.parse_args(argv)
    rows = fit_rows(evidence_rows())
    result = calibrate(rows)
    print(f"objective: {OBJECTIVE}\ncost {result.cost:.4g} over {len(rows)} rows")
    for name, value in result.values.items():
        print(f"  {name} = {value:.6g}")
    print("\n".join(residual_table(result.residuals)))
    if args.write:
        print(f"written: {write(result)}")
    if args.loso:
        from microneedling.model.evidence import can_model

        modelled = [row for row in evidence_rows() if can_model(row)]
        for held in leave_one_study_out(rows, modelled):
            print(f"\nwithout {held.study}:")
            print("\n".join(residual_table(held.predictions)))
    return 0


def fitted_values() -> Mapping[str, float]:
    """The values in force (as the parameter set reads them)."""
    from microneedling.model.parameters.calibrated import fitted_values as read

    return dict(read().get("values", {}))


if __name__ == "__main__":
    raise SystemExit(main())
