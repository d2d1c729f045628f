"""``microneedling calibrate``: re-fit the model's fitted parameters to the evidence table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from microneedling.cli._app import command


@command("calibrate")
def calibrate(
    write: Annotated[
        bool, typer.Option("--write", help="write the fitted values to parameters/calibrated.yaml")
    ] = False,
    loso: Annotated[
        bool, typer.Option("--loso", help="also predict each study with it left out of the fit")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="write the calibration page (Markdown) to this path"),
    ] = None,
) -> None:
    """Re-fit the fitted parameters to the evidence table and print the residuals."""
    from microneedling.model import calibration
    from microneedling.model.evidence import evidence_rows, roles

    rows = calibration.fit_rows(evidence_rows())
    result = calibration.calibrate(rows)
    typer.echo(f"objective: {calibration.OBJECTIVE}")
    typer.echo(f"cost {result.cost:.4g} over {len(rows)} rows")
    for name, value in result.values.items():
        typer.echo(f"  {name} = {value:.6g}")
    typer.echo("\n".join(calibration.residual_table(result.residuals)))
    if write:
        typer.echo(f"written: {calibration.write(result)}")
    held = []
    if loso or report is not None:
        modelled = [row for row in evidence_rows() if roles().of(row.id) != "apart"]
        held = calibration.leave_one_study_out(rows, modelled)
        for h in held:
            typer.echo(f"\nwithout {h.study}:")
            typer.echo("\n".join(calibration.residual_table(h.predictions)))
    if report is not None:
        report.write_text(calibration.report(result, held), encoding="utf-8")
        typer.echo(f"report written to {report}")
