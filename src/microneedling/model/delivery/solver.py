"""Implicit time integration of the unit-cell diffusion problem.

Scheme: TR-BDF2 (Bank et al. 1985, IEEE Trans Electron Devices 32:1992; Hosea & Shampine 1996,
Appl Numer Math 20:21) with ``gamma = 2 - sqrt 2``, written for the stored amount
``m = capacity * u`` so that mass is exact when a closing channel changes the capacity of its
cells. Per step: a trapezoidal stage to ``t + gamma dt``, then a BDF2 stage to ``t + dt``;
with this ``gamma`` both stages use the same matrix ``capacity + (gamma dt / 2) B``.

Why TR-BDF2: it is L-stable, so the stiff modes (channel fluid equilibrating in seconds beside
a stratum corneum that takes hours) are damped instead of ringing as with Crank-Nicolson; it is
second order; and it is a one-step method. The last point matters here: the channel open
fraction is held constant over short intervals (one factorisation per interval), and a
multistep method such as BDF2 loses an order at every such jump in its coefficients, while a
one-step method does not. Holding ``f`` at its exact interval mean is itself a second-order
approximation (the mean makes the first-order error term vanish on every interval).

The cumulative amounts in and out follow the same stage formulas as the cell amounts, so the
discrete mass balance (in = stored + out) holds to round-off.

A formulation-filled channel (the default, see :mod:`.assembly`) is part of the donor while
open. When its open fraction falls from ``f1`` to ``f2`` the tissue that closes the channel,
capacity ``(f1 - f2) V K``, takes up the formulation it replaces at the donor's potential (the
rest of that formulation returns to the surface film): an explicit transfer from the donor to
the cell, counted in the amount absorbed, so the balance still closes to round-off. A finite
donor is depleted by that uptake while the channel closes, so it gives the exact solution of
that depletion over the update (``exp(-G / V_d)``), never more than it holds. At
``t = 0`` the channels are fully open (``f = 1``); a channel cell then has no tissue part, its
unknown is fixed at zero (a unit row) until the channel starts to close.

TR-BDF2 does not guarantee the discrete maximum principle the way backward Euler does: a step
that would produce a vehicle-referred concentration below zero or above both the donor's and
the step's starting maximum is redone with backward Euler (an M-matrix, so the result stays
within those bounds), which keeps mass exact and costs only that step's accuracy.
``fallback_steps`` in the diagnostics counts them.

The matrix is factorised once (:mod:`.factor`) and reused for every step with the same step
size and open fraction: about ten factorisations for the ramp plus one per closure interval in
which the open fraction still changes the operator noticeably.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from microneedling.errors import InvalidInput
from microneedling.model.delivery.adaptive import (
    BOUNDS_TOLERANCE,
    W_STAGE,
    W_START,
    State,
    Stepper,
    accepted_steps,
    closing_uptake,
)
from microneedling.model.delivery.assembly import ChannelContent, Operator, assemble
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.factor import StageFactor, single_threaded_blas
from microneedling.model.delivery.geometry import UnitCell
from microneedling.model.delivery.grid import FloatArray, build_grid
from microneedling.model.delivery.inputs import Dose, Numerics
from microneedling.model.delivery.media import Layer, Medium
from microneedling.model.delivery.schedule import THETA, closure_fractions, time_steps

#: Relative change of the operator below which a new open fraction is not worth a refactor.
_REFACTOR_THRESHOLD = 1e-9


@dataclass(frozen=True)
class DiffusionProblem:
    """Everything the solver needs, in solver terms (no compound relations here).

    ``layers`` top to bottom; ``channel_fluid`` and ``cell`` None for skin without channels;
    ``closure`` None keeps open channels open; ``profile_times_h`` are the times [h] at which
    concentration-depth profiles are recorded; ``channel_content`` says what fills the open
    channels: the applied ``"formulation"`` (default; ``channel_fluid`` is then the vehicle)
    or ``"interstitial_fluid"`` fed through the channel mouth only.
    """

    layers: tuple[Layer, ...]
    channel_fluid: Medium | None
    cell: UnitCell | None
    closure: ChannelClosure | None
    dose: Dose
    duration_h: float
    profile_times_h: tuple[float, ...] = ()
    channel_content: ChannelContent = "formulation"


@dataclass(frozen=True)
class Profile:
    """Tissue concentration [µg/cm³] against depth [µm] at ``time_h``.

    Channel content counts as part of the tissue it sits in (as in a biopsy): with a
    formulation-filled channel, the formulation still in the open channel is included.
    """

    time_h: float
    depth_um: FloatArray
    mean_ug_per_ml: FloatArray
    axis_ug_per_ml: FloatArray


@dataclass(frozen=True)
class Trajectory:
    """The run's history per unit skin area [µg/cm², µg/cm²/h] at ``times_h`` [h]."""

    times_h: FloatArray
    flux_out_ug_per_cm2_h: FloatArray
    cumulative_out_ug_per_cm2: FloatArray
    cumulative_in_ug_per_cm2: FloatArray
    stored_ug_per_cm2: FloatArray
    open_fraction: FloatArray
    profiles: tuple[Profile, ...]
    mass_balance_relative_error: float
    diagnostics: dict[str, int] = field(default_factory=dict)


