"""Error-controlled time steps for the unit-cell problem (``Numerics.time_tolerance``).

Each step is tried twice: once whole and once as two halves, with the same TR-BDF2 stages as
the fixed schedule (:mod:`.solver`). TR-BDF2 is second order, so the two-halves result is off
by about a third of the difference (Richardson; Hairer, Nørsett & Wanner, Solving ODEs I,
§II.4, step-size control by step doubling). The step is accepted when that estimate, relative
to the largest amount in any cell and to the amount absorbed so far, is within the tolerance;
the two-halves result is kept (no extrapolation, so the discrete mass balance and the
positivity fallback of the fixed schedule still hold). The next step is the current one times
``0.9 err**(-1/3)`` (local error of order 3), limited to [1/5, 4] and rounded down to a power-
of-two fraction of the longest step (``duration / 8``), so that step sizes repeat and each is
factorised once; only the last step, cut to end the run exactly, is off that ladder.

Closing channels: a step holds the open fraction at its exact mean over the step, the whole
step and both halves alike (so they take up the same formulation and differ by the
time-stepping error alone); the error of holding it is bounded as in the fixed schedule, by
a longest step of ``CLOSURE_RATE_SPAN`` over the closure rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from microneedling.model.delivery.assembly import Operator
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.factor import StageFactor
from microneedling.model.delivery.grid import FloatArray
from microneedling.model.delivery.schedule import CLOSURE_RATE_SPAN, GAMMA, THETA

#: BDF2-stage weights of the TR stage value and of the step's start value.
W_STAGE = 1.0 / (GAMMA * (2.0 - GAMMA))
W_START = (1.0 - GAMMA) ** 2 / (GAMMA * (2.0 - GAMMA))
#: Values outside [0, donor] by less than this fraction of the donor count as round-off.
BOUNDS_TOLERANCE = 1e-12


class Factors(Protocol):
    """Factorisations of ``capacity(f) + h L(f)`` by step ``h`` and open fraction ``f``."""

    def get(self, h: float, f: float) -> StageFactor: ...


def closing_uptake(
    gained_cm3: FloatArray, donor: float, donor_volume_cm3: float | None
) -> FloatArray:
    """Amount [µg] of formulation taken up by the tissue closing a filled channel.

    ``gained_cm3``: capacity V·K [cm³] each cell's tissue gained as the channel closed;
    ``donor``: the donor's potential [µg/cm³] for an infinite dose, else its content [µg].

    The closing tissue takes up formulation at the donor's potential. For an infinite dose that
    potential is fixed and the uptake is ``gained * C0``. A finite donor is depleted by that
    uptake as the channel closes, ``d(V_d u_d) = -u_d dG``, so over the update its potential
    falls by ``exp(-G / V_d)``, ``G`` the total capacity gained. Taking the uptake at the
    potential before the update instead (forward Euler) removes more than the donor holds as
    soon as ``G > V_d``, which a lipophilic stratum corneum (``K`` up to 1e5) closing around a
    channel reaches within one update: the donor went negative and took the skin with it.
    Every cell's gain grows with the same ``f(t)``, so the uptake is shared in proportion.
    """
    if donor_volume_cm3 is None:
        return np.asarray(gained_cm3 * donor, dtype=np.float64)
    total = float(gained_cm3.sum())
    if total <= 0.0:
        return np.zeros_like(gained_cm3)
    taken = donor * -math.expm1(-total / donor_volume_cm3)
    return np.asarray(gained_cm3 * (taken / total), dtype=np.float64)


#: Step-size controller: safety factor, and the limits of one change.
_SAFETY, _SHRINK_MOST, _GROW_MOST = 0.9, 0.2, 4.0
#: The first step tried, as a fraction of the run; the controller grows it within a few steps.
_FIRST_STEP_SHARE = 2.0**-16
#: Longest step, as a fraction of the run (as in the fixed schedule).
_LONGEST_STEP_SHARE = 1.0 / 8.0
#: Richardson factor 2**p - 1 for a second-order method.
_RICHARDSON = 3.0
#: Relative change of the operator below which a new open fraction is not worth a refactor.
_REFACTOR_THRESHOLD = 1e-9


@dataclass(frozen=True)
class State:
    """Amounts [µg] per unknown, cumulative in and out [µg/cm²], the open fraction in force
    and the capacities [cm³] that go with it."""

    m: FloatArray
    q_in: float
    q_out: float
    f: float
    capacity: FloatArray


class Stepper:
    """One TR-BDF2 step of any size from any state (see :func:`advance`)."""

    def __init__(
        self,
        operator: Operator,
        closure: ChannelClosure | None,
        c0: float,
        donor_volume_cm3: float | None,
        factors: Factors,
    ) -> None:
        self.op = operator
        self.closure = closure
        self.c0 = c0
        self.donor_volume = donor_volume_cm3
        self.factors = factors
        self.n_cells = operator.grid.size
        self.area = operator.grid.area_cm2
        self.filling = bool(np.any(operator.filled_volume_cm3 > 0.0))
        self.fallbacks = 0
        self.rejected = 0

    def fluxes(self, u: FloatArray, f: float) -> tuple[float, float]:
        """Flux [µg/cm²/h] in from the donor and out into the sink at potentials ``u``."""
        n = self.n_cells
        donor_u = u[n] if self.donor_volume is not None else self.c0
        j_in = float(np.dot(self.op.donor(f), donor_u - u[:n])) / self.area
        bottom = slice(n - self.op.grid.nr, n)
        j_out = float(np.dot(self.op.bottom(f), u[bottom])) / self.area
        return j_in, j_out

    def open_fraction(self, start_h: float, end_h: float, current: float) -> float:
        """Open fraction to hold over [start, end]: its exact mean (``current`` if no closure)."""
        if self.closure is None:
            return current
        return self.closure.mean_open_fraction(start_h, end_h)

    def advance(self, s: State, target: float, dt: float) -> tuple[State, float]:
        """``s`` after one step ``dt`` holding the open fraction at ``target``, and the
        outflux [µg/cm²/h] at its end."""
        n = self.n_cells
        m, q_in, f, capacity = s.m.copy(), s.q_in, s.f, s.capacity
        if (
            self.closure is not None
            and target != f
            and abs(target - f) * self.op.sensitivity(f) > _REFACTOR_THRESHOLD
        ):
            new_capacity = self.op.capacity(target)
            if self.filling:
                moved = closing_uptake(
                    np.maximum(new_capacity[:n] - capacity[:n], 0.0),
                    self.c0 if self.donor_volume is None else float(m[n]),
                    self.donor_volume,
                )
                m[:n] += moved
                if self.donor_volume is not None:
                    m[n] -= float(moved.sum())
                q_in += float(moved.sum()) / self.area
            f, capacity = target, new_capacity
        source = np.zeros(m.size)
        if self.donor_volume is None:
            source[:n] = self.op.donor(f) * self.c0
        u = np.divide(m, capacity, out=np.zeros(m.size), where=capacity > 0.0)
        j_in0, j_out0 = self.fluxes(u, f)
        half = THETA * dt
        lu = self.factors.get(half, f)
        u_stage = lu.solve(capacity * u - half * self.op.apply(f, u) + 2.0 * half * source)
        u_new = lu.solve(capacity * (W_STAGE * u_stage - W_START * u) + half * source)
        slack = BOUNDS_TOLERANCE * self.c0
        upper = max(self.c0, float(u[:n].max()))
        if u_new.min() < -slack or u_new[:n].max() > upper + slack:
            self.fallbacks += 1
            u_new = self.factors.get(dt, f).solve(capacity * u + dt * source)
            j_in1, j_out1 = self.fluxes(u_new, f)
            q_in += dt * j_in1
            q_out = s.q_out + dt * j_out1
        else:
            j_ins, j_outs = self.fluxes(u_stage, f)
            j_in1, j_out1 = self.fluxes(u_new, f)
            qs_in = q_in + half * (j_in0 + j_ins)
            qs_out = s.q_out + half * (j_out0 + j_outs)
            q_in = W_STAGE * qs_in - W_START * q_in + half * j_in1
            q_out = W_STAGE * qs_out - W_START * s.q_out + half * j_out1
        return State(capacity * u_new, q_in, q_out, f, capacity), j_out1


def step_error(whole: State, halves: State, tolerance: float) -> float:
    """Estimated error of ``halves`` in units of ``tolerance`` (accept when <= 1).

    Relative to the largest amount in any unknown for the amounts, and to the amount absorbed
    so far for the cumulative amounts in and out.
    """
    scale_m = max(float(np.max(np.abs(halves.m))), 1e-300)
    scale_q = max(abs(halves.q_in), abs(halves.q_out), 1e-300)
    worst = max(
        float(np.max(np.abs(halves.m - whole.m))) / scale_m,
        abs(halves.q_in - whole.q_in) / scale_q,
        abs(halves.q_out - whole.q_out) / scale_q,
    )
    return worst / _RICHARDSON / tolerance


def next_step(dt: float, error: float, longest: float) -> float:
    """The next step [h] after a step ``dt`` with scaled error ``error``, on the ladder."""
    factor = _SAFETY * error ** (-1.0 / 3.0) if error > 0.0 else _GROW_MOST
    wanted = min(dt * min(_GROW_MOST, max(_SHRINK_MOST, factor)), longest)
    return longest * 2.0 ** math.floor(math.log2(wanted / longest) + 1e-12)


def first_and_longest_step(
    duration_h: float, closure: ChannelClosure | None
) -> tuple[float, float]:
    """First step tried and longest step [h], both on the ladder. With closure the longest
    step also spans at most ``CLOSURE_RATE_SPAN`` over the closure rate, as the fixed
    schedule's closure groups do."""
    longest = duration_h * _LONGEST_STEP_SHARE
    if closure is not None:
        longest = min(longest, CLOSURE_RATE_SPAN / closure.rate_per_h)
    return longest * 2.0 ** math.floor(math.log2(_FIRST_STEP_SHARE / _LONGEST_STEP_SHARE)), longest


