"""Redness after a session and the downtime a patient will see.

Redness has two parts. The *flare* (an axon-reflex erythema) follows any puncture, scales with
the punctured share of the surface and fades within an hour or two (Bal 2008: under 2 h for
needles of 200-400 µm). *Inflammatory* redness follows injury to the vessels below the papillary
dermis; it scales with the channel volume below the plexus and fades with the inflammatory
signal (2/day, Adler 2020), so it lasts days after deep treatments and not at all after shallow
ones. The sum ``x`` is read out on a 0-3 erythema grade as ``3x/(1+x)``; grade 1 (``x = 0.5``)
is the threshold of visible redness, which ends the downtime.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Top of the erythema grade (0 none, 1 mild/visible, 2 moderate, 3 marked).
GRADE_MAX = 3.0
#: Grade at which redness is visible.
VISIBLE_GRADE = 1.0
_VISIBLE_X = VISIBLE_GRADE / (GRADE_MAX - VISIBLE_GRADE)


def redness_grade(x: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Erythema grade [0-3] from the summed redness drive ``x`` [-] (a negative drive counts
    as none): ``GRADE_MAX * x / (1 + x)``, evaluated as ``GRADE_MAX / (1 + 1 / x)`` so that it
    needs no second buffer (exact to rounding for tiny and large drives alike).

    With ``out`` the grade is written there in one pass and ``x`` serves as scratch (it is
    overwritten): the solver's in-place read-outs use it so. Without, nothing is overwritten.
    """
    drive = np.maximum(np.asarray(x, dtype=np.float64), 0.0, out=x if out is not None else None)
    with np.errstate(divide="ignore", over="ignore"):
        np.reciprocal(drive, out=drive)  # no drive: 1/0 = inf, grade 0
    drive += 1.0
    return np.divide(GRADE_MAX, drive, out=out)


def downtime_days(
    flare0: FloatArray,
    flare_rate_per_day: FloatArray,
    vascular0: FloatArray,
    vascular_rate_per_day: FloatArray,
) -> FloatArray:
    """Days [d] until redness falls below the visible grade.

    ``flare0`` and ``vascular0`` are the two drives just after the session (including what is
    left of earlier sessions); each decays exponentially at its rate [1/day]. Their sum is
    convex and decreasing, so Newton's method started at 0 approaches the crossing from below
    without overshooting; it stops when a step is under 1e-12 day.
    """
    f0, v0 = np.broadcast_arrays(np.asarray(flare0, float), np.asarray(vascular0, float))
    kf = np.broadcast_to(flare_rate_per_day, f0.shape)
    kv = np.broadcast_to(vascular_rate_per_day, f0.shape)
    t = np.zeros(f0.shape)
    visible = f0 + v0 > _VISIBLE_X
    for _ in range(200):
        ef, ev = f0 * np.exp(-kf * t), v0 * np.exp(-kv * t)
        excess = ef + ev - _VISIBLE_X
        slope = kf * ef + kv * ev
        step = np.where(visible & (excess > 0), excess / np.maximum(slope, 1e-300), 0.0)
        t = t + step
        if float(np.max(step, initial=0.0)) < 1e-12:
            break
    return np.where(visible, t, 0.0)
