"""Work-precision of the delivery solver against FiPy and py-pde on one problem.

Run it (FiPy and py-pde are in the dev group):

    uv run python -m benchmarks.delivery_bench [--with-pypde]

**Problem.** Caffeine (examples/compounds/caffeine.yaml) through the default skin
(stratum corneum 15 µm, viable epidermis 60 µm, dermis 1000 µm, sink below) treated with open
channels 150 µm deep and 35 µm in radius, one per unit cell of radius 350 µm (259.8 per cm²,
so that a uniform grid of 5, 2.5 or 1.25 µm puts a face on every interface, as py-pde needs);
channels filled with interstitial fluid (the formulation-filled default makes the open channel
part of the donor, which neither FiPy nor py-pde can state directly) and kept open (FiPy's
transient term does not conserve mass when capacities change in time); infinite dose; a
**1 h** application. Output: the amount **held in the skin** at 1 h [µg/cm²]. Why this and
not the 24 h amount through the skin: once the flux is steady, any conservative implicit
scheme gives the cumulative amount exactly whatever its steps (backward Euler's sum of
``dt (u_ss - u_n)`` telescopes to ``A⁻¹ M u_ss``), so that quantity tested space alone; the
amount held at 1 h, while the skin is still filling, tests space and time.

**Reference.** This solver at resolutions 8 and 16 (10,560 and 42,240 cells; graded grids
that nest) with 512 equal steps in the hour, extrapolated by Richardson (second order in
space, measured: successive differences shrink 4.3 and 4.05 times); the difference of the two
extrapolations (4-8 and 8-16) is printed as the reference's own uncertainty.

**Each code refines space and time.** This solver: resolution 1-16 (the error-balanced
grids), 8-128 equal TR-BDF2 steps per hour (one factorisation), its defaults, and its
error-controlled steps. FiPy 4.0.3: the same graded grids (``CylindricalGrid2D`` with the
nonuniform spacings, a generous choice: uniform grids converge far more slowly at the channel
wall), backward Euler with 8-512 equal steps and scipy's LU. py-pde 0.59 (with
``--with-pypde``): its own uniform ``CylindricalSymGrid`` at 5 µm, the equation written in its
expression language as ``divergence(P * gradient(u)) / K`` (``P = D K`` the permeance, ``K``
the capacity of each cell), integrated by its ``ScipySolver`` (SciPy's BDF, with the
Jacobian's sparsity pattern given, else it is dense) at relative tolerances 1e-3 and 1e-4.
Richardson extrapolation over two nested grids is offered to this solver and FiPy alike (the
cost of both runs counted).

Each setting's error against the reference and its fastest wall time (of three for runs under
a second) are printed; then, for each accuracy level (1e-2, 1e-3, 1e-4 relative), each code's
cheapest setting that meets it and the time ratios; then the defaults. FiPy and py-pde are
timed from building their mesh and equation to the answer, this solver from its grid to the
answer, all on the same transport properties worked out once before. py-pde's numba
compilation is done once per grid before the timings and not counted. The load average is
printed before and after: the machine is shared.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from microneedling.model.delivery import (
    ChannelArray,
    DiffusionProblem,
    Dose,
    Numerics,
    SkinLayers,
    UnitCell,
    load_compound,
    solve,
    transport_properties,
)
from microneedling.model.delivery.assembly import assemble
from microneedling.model.delivery.grid import build_grid

ROOT = Path(__file__).resolve().parents[1]
CAFFEINE = ROOT / "examples" / "compounds" / "caffeine.yaml"
CELL_RADIUS_UM = 350.0
CHANNELS = ChannelArray(
    depth_um=150.0, radius_um=35.0, density_per_cm2=1.0e8 / (math.pi * CELL_RADIUS_UM**2)
)
DURATION_H = 1.0
LEVELS = (1e-2, 1e-3, 1e-4)
REFERENCE_STEPS_PER_HOUR = 512.0
#: Settings slower than this are timed once, faster ones best of three.
_ONCE_S = 1.0


def problem() -> DiffusionProblem:
    """The benchmark problem: open interstitial-fluid channels, caffeine, infinite dose, 1 h."""
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


def load() -> str:
    """The 1, 5 and 15 min load averages."""
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


# --- this solver -------------------------------------------------------------------------


def ours(p: DiffusionProblem, numerics: Numerics) -> float:
    """Amount held in the skin at the end [µg/cm²]."""
    return float(solve(p, numerics).stored_ug_per_cm2[-1])


def steady_numerics(resolution: int, steps_per_hour: float) -> Numerics:
    """Equal steps, no ramp: one factorisation for the whole run."""
    return Numerics(resolution=resolution, steps_per_hour=steps_per_hour, ramp_levels=0)


def richardson(coarse: float, fine: float) -> float:
    """Second-order extrapolation from two nested grids (fine = coarse refined by two)."""
    return fine + (fine - coarse) / 3.0


# --- FiPy ----------------------------------------------------------------------------------


def fipy_held(p: DiffusionProblem, resolution: int, steps: int) -> float:
    """The problem in FiPy on this solver's graded grid, backward Euler, ``steps`` equal steps."""
    from fipy import CellVariable, CylindricalGrid2D, DiffusionTerm, TransientTerm
    from fipy.solvers.scipy import LinearLUSolver

    grid = build_grid(
        [layer.thickness_um for layer in p.layers], p.cell, resolution, p.channel_content
    )
    operator = assemble(grid, p.layers, p.channel_fluid, None, p.channel_content)
    volumes = grid.volumes_cm3.ravel()
    capacity_per_volume = operator.capacity(1.0) / volumes
    fluid = p.channel_fluid.permeance_cm2_per_h if p.channel_fluid else 0.0
    perm_rows = np.empty((grid.nz, grid.nr))
    for k in range(grid.nz):
        layer = p.layers[int(grid.layer_of_row[k])].medium.permeance_cm2_per_h
        perm_rows[k] = np.where(grid.channel[k], fluid, layer)
    mesh = CylindricalGrid2D(dx=np.diff(grid.r_faces_cm), dy=np.diff(grid.z_faces_cm))
    u = CellVariable(mesh=mesh, value=0.0, hasOld=True)
    u.constrain(p.dose.concentration_ug_per_ml, mesh.facesBottom)  # y = 0: the skin surface
    u.constrain(0.0, mesh.facesTop)  # the sink
    perm = CellVariable(mesh=mesh, value=perm_rows.ravel())
    capacity = CellVariable(mesh=mesh, value=capacity_per_volume)
    equation = TransientTerm(coeff=capacity) == DiffusionTerm(coeff=perm.harmonicFaceValue)
    solver = LinearLUSolver()
    dt = p.duration_h / steps
    for _ in range(steps):
        u.updateOld()
        equation.solve(var=u, dt=dt, solver=solver)
    return float(np.dot(operator.capacity(1.0), np.asarray(u.value))) / grid.area_cm2