#: A step this much shorter than the run means the controller cannot meet the tolerance.
_SHORTEST_STEP_SHARE = 1e-14


def accepted_steps(
    stepper: Stepper, state: State, duration_h: float, tolerance: float
) -> Iterator[tuple[float, float, State, float]]:
    """Each accepted step as (start [h], size [h], state at its end, outflux at its end)."""
    dt, longest = first_and_longest_step(duration_h, stepper.closure)
    t = 0.0
    while duration_h - t > 1e-12 * duration_h:
        step = min(dt, duration_h - t)
        if step < _SHORTEST_STEP_SHARE * duration_h:
            raise RuntimeError(f"time step fell below {step:.3g} h at t = {t:.6g} h")
        # Whole step and halves hold the same open fraction (and so take up the same
        # formulation): the difference is the time-stepping error alone; the error of holding
        # the fraction is bounded by the longest step, as in the fixed schedule.
        f = stepper.open_fraction(t, t + step, state.f)
        whole, _ = stepper.advance(state, f, step)
        mid, _ = stepper.advance(state, f, step / 2.0)
        halves, j_out = stepper.advance(mid, f, step / 2.0)
        error = step_error(whole, halves, tolerance)
        if error <= 1.0:
            yield t, step, halves, j_out
            t += step
            state = halves
        else:
            stepper.rejected += 1
        dt = next_step(step, error, longest)