class _Factorisations:
    """Factors of ``capacity(f) + h L(f)`` keyed by (h, f); older f are dropped."""

    def __init__(self, operator: Operator) -> None:
        self._operator = operator
        self._cache: dict[tuple[float, float], StageFactor] = {}
        self.count = 0

    def get(self, h: float, f: float) -> StageFactor:
        key = (h, f)
        factor = self._cache.get(key)
        if factor is None:
            self._cache = {k: v for k, v in self._cache.items() if k[1] == f}
            factor = StageFactor(self._operator, h, f)
            self._cache[key] = factor
            self.count += 1
        return factor


def _profile(
    operator: Operator,
    time_h: float,
    stored: FloatArray,
    volumes: FloatArray,
    in_channel: FloatArray,
) -> Profile:
    """``in_channel``: amount [µg] of formulation in each cell's open channel part."""
    grid = operator.grid
    n_cells = grid.size
    amounts = (stored[:n_cells] + in_channel).reshape(grid.nz, grid.nr)
    vol = volumes.reshape(grid.nz, grid.nr)
    return Profile(
        time_h=time_h,
        depth_um=grid.z_centres_cm * 1.0e4,
        mean_ug_per_ml=amounts.sum(axis=1) / vol.sum(axis=1),
        axis_ug_per_ml=amounts[:, 0] / vol[:, 0],
    )


def solve(problem: DiffusionProblem, numerics: Numerics) -> Trajectory:
    """Integrate ``problem`` from an empty skin to ``problem.duration_h``.

    BLAS/LAPACK run on one thread meanwhile (:func:`.factor.single_threaded_blas`: the step
    matrices are too small for threads to pay).
    """
    with single_threaded_blas():
        return _solve(problem, numerics)


