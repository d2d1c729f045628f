"""Speed of the delivery solver against a general-purpose PDE package (FiPy), at equal accuracy.

Run it (FiPy is installed for this run only, it is not a project dependency):

    uv run --with fipy python benchmarks/delivery_bench.py

Problem: caffeine (examples/compounds/caffeine.yaml) through skin treated with channels 150 µm
deep, 35 µm in radius, 250 per cm²; infinite dose; 24 h; channels kept open (FiPy's transient
term does not conserve mass when the capacity changes in time, so the closing-channel case
would not be the same problem there) and filled with interstitial fluid (the formulation-filled
default makes the open channel part of the donor, which FiPy has no direct way to state).
Reference: this solver on a very fine grid (resolution 8, 40 steps per hour).

Fair comparison: both codes use the same graded grid (resolution 2, the error-balanced design
for interstitial-fluid channels: 660 cells; FiPy's ``CylindricalGrid2D`` takes its nonuniform
spacings), so their spatial errors match; the accuracy asked of both is ``ACCURACY_SLACK``
times the error of this solver's default settings against the reference. Each code is then
given its cheapest time stepping that meets it, chosen from a ladder of step counts (FiPy:
backward Euler with 2, 4, 8, ... equal steps and scipy's LU; this solver: steps per hour and
start-up ramp, each run opening with its two backward-Euler start-up steps, which share the TR-
BDF2 matrix). Every candidate's error and fastest-of-three time is printed, then the ratio of
the two cheapest, then that ratio again over five alternating rounds (median and range: the
machine is shared and noisy), and the ratio against this solver's defaults. Both codes are
timed on the same ``DiffusionProblem`` (the compound's layer properties are worked out once,
before): from building the grid or mesh and the operator to the 24 h amount. Last, the time
of one complete ``simulate_delivery`` call (default path: formulation-filled, closing
channels; treated, intact and error-estimate runs).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from microneedling.model.delivery import (
    ChannelArray,
    DiffusionProblem,
    Dose,
    Numerics,
    SkinLayers,
    UnitCell,
    load_compound,
    simulate_delivery,
    solve,
    transport_properties,
)
from microneedling.model.delivery.assembly import assemble
from microneedling.model.delivery.grid import build_grid

ROOT = Path(__file__).resolve().parents[1]
CAFFEINE = ROOT / "examples" / "compounds" / "caffeine.yaml"
CHANNELS = ChannelArray(depth_um=150.0, radius_um=35.0, density_per_cm2=250.0)
DURATION_H = 24.0
OURS = Numerics(resolution=2, steps_per_hour=10.0)
REFERENCE = Numerics(resolution=8, steps_per_hour=40.0)
#: "Equal accuracy": within 10 % of the error of our defaults. On the same grid FiPy's error
#: levels off 1-4 % above ours (its face averaging differs slightly): equality is never exact.
ACCURACY_SLACK = 1.1
#: Time-stepping candidates of this solver (steps per hour, ramp levels), defaults first.
OUR_LADDER = ((10.0, 8), (5.0, 8), (2.0, 4), (1.0, 2), (1.0, 0), (0.5, 0))
#: Backward-Euler step counts tried for FiPy over the 24 h.
FIPY_LADDER = (2, 4, 8, 15, 30, 60, 120)
#: Rounds of the final side-by-side timing of the two cheapest settings.
ROUNDS = 5


def problem() -> DiffusionProblem:
    """The benchmark problem: open channels, caffeine, 24 h."""
    skin = SkinLayers()
    props = transport_properties(load_compound(CAFFEINE), skin)
    cell = UnitCell.around(CHANNELS, skin.total_um)
    return DiffusionProblem(
        props.layers,
        props.channel_fluid,
        cell,
        None,
        Dose(),
        DURATION_H,
        channel_content="interstitial_fluid",
    )


def best_time(run: Callable[[], float], repeats: int = 3) -> tuple[float, float]:
    """(value, fastest wall time [s]) of ``repeats`` calls."""
    times, value = [], 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        value = run()
        times.append(time.perf_counter() - started)
    return value, min(times)


def ours_amount(p: DiffusionProblem, numerics: Numerics = OURS) -> float:
    return float(solve(p, numerics).cumulative_out_ug_per_cm2[-1])


def fipy_amount(p: DiffusionProblem, steps: int) -> float:
    """The same problem in FiPy on our grid, backward Euler with ``steps`` equal steps."""
    from fipy import CellVariable, CylindricalGrid2D, DiffusionTerm, TransientTerm
    from fipy.solvers.scipy import LinearLUSolver

    grid = build_grid(
        [layer.thickness_um for layer in p.layers], p.cell, OURS.resolution, p.channel_content
    )
    operator = assemble(grid, p.layers, p.channel_fluid, None, p.channel_content)
    volumes = grid.volumes_cm3.ravel()
    # Open-channel permeance D*K and capacity K per cell, exactly as our assembly sees them.
    capacity = operator.capacity(1.0) / volumes
    bottom = operator.bottom(1.0)
    perm_rows = np.empty((grid.nz, grid.nr))
    fluid = p.channel_fluid.permeance_cm2_per_h if p.channel_fluid else 0.0
    for k in range(grid.nz):
        layer = p.layers[int(grid.layer_of_row[k])].medium.permeance_cm2_per_h
        perm_rows[k] = np.where(grid.channel[k], fluid, layer)

    mesh = CylindricalGrid2D(dx=np.diff(grid.r_faces_cm), dy=np.diff(grid.z_faces_cm))
    u = CellVariable(mesh=mesh, value=0.0, hasOld=True)
    c0 = p.dose.concentration_ug_per_ml
    u.constrain(c0, mesh.facesBottom)  # y = 0 is the skin surface
    u.constrain(0.0, mesh.facesTop)  # the sink
    perm = CellVariable(mesh=mesh, value=perm_rows.ravel())
    equation = TransientTerm(coeff=CellVariable(mesh=mesh, value=capacity)) == DiffusionTerm(
        coeff=perm.harmonicFaceValue
    )
    solver = LinearLUSolver()
    dt = DURATION_H / steps
    delivered = 0.0
    area = grid.area_cm2
    last_row = slice(grid.size - grid.nr, grid.size)
    for _ in range(steps):
        u.updateOld()
        equation.solve(var=u, dt=dt, solver=solver)
        delivered += dt * float(np.dot(bottom, np.asarray(u.value)[last_row])) / area
    return delivered


def cheapest(
    label: str, runs: dict[str, Callable[[], float]], reference: float, tolerance: float
) -> tuple[str, float, float]:
    """(setting, error, fastest time [s]) of the fastest run in ``runs`` within ``tolerance``."""
    best: tuple[str, float, float] | None = None
    for setting, run in runs.items():
        amount, seconds = best_time(run)
        error = abs(amount - reference) / reference
        ok = error <= tolerance
        print(
            f"  {label} {setting}: {amount:.6g} µg/cm², error {error:.3e}, "
            f"{seconds * 1e3:.1f} ms{'' if ok else '  (less accurate than asked)'}"
        )
        if ok and (best is None or seconds < best[2]):
            best = (setting, error, seconds)
    if best is None:
        raise SystemExit(f"{label}: no setting reached the asked accuracy {tolerance:.3e}")
    return best


def main() -> int:
    # The compound's layer properties are worked out once, outside the timings: both codes
    # are timed on the same problem, from grid and operator to the 24 h amount.
    p = problem()
    reference = float(solve(p, REFERENCE).cumulative_out_ug_per_cm2[-1])
    print(f"reference (this solver, resolution 8, 40 steps/h): {reference:.6g} µg/cm²")
    q_default, t_default = best_time(partial(ours_amount, p))
    err_default = abs(q_default - reference) / reference
    tolerance = ACCURACY_SLACK * err_default
    print(
        f"this solver, defaults: error {err_default:.3e}, {t_default * 1e3:.1f} ms; "
        f"accuracy asked of both: {tolerance:.3e}"
    )
    ours: dict[str, Callable[[], float]] = {
        f"{sph:g} steps/h, ramp {ramp}": partial(
            ours_amount, p, Numerics(resolution=2, steps_per_hour=sph, ramp_levels=ramp)
        )
        for sph, ramp in OUR_LADDER
    }
    fipy_amount(p, 2)  # FiPy's first call imports and compiles; not counted
    fipy: dict[str, Callable[[], float]] = {
        f"{steps} steps": partial(fipy_amount, p, steps) for steps in FIPY_LADDER
    }
    ours_best = cheapest("this solver", ours, reference, tolerance)
    fipy_best = cheapest("FiPy", fipy, reference, tolerance)
    print(
        f"cheapest at equal accuracy: this solver {ours_best[0]} ({ours_best[1]:.3e}, "
        f"{ours_best[2] * 1e3:.1f} ms); FiPy {fipy_best[0]} ({fipy_best[1]:.3e}, "
        f"{fipy_best[2] * 1e3:.1f} ms)"
    )
    print(f"speed-up at equal accuracy: {fipy_best[2] / ours_best[2]:.1f}x")
    ratios = sorted(
        best_time(fipy[fipy_best[0]])[1] / best_time(ours[ours_best[0]])[1] for _ in range(ROUNDS)
    )
    print(
        f"same two settings, {ROUNDS} alternating rounds: median {statistics.median(ratios):.1f}x "
        f"(range {ratios[0]:.1f}-{ratios[-1]:.1f}x)"
    )
    print(f"speed-up, this solver at its defaults: {fipy_best[2] / t_default:.1f}x")

    filled = replace(p, channel_content="formulation")

    def filled_amount() -> float:
        return float(solve(filled, OURS).cumulative_out_ug_per_cm2[-1])

    q_filled, t_filled = best_time(filled_amount)
    print(
        f"same problem, formulation-filled channels: {q_filled:.6g} µg/cm², {t_filled * 1e3:.0f} ms"
    )
    compound = load_compound(CAFFEINE)
    _, t_full = best_time(lambda: simulate_delivery(compound, CHANNELS).delivered_ug_per_cm2)
    print(
        "one complete 24 h simulate_delivery (default: formulation-filled, closing channels; "
        f"treated, intact, error estimate): {t_full:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
