"""Time steps and closure intervals of one run.

The run opens with ``startup_steps`` backward-Euler steps of ``theta * s`` each, ``s`` the
first TR-BDF2 step and ``theta = gamma / 2`` that scheme's implicit weight: a backward-Euler
step of that length has the very matrix of the TR-BDF2 stages, ``capacity + theta s B``, so
it costs no factorisation. Why: the skin starts empty under a full donor, a discontinuity the
trapezoidal stage turns into over- and undershoots; a few L-stable Euler steps damp it first
(Rannacher's start-up, Numer Math 43:309, 1984), and a fixed number of first-order steps keeps
the method second order overall.

Then an optional ramp: two steps at ``dt / 2**L``, two at ``dt / 2**(L-1)``, ... up to the
main step ``dt``, to resolve the fast start without paying small steps for a whole day. The
main step is shortened so that start-up, ramp and main steps add up to the run exactly and
each ramp level is an exact power-of-two fraction of it: every step size then repeats
exactly and is factorised once.

The open fraction of the channels is held at its exact mean over groups of
``steps_per_closure_update`` steps, so the matrix changes (and is factorised) once per group
rather than every step. The groups scale with the step, so the resulting error is of the same
order as the time-stepping error and is caught by the coarse/fine error estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.grid import FloatArray
from microneedling.model.delivery.inputs import Numerics

#: TR-BDF2's stage fraction; with it both stages share one matrix.
GAMMA = 2.0 - math.sqrt(2.0)
#: Implicit weight of both stages: gamma/2 = (1 - gamma)/(2 - gamma) for this gamma.
THETA = GAMMA / 2.0


@dataclass(frozen=True)
class StepPlan:
    """Step sizes [h] adding up to the run, and which steps are backward Euler."""

    sizes_h: FloatArray
    euler: npt.NDArray[np.bool_]


def time_steps(duration_h: float, numerics: Numerics) -> StepPlan:
    """The run's steps: Euler start-up, ramp, then equal main steps; they add up exactly."""
    nominal = min(1.0 / numerics.steps_per_hour, duration_h / 8.0)
    levels = numerics.ramp_levels
    ramp_weight = 2.0 * (1.0 - 2.0**-levels)  # ramp length in main steps
    startup_weight = numerics.startup_steps * THETA * 2.0**-levels
    count = max(1, math.ceil(duration_h / nominal - ramp_weight - startup_weight - 1e-9))
    main = duration_h / (count + ramp_weight + startup_weight)
    first = main / 2.0**levels
    sizes = [
        *([THETA * first] * numerics.startup_steps),
        *(main / 2.0**level for level in range(levels, 0, -1) for _ in range(2)),
        *([main] * count),
    ]
    euler = np.zeros(len(sizes), dtype=np.bool_)
    euler[: numerics.startup_steps] = True
    return StepPlan(np.array(sizes, dtype=np.float64), euler)


def closure_fractions(
    times_h: FloatArray, closure: ChannelClosure | None, steps_per_update: int
) -> FloatArray:
    """Open fraction applied during each step (``times_h`` are the step boundaries)."""
    n_steps = times_h.size - 1
    fractions = np.ones(n_steps, dtype=np.float64)
    if closure is None:
        return fractions
    for first in range(0, n_steps, steps_per_update):
        last = min(first + steps_per_update, n_steps)
        start, end = float(times_h[first]), float(times_h[last])
        fractions[first:last] = closure.mean_open_fraction(start, end)
    return fractions