# --- py-pde --------------------------------------------------------------------------------


class PyPde:
    """py-pde's grid, fields and expression PDE for one uniform spacing [µm] (built once:
    numba compiles per grid)."""

    def __init__(self, p: DiffusionProblem, spacing_um: float) -> None:
        from pde import PDE, CylindricalSymGrid, ScalarField

        self.p, self.spacing_um = p, spacing_um
        assert self.p.cell is not None
        total = sum(layer.thickness_um for layer in self.p.layers)
        nr = round(self.p.cell.radius_um / self.spacing_um)
        nz = round(total / self.spacing_um)
        self.grid = CylindricalSymGrid(
            radius=self.p.cell.radius_um * 1e-4, bounds_z=(0.0, total * 1e-4), shape=(nr, nz)
        )
        r_um = self.grid.axes_coords[0] * 1e4
        z_um = self.grid.axes_coords[1] * 1e4
        tops = np.cumsum([layer.thickness_um for layer in self.p.layers])
        layer_of = np.searchsorted(tops, z_um, side="right")
        fluid = self.p.channel_fluid
        assert fluid is not None
        perm = np.empty((nr, nz))
        cap = np.empty((nr, nz))
        for k, index in enumerate(layer_of):
            medium = self.p.layers[int(index)].medium
            channel = (r_um < self.p.cell.channel_radius_um) & (
                z_um[k] < self.p.cell.channel_depth_um
            )
            perm[:, k] = np.where(channel, fluid.permeance_cm2_per_h, medium.permeance_cm2_per_h)
            cap[:, k] = np.where(channel, fluid.partition, medium.partition)
        self.capacity = ScalarField(self.grid, cap)
        bc = {
            "r": {"derivative": 0.0},
            "z-": {"value": self.p.dose.concentration_ug_per_ml},
            "z+": {"value": 0.0},
        }
        self.equation = PDE(
            {"u": "divergence(P * gradient(u)) / K"},
            bc=bc,
            # The flux field P grad u has no boundary values of its own: its ghost cells
            # extrapolate it (a value condition would impose the donor concentration on it).
            bc_ops={"u:divergence": "extrapolate"},
            consts={"P": ScalarField(self.grid, perm), "K": self.capacity},
        )
        self.sparsity = _cross_pattern(nr, nz)
        self.run(1e-2, self.p.duration_h / 64.0)  # numba compiles here, not in the timings

    def run(self, rtol: float, duration_h: float | None = None) -> float:
        """Amount held in the skin [µg/cm²] after ``duration_h`` (default: the run)."""
        from pde import ScalarField
        from pde.solvers import Controller, ScipySolver

        state = ScalarField(self.grid, 0.0)
        solver = ScipySolver(
            self.equation,
            method="BDF",
            rtol=rtol,
            atol=rtol * self.p.dose.concentration_ug_per_ml * 1e-3,
            jac_sparsity=self.sparsity,
        )
        end = self.p.duration_h if duration_h is None else duration_h
        result = Controller(solver, t_range=end, tracker=None).run(state)
        area = math.pi * (self.grid.radius * 1.0) ** 2
        return float((result * self.capacity).integral) / area


