"""Barrier and channel closure over the hours and days after a session.

Two clocks run after needling. Most of the *barrier* (water loss, electrical impedance) reseals
within about 2 h on uncovered human skin (Gupta 2011; Bal 2008), while the *channels* themselves
stay open for many hours, deeper ones longer: dye showed pores closed by 12-18 h in rat skin
(Kalluri 2011). Water loss after deep needling in people stays above baseline for two days and
longest after the deepest needles (Sasaki 2019), which the fast reseal alone cannot give: a share
of the water loss leaves through channels that are still open and so follows their closure,
which is depth-dependent. Both parts decay exponentially; occlusion slows both.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def open_fraction(
    hours: FloatArray, half_time_h: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """Share [0-1] of a session's channels still open ``hours`` after it (0 before it); into
    ``out`` (the broadcast shape) when given, without allocating."""
    h = np.asarray(hours, dtype=np.float64)
    share = np.divide(np.maximum(h, 0.0), half_time_h, out=out)
    np.negative(share, out=share)
    np.exp2(share, out=share)
    before = h < 0
    if before.any():
        np.copyto(share, 0.0, where=np.broadcast_to(before, share.shape))
    return share


def barrier_deficit_pct(
    hours: FloatArray,
    area_fraction: FloatArray,
    half_time_h: FloatArray,
    channel_share: FloatArray,
    closure_half_time_h: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """Share of the skin surface [%] still without a barrier ``hours`` after a session (into
    ``out`` when given).

    The deficit starts at the punctured area fraction (a proxy for the excess water loss); the
    share ``1 - channel_share`` of it halves every ``half_time_h`` (the fast reseal), the
    share ``channel_share`` closes with the channels (``closure_half_time_h``).
    """
    deficit = open_fraction(hours, half_time_h, out)
    deficit *= 1.0 - channel_share
    deficit += channel_share * open_fraction(hours, closure_half_time_h)
    deficit *= 100.0 * area_fraction
    return deficit


def hours_until_recovered(
    half_time_h: FloatArray,
    channel_share: FloatArray,
    closure_half_time_h: FloatArray,
    left_share: float | FloatArray,
) -> FloatArray:
    """Time [h] until only ``left_share`` of the starting barrier deficit is left (all
    arguments broadcast together, so one call answers every session and share).

    The deficit is a sum of two decaying exponentials: convex and falling, so Newton's method
    started left of the crossing (at the earlier of the two parts' own crossing times, where
    the deficit is still above ``left_share``) climbs to it without overshooting.
    """
    fast, slow, share, left_share = np.broadcast_arrays(
        np.asarray(half_time_h, float),
        np.asarray(closure_half_time_h, float),
        np.asarray(channel_share, float),
        np.asarray(left_share, float),
    )
    ln2 = np.log(2.0)
    t = np.minimum(fast, slow) * np.log2(1.0 / left_share)
    for _ in range(100):
        a = (1.0 - share) * np.exp2(-t / fast)
        b = share * np.exp2(-t / slow)
        step = (a + b - left_share) / (ln2 * (a / fast + b / slow))
        t = t + step
        if np.all(np.abs(step) <= 1e-12 * np.maximum(t, 1.0)):
            break
    return np.asarray(t, dtype=np.float64)


def hours_until_closed(half_time_h: FloatArray, closed_fraction: FloatArray) -> FloatArray:
    """Time [h] until only ``closed_fraction`` of the channels is still open."""
    return np.asarray(half_time_h * np.log2(1.0 / closed_fraction), dtype=np.float64)
