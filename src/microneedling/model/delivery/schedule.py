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

The open fraction of the channels is held at its exact mean over groups of at most
``steps_per_closure_update`` steps, so the matrix changes (and is factorised) once per group
rather than every step; a group also spans no more than ``CLOSURE_RATE_SPAN`` over the
closure rate, so fast closure gets short groups. The remaining error is of the order of the
time-stepping error and is caught by the coarse/fine error estimate.
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
#: Longest closure group, as closure rate x group span: the open fraction falls by at most
#: 14 % of itself while it is held at its mean. Measured (docs/delivery.md): with the
#: fast-closing Gupta channels, groups of six 0.1-h steps (rate x span 0.9) left a time error of
#: 0.4-0.9 %; at 0.15 it is 1e-4 to 3e-4, and the default Kalluri closure keeps its six-step
#: groups (rate x span 0.15).
CLOSURE_RATE_SPAN = 0.15


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
    """Open fraction applied during each step (``times_h`` are the step boundaries).

    Steps are grouped (one factorisation per group) up to ``steps_per_update`` steps and no
    longer than :data:`CLOSURE_RATE_SPAN` over the closure rate: within a group the open
    fraction falls by at most ``1 - exp(-CLOSURE_RATE_SPAN)`` of itself, whatever the rate.
    """
    n_steps = times_h.size - 1
    fractions = np.ones(n_steps, dtype=np.float64)
    if closure is None:
        return fractions
    longest_h = CLOSURE_RATE_SPAN / closure.rate_per_h
    first = 0
    while first < n_steps:
        last = first + 1
        while (
            last < n_steps
            and last - first < steps_per_update
            and times_h[last + 1] - times_h[first] <= longest_h
        ):
            last += 1
        start, end = float(times_h[first]), float(times_h[last])
        fractions[first:last] = closure.mean_open_fraction(start, end)
        first = last
    return fractions