def _cross_pattern(nr: int, nz: int) -> object:
    """Sparsity of ``divergence(P gradient(u))`` with central differences on an (r, z) grid
    flattened r-major: neighbours up to two cells away along r and along z."""
    import scipy.sparse as sp

    n = nr * nz
    offsets = [0, 1, -1, 2, -2, nz, -nz, 2 * nz, -2 * nz]
    return sp.diags([np.ones(n - abs(k)) for k in offsets], offsets, shape=(n, n), format="csr")


# --- timing and the table ------------------------------------------------------------------


class Result(NamedTuple):
    code: str
    setting: str
    value: float
    seconds: float

    def error(self, reference: float) -> float:
        return abs(self.value - reference) / reference


def timed(code: str, setting: str, run: Callable[[], float]) -> Result:
    started = time.perf_counter()
    value = run()
    best = time.perf_counter() - started
    if best < _ONCE_S:
        for _ in range(2):
            started = time.perf_counter()
            value = run()
            best = min(best, time.perf_counter() - started)
    return Result(code, setting, value, best)


def show(result: Result, reference: float) -> None:
    print(
        f"  {result.code:12s} {result.setting:42s} {result.value:.8g} µg/cm²  "
        f"error {result.error(reference):.2e}  {result.seconds * 1e3:10.1f} ms",
        flush=True,
    )


def reference_value(p: DiffusionProblem) -> tuple[float, float]:
    """(reference, its uncertainty) from resolutions 4, 8, 16 (see the module doc)."""
    q = {r: ours(p, steady_numerics(r, REFERENCE_STEPS_PER_HOUR)) for r in (4, 8, 16)}
    fine, coarse = richardson(q[8], q[16]), richardson(q[4], q[8])
    print(f"reference: resolution 4, 8, 16 → {q[4]:.8g}, {q[8]:.8g}, {q[16]:.8g} µg/cm²")
    return fine, abs(fine - coarse)


def our_runs(p: DiffusionProblem) -> list[Result]:
    out = [
        timed(
            "this solver",
            "defaults (resolution 2, 10 steps/h, ramp 8)",
            lambda: ours(p, Numerics()),
        )
    ]
    for resolution in (1, 2, 4, 8, 16):
        for sph in (8.0, 32.0, 128.0):
            if resolution == 16 and sph > 32.0:
                continue
            numerics = steady_numerics(resolution, sph)
            out.append(
                timed(
                    "this solver",
                    f"resolution {resolution}, {sph:g} steps/h",
                    partial_ours(p, numerics),
                )
            )
    for resolution in (2, 4):
        for tol in (1e-3, 1e-5):
            numerics = Numerics(resolution=resolution, time_tolerance=tol)
            out.append(
                timed(
                    "this solver",
                    f"resolution {resolution}, error-controlled {tol:g}",
                    partial_ours(p, numerics),
                )
            )
    for coarse in (1, 2, 4):
        for sph in (8.0, 32.0):

            def pair(c: int = coarse, s: float = sph) -> float:
                return richardson(
                    ours(p, steady_numerics(c, s)), ours(p, steady_numerics(2 * c, s))
                )

            out.append(
                timed("this solver", f"extrapolated {coarse}+{2 * coarse}, {sph:g} steps/h", pair)
            )
    return out