def _solve(problem: DiffusionProblem, numerics: Numerics) -> Trajectory:
    thicknesses = [layer.thickness_um for layer in problem.layers]
    grid = build_grid(thicknesses, problem.cell, numerics.resolution, problem.channel_content)
    area = grid.area_cm2
    dose = problem.dose
    c0 = dose.concentration_ug_per_ml
    donor_volume = None if dose.infinite else (dose.volume_ul_per_cm2 or 0.0) * 1e-3 * area
    fluid = problem.channel_fluid if problem.cell is not None else None
    operator = assemble(grid, problem.layers, fluid, donor_volume, problem.channel_content)
    filled_volume = operator.filled_volume_cm3
    if donor_volume is not None and float(filled_volume.sum()) > donor_volume:
        raise InvalidInput(
            "volume_ul_per_cm2",
            f"the open channels hold {1e3 * float(filled_volume.sum()) / area:.3g} µL/cm², more "
            f"than the {dose.volume_ul_per_cm2:g} µL/cm² applied; apply more or model the "
            "channels as filled with interstitial fluid",
        )
    n_cells = grid.size
    bottom_cells = slice(n_cells - grid.nr, n_cells)
    volumes = grid.volumes_cm3.ravel()
    if numerics.time_tolerance is not None:
        return _solve_adaptive(problem, numerics.time_tolerance, operator, c0, donor_volume)

    plan = time_steps(problem.duration_h, numerics)
    steps = plan.sizes_h
    times = np.concatenate(([0.0], np.cumsum(steps)))
    times[-1] = problem.duration_h
    closure = problem.closure if fluid is not None else None
    wanted_f = closure_fractions(times, closure, numerics.steps_per_closure_update)

    n = operator.size
    m_now = np.zeros(n)
    if donor_volume is not None:
        m_now[n_cells] = c0 * donor_volume
    m_before = m_now.copy()
    q_in = np.zeros(times.size)
    q_out = np.zeros(times.size)
    flux_out = np.zeros(times.size)
    stored = np.zeros(times.size)
    f_used = np.ones(times.size)
    f_used[0] = wanted_f[0]
    profile_queue = sorted(problem.profile_times_h)
    profiles: list[Profile] = []

    def donor_potential(state: FloatArray) -> float:
        return float(state[n_cells] / donor_volume) if donor_volume is not None else c0

    def in_channel(state: FloatArray, f: float) -> FloatArray:
        return np.asarray(f * filled_volume * donor_potential(state), dtype=np.float64)

    filling = bool(np.any(filled_volume > 0.0))
    # A filled channel is fully open at t = 0; the first closure update fills its tissue part.
    f = 1.0 if filling else float(wanted_f[0])
    while profile_queue and profile_queue[0] <= 0.0:
        t_p = profile_queue.pop(0)
        profiles.append(_profile(operator, t_p, m_now, volumes, in_channel(m_now, f)))

    def record_profiles(i: int, dt: float, f: float) -> None:
        while profile_queue and profile_queue[0] <= times[i + 1] + 1e-12:
            t_p = profile_queue.pop(0)
            weight = (t_p - times[i]) / dt
            blend = (1.0 - weight) * m_before + weight * m_now
            profiles.append(_profile(operator, t_p, blend, volumes, in_channel(blend, f)))

    factors = _Factorisations(operator)
    fallback_steps = 0
    capacity = operator.capacity(f)
    donor, bottom = operator.donor(f), operator.bottom(f)
    source: FloatArray | None = None

    def fluxes(state: FloatArray) -> tuple[float, float]:
        """Flux [µg/cm²/h] in from the donor and out into the sink at potentials ``state``."""
        donor_u = state[n_cells] if donor_volume is not None else c0
        j_in = float(np.dot(donor, donor_u - state[:n_cells])) / area
        j_out = float(np.dot(bottom, state[bottom_cells])) / area
        return j_in, j_out

    for i, dt in enumerate(steps):
        target = float(wanted_f[i])
        if target != f and abs(target - f) * operator.sensitivity(f) > _REFACTOR_THRESHOLD:
            new_capacity = operator.capacity(target)
            if filling:
                moved = closing_uptake(
                    np.maximum(new_capacity[:n_cells] - capacity[:n_cells], 0.0),
                    c0 if donor_volume is None else float(m_now[n_cells]),
                    donor_volume,
                )
                m_now[:n_cells] += moved
                if donor_volume is not None:
                    m_now[n_cells] -= float(moved.sum())
                q_in[i] += float(moved.sum()) / area
                stored[i] += float(moved.sum()) / area
            f = target
            capacity = new_capacity
            donor, bottom = operator.donor(f), operator.bottom(f)
            source = None
        if source is None:
            source = np.zeros(n)
            if donor_volume is None:
                source[:n_cells] = donor * c0
        # A closing channel changes capacities: the amounts stay, the potentials follow.
        u = np.divide(m_now, capacity, out=np.zeros(n), where=capacity > 0.0)
        j_in0, j_out0 = fluxes(u)
        if plan.euler[i]:
            # Start-up: dt is already theta times a TR-BDF2 step, so the matrix is shared.
            u_new = factors.get(float(dt), f).solve(capacity * u + dt * source)
            j_in1, j_out1 = fluxes(u_new)
            q_in[i + 1] = q_in[i] + dt * j_in1
            q_out[i + 1] = q_out[i] + dt * j_out1
            m_before, m_now = m_now, capacity * u_new
            stored[i + 1] = float(m_now[:n_cells].sum()) / area
            flux_out[i + 1] = j_out1
            f_used[i + 1] = f
            record_profiles(i, dt, f)
            continue
        lu = factors.get(THETA * dt, f)
        half = THETA * dt
        u_stage = lu.solve(capacity * u - half * operator.apply(f, u) + 2.0 * half * source)
        u_new = lu.solve(capacity * (W_STAGE * u_stage - W_START * u) + half * source)
        # The finite donor is checked too: a negative donor would feed the skin negative mass.
        slack = BOUNDS_TOLERANCE * c0
        upper = max(c0, float(u[:n_cells].max()))
        if u_new.min() < -slack or u_new[:n_cells].max() > upper + slack:
            fallback_steps += 1
            u_new = factors.get(float(dt), f).solve(capacity * u + dt * source)
            j_in1, j_out1 = fluxes(u_new)
            q_in[i + 1] = q_in[i] + dt * j_in1
            q_out[i + 1] = q_out[i] + dt * j_out1
        else:
            j_ins, j_outs = fluxes(u_stage)
            j_in1, j_out1 = fluxes(u_new)
            qs_in = q_in[i] + half * (j_in0 + j_ins)
            qs_out = q_out[i] + half * (j_out0 + j_outs)
            q_in[i + 1] = W_STAGE * qs_in - W_START * q_in[i] + half * j_in1
            q_out[i + 1] = W_STAGE * qs_out - W_START * q_out[i] + half * j_out1
        m_before, m_now = m_now, capacity * u_new
        stored[i + 1] = float(m_now[:n_cells].sum()) / area
        flux_out[i + 1] = j_out1
        f_used[i + 1] = f
        record_profiles(i, dt, f)

    balance = q_in - stored - q_out
    scale = max(float(np.max(np.abs(q_in))), 1e-300)
    return Trajectory(
        times_h=times,
        flux_out_ug_per_cm2_h=flux_out,
        cumulative_out_ug_per_cm2=q_out,
        cumulative_in_ug_per_cm2=q_in,
        stored_ug_per_cm2=stored,
        open_fraction=f_used if closure is not None or fluid is not None else f_used * 0.0,
        profiles=tuple(profiles),
        mass_balance_relative_error=float(np.max(np.abs(balance)) / scale),
        diagnostics={
            "cells": n_cells,
            "steps": int(steps.size),
            "factorisations": factors.count,
            "fallback_steps": fallback_steps,
        },
    )


