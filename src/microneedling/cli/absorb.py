"""``microneedling absorb COMPOUND.yaml``: what a topical product delivers after treatment.

Solves diffusion through treated and intact skin (see ``docs/delivery.md``) and prints a
summary; ``--json`` prints the full result, ``--plot`` draws the amounts and depth profiles.
Exit codes: 0 solved; 2 bad input (one line naming the file or option and the problem).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from microneedling.cli._app import command
from microneedling.errors import InvalidInput
from microneedling.model.delivery import (
    ChannelArray,
    ChannelClosure,
    DeliveryResult,
    Dose,
    load_compound,
    simulate_delivery,
)

#: Default channel: Kalluri et al. 2011 (770 µm roller needles): 152.5 µm deep, 70.7 µm wide.
DEFAULT_DEPTH_UM = 152.5
DEFAULT_RADIUS_UM = 35.0
#: Target puncture density of a full treatment, 250-300 per cm² (pen device descriptions).
DEFAULT_DENSITY_PER_CM2 = 250.0


def _channels(depth_um: float, radius_um: float, density_per_cm2: float) -> ChannelArray:
    try:
        return ChannelArray(depth_um, radius_um, density_per_cm2)
    except InvalidInput as exc:
        raise InvalidInput(f"--{exc.field.replace('_', '-')}", exc.problem) from None


def _summary(console: Console, result: DeliveryResult, seconds: float) -> None:
    table = Table(title=f"{result.compound.name}: {result.duration_h:g} h after treatment")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    channels = result.channels
    if channels is not None:
        table.add_row(
            "channels",
            f"{channels.depth_um:g} µm deep, {channels.radius_um:g} µm radius, "
            f"{channels.density_per_cm2:g}/cm²",
        )
    if result.closure is not None:
        table.add_row("closure half-time", f"{result.closure.effective_half_time_h:.2f} h")
    table.add_row("intact-skin kp (Potts & Guy)", f"{result.properties.kp_cm_per_h:.3g} cm/h")
    table.add_row("delivered, treated skin", f"{result.delivered_ug_per_cm2:.4g} µg/cm²")
    table.add_row("delivered, intact skin", f"{result.intact_delivered_ug_per_cm2:.4g} µg/cm²")
    ratio = result.enhancement_ratio
    shown = "intact: none measurable" if ratio is None else f"{ratio:.3g}"
    table.add_row("enhancement ratio", shown)
    table.add_row("still in the skin", f"{float(result.retained_ug_per_cm2[-1]):.4g} µg/cm²")
    if result.error is not None:
        table.add_row("estimated error (amount)", f"{100 * result.error.cumulative_relative:.2g} %")
    table.add_row("mass balance error", f"{result.mass_balance_relative_error:.1e}")
    table.add_row("solve time", f"{seconds:.2f} s")
    console.print(table)


def _plot(result: DeliveryResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(result.times_h, result.cumulative_ug_per_cm2, label="treated skin")
    left.plot(result.times_h, result.intact_cumulative_ug_per_cm2, label="intact skin")
    left.set_xlabel("time after treatment [h]")
    left.set_ylabel("cumulative amount delivered [µg/cm²]")
    left.set_title(result.compound.name)
    left.legend()
    for profile in result.profiles:
        line = right.plot(
            profile.depth_um, profile.mean_ug_per_ml, label=f"{profile.time_h:g} h, mean"
        )[0]
        right.plot(
            profile.depth_um,
            profile.axis_ug_per_ml,
            linestyle="--",
            color=line.get_color(),
            label=f"{profile.time_h:g} h, channel axis",
        )
    right.set_xlabel("depth [µm]")
    right.set_ylabel("tissue concentration [µg/mL]")
    right.set_yscale("symlog", linthresh=1e-3)
    right.legend(fontsize="small")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InvalidInput("--plot", f"cannot write {path}: {exc.strerror}") from None
    finally:
        plt.close(fig)


@command("absorb")
def absorb(
    compound_file: Annotated[Path, typer.Argument(help="Compound YAML (see examples/compounds).")],
    depth_um: Annotated[float, typer.Option(help="Channel depth [µm].")] = DEFAULT_DEPTH_UM,
    radius_um: Annotated[float, typer.Option(help="Channel radius [µm].")] = DEFAULT_RADIUS_UM,
    density_per_cm2: Annotated[
        float, typer.Option(help="Channels per cm².")
    ] = DEFAULT_DENSITY_PER_CM2,
    hours: Annotated[float, typer.Option(help="Duration after treatment [h].")] = 24.0,
    concentration_ug_per_ml: Annotated[
        float, typer.Option(help="Concentration in the product [µg/mL].")
    ] = 1000.0,
    occluded: Annotated[
        bool, typer.Option("--occluded", help="The skin is covered: channels close slower.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a PNG of amounts and depth profiles.")
    ] = None,
) -> None:
    """Simulate what a topical product delivers through microneedle channels."""
    compound = load_compound(compound_file)
    channels = _channels(depth_um, radius_um, density_per_cm2)
    try:
        dose = Dose(concentration_ug_per_ml)
    except InvalidInput as exc:
        raise InvalidInput("--concentration-ug-per-ml", exc.problem) from None
    try:
        closure = ChannelClosure(occluded=occluded)
        started = time.perf_counter()
        result = simulate_delivery(compound, channels, closure=closure, dose=dose, duration_h=hours)
    except InvalidInput as exc:
        field = "--hours" if exc.field == "duration_h" else f"--{exc.field.replace('_', '-')}"
        raise InvalidInput(field, exc.problem) from None
    seconds = time.perf_counter() - started
    if plot is not None:
        _plot(result, plot)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        return
    _summary(Console(), result, seconds)