def partial_ours(p: DiffusionProblem, numerics: Numerics) -> Callable[[], float]:
    return lambda: ours(p, numerics)


def fipy_runs(p: DiffusionProblem) -> list[Result]:
    fipy_held(p, 1, 2)  # imports and first-call set-up, not counted
    out = []
    ladder = {1: (8, 32, 128, 512), 2: (8, 32, 128, 512), 4: (32, 128, 512), 8: (32, 128)}
    for resolution, steps_list in ladder.items():
        for steps in steps_list:
            out.append(
                timed(
                    "FiPy",
                    f"resolution {resolution}, {steps} BE steps",
                    lambda r=resolution, s=steps: fipy_held(p, r, s),
                )
            )
    for coarse, steps in ((2, 512), (4, 128)):

        def pair(c: int = coarse, s: int = steps) -> float:
            return richardson(fipy_held(p, c, s), fipy_held(p, 2 * c, s))

        out.append(timed("FiPy", f"extrapolated {coarse}+{2 * coarse}, {steps} BE steps", pair))
    return out


def pypde_runs(p: DiffusionProblem) -> list[Result]:
    """py-pde on its 5 µm grid (15,050 cells; 2.5 µm took longer to compile than this session
    had): numba compiles for minutes, each BDF run takes a minute (docs/model.md)."""
    started = time.perf_counter()
    model = PyPde(p, 5.0)
    print(f"  (py-pde 5 µm grid built and compiled in {time.perf_counter() - started:.1f} s)")
    return [
        timed("py-pde", f"uniform 5 µm, BDF rtol {rtol:g}", lambda t=rtol: model.run(t))
        for rtol in (1e-3, 1e-4)
    ]


def cheapest(results: list[Result], code: str, level: float, reference: float) -> Result | None:
    ok = [r for r in results if r.code == code and r.error(reference) <= level]
    return min(ok, key=lambda r: r.seconds) if ok else None


def main(argv: list[str] | None = None) -> int:
    """``--with-pypde`` adds py-pde (its numba compilation alone takes minutes)."""
    args = sys.argv[1:] if argv is None else argv
    codes = [our_runs, fipy_runs] + ([pypde_runs] if "--with-pypde" in args else [])
    print(f"load average before: {load()}")
    p = problem()
    reference, uncertainty = reference_value(p)
    print(
        f"reference {reference:.8g} µg/cm² held in the skin at 1 h, uncertainty "
        f"{uncertainty:.1e} ({uncertainty / reference:.1e} relative)"
    )
    results: list[Result] = []
    for runs in codes:
        batch = runs(p)
        for r in batch:
            show(r, reference)
        results += batch
    print("work-precision: cheapest setting of each code within each level")
    for level in LEVELS:
        mine = cheapest(results, "this solver", level, reference)
        line = f"  ≤ {level:g}: this solver "
        line += f"{mine.seconds * 1e3:.1f} ms ({mine.setting})" if mine else "not reached"
        for code in ("FiPy", "py-pde"):
            if not any(r.code == code for r in results):
                continue
            other = cheapest(results, code, level, reference)
            if other is None:
                best = min((r for r in results if r.code == code), key=lambda r: r.error(reference))
                line += (
                    f"; {code} not reached (its best {best.error(reference):.1e} in "
                    f"{best.seconds * 1e3:.0f} ms"
                    + (f", ≥ {best.seconds / mine.seconds:.0f}× ours)" if mine else ")")
                )
            else:
                ratio = f", {other.seconds / mine.seconds:.1f}×" if mine else ""
                line += f"; {code} {other.seconds * 1e3:.1f} ms ({other.setting}{ratio})"
        print(line)
    default = results[0]
    for code in sorted({r.code for r in results} - {"this solver"}):
        other = cheapest(results, code, default.error(reference), reference)
        if other is not None:
            print(
                f"defaults ({default.error(reference):.1e}, {default.seconds * 1e3:.1f} ms): "
                f"{code}'s cheapest as accurate {other.seconds * 1e3:.1f} ms, "
                f"{other.seconds / default.seconds:.1f}×"
            )
        else:
            print(f"defaults: {code} never as accurate as this solver's defaults")
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