def _solve_adaptive(
    problem: DiffusionProblem,
    tolerance: float,
    operator: Operator,
    c0: float,
    donor_volume: float | None,
) -> Trajectory:
    """:func:`solve` with error-controlled steps (see :mod:`.adaptive`)."""
    grid = operator.grid
    n_cells, area = grid.size, grid.area_cm2
    volumes = grid.volumes_cm3.ravel()
    fluid = problem.channel_fluid if problem.cell is not None else None
    closure = problem.closure if fluid is not None else None
    factors = _Factorisations(operator)
    stepper = Stepper(operator, closure, c0, donor_volume, factors)
    filling = stepper.filling
    m0 = np.zeros(operator.size)
    if donor_volume is not None:
        m0[n_cells] = c0 * donor_volume
    f0 = 1.0 if filling or closure is None else closure.mean_open_fraction(0.0, 0.0)
    state = State(m0, 0.0, 0.0, f0, operator.capacity(f0))
    times, flux, q_out, q_in, stored, f_used = [0.0], [0.0], [0.0], [0.0], [0.0], [f0]
    profile_queue = sorted(problem.profile_times_h)
    profiles: list[Profile] = []

    def in_channel(s: State) -> FloatArray:
        potential = float(s.m[n_cells] / donor_volume) if donor_volume is not None else c0
        return np.asarray(s.f * operator.filled_volume_cm3 * potential, dtype=np.float64)

    while profile_queue and profile_queue[0] <= 0.0:
        profiles.append(_profile(operator, profile_queue.pop(0), m0, volumes, in_channel(state)))
    for t, dt, new, j_out in accepted_steps(stepper, state, problem.duration_h, tolerance):
        while profile_queue and profile_queue[0] <= t + dt + 1e-12:
            t_p = profile_queue.pop(0)
            w = (t_p - t) / dt
            blend = State((1.0 - w) * state.m + w * new.m, 0.0, 0.0, new.f, new.capacity)
            profiles.append(_profile(operator, t_p, blend.m, volumes, in_channel(blend)))
        state = new
        times.append(t + dt)
        flux.append(j_out)
        q_out.append(new.q_out)
        q_in.append(new.q_in)
        stored.append(float(new.m[:n_cells].sum()) / area)
        f_used.append(new.f)
    times[-1] = problem.duration_h
    balance = np.array(q_in) - np.array(stored) - np.array(q_out)
    scale = max(float(np.max(np.abs(q_in))), 1e-300)
    open_fraction = np.array(f_used)
    return Trajectory(
        times_h=np.array(times),
        flux_out_ug_per_cm2_h=np.array(flux),
        cumulative_out_ug_per_cm2=np.array(q_out),
        cumulative_in_ug_per_cm2=np.array(q_in),
        stored_ug_per_cm2=np.array(stored),
        open_fraction=open_fraction if fluid is not None else open_fraction * 0.0,
        profiles=tuple(profiles),
        mass_balance_relative_error=float(np.max(np.abs(balance)) / scale),
        diagnostics={
            "cells": n_cells,
            "steps": len(times) - 1,
            "factorisations": factors.count,
            "fallback_steps": stepper.fallbacks,
            "rejected_steps": stepper.rejected,
        },
    )
