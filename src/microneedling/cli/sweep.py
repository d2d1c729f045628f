"""``microneedling sweep SPEC.yaml``: many courses over many virtual patients, on Dask.

A local cluster of worker processes by default, or an existing scheduler (``--scheduler``).
Writes ``sweep.parquet`` (a row per point: settings and each output's 5/50/95 %), the spec,
and a plot per output into ``--out``. Bad specs exit 2 with one line naming the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from microneedling.cli._app import command
from microneedling.cli._input import read_document, validation_error
from microneedling.errors import InvalidInput


@command("sweep")
def sweep(
    spec_file: Annotated[Path, typer.Argument(help="sweep specification (YAML or JSON)")],
    out: Annotated[Path, typer.Option("--out", help="directory for the table and plots")] = Path(
        "sweep-out"
    ),
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="an existing Dask scheduler, tcp://host:port")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=256, help="local worker processes")
    ] = 2,
) -> None:
    """Simulate every point of a grid or sample of course settings; write bands and plots."""
    from microneedling.model.sweep import SweepSpec, run_sweep, write_results
    from microneedling.model.sweep.run import courses
    from microneedling.reports.sweep_plot import plot_sweep

    try:
        spec = SweepSpec.model_validate(read_document(spec_file))
    except ValidationError as exc:
        raise validation_error(exc, str(spec_file)) from None
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise InvalidInput("--scheduler", "give the scheduler's address, e.g. tcp://10.0.0.5:8786")
    try:
        courses(spec)  # every point checked before a cluster starts
    except InvalidInput as exc:
        raise exc.located(str(spec_file)) from None
    console = Console(stderr=True)
    with Progress(
        TextColumn(f"[bold]{spec.name}[/]"), BarColumn(), MofNCompleteColumn(),
        TextColumn("tasks"), TimeElapsedColumn(), console=console, transient=False,
    ) as bar:  # fmt: skip
        task = bar.add_task("sweep", total=None)
        result = run_sweep(
            spec, scheduler=scheduler, workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    table = write_results(result, out)
    plots = plot_sweep(result, out)
    typer.echo(f"{len(result.rows)} points × {spec.patients_per_point} patients → {table}")
    for path in plots:
        typer.echo(f"plot: {path}")
