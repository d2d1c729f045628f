"""Time steps and closure intervals of one run.

The run opens with a ramp: two steps at ``dt / 2**L``, two at ``dt / 2**(L-1)``, ... up to the
main step ``dt``. The fast start (the channel filling within seconds, the first minutes of
the stratum corneum transient) is resolved without paying small steps for a whole day, and the
step only ever doubles, which keeps variable-step BDF2 stable (it is zero-stable for step
ratios below 1 + sqrt 2).

The open fraction of the channels is held at its exact mean over groups of
``steps_per_closure_update`` steps, so the matrix changes (and is factorised) once per group
rather than every step. The groups scale with the step, so the resulting error is of the same
order as the time-stepping error and is caught by the coarse/fine error estimate.
"""

from __future__ import annotations

import math

import numpy as np

from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.grid import FloatArray
from microneedling.model.delivery.inputs import Numerics


def step_sizes_h(duration_h: float, numerics: Numerics) -> FloatArray:
    """Step sizes [h] that add up to ``duration_h`` exactly."""
    main = min(1.0 / numerics.steps_per_hour, duration_h / 8.0)
    ramp = [main / 2.0**level for level in range(numerics.ramp_levels, 0, -1) for _ in range(2)]
    remaining = duration_h - sum(ramp)
    count = max(1, math.ceil(remaining / main - 1e-9))
    steps = np.array([*ramp, *([remaining / count] * count)], dtype=np.float64)
    return steps


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
