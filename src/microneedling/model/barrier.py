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
    left_share: float,
) -> FloatArray:
    """Time [h] until only ``left_share`` of the starting barrier deficit is left.

    The deficit is a sum of two decaying exponentials, so it falls monotonically and the
    crossing is bracketed by the two parts' own crossing times; 60 bisections reach 1e-18 of
    the bracket.
    """
    fast, slow, share = np.broadcast_arrays(
        np.asarray(half_time_h, float),
        np.asarray(closure_half_time_h, float),
        np.asarray(channel_share, float),
    )
    lo = np.zeros(fast.shape)
    hi = np.maximum(fast, slow) * np.log2(1.0 / left_share)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        left = (1.0 - share) * np.exp2(-mid / fast) + share * np.exp2(-mid / slow)
        above = left > left_share
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.asarray(0.5 * (lo + hi), dtype=np.float64)


def hours_until_closed(half_time_h: FloatArray, closed_fraction: FloatArray) -> FloatArray:
    """Time [h] until only ``closed_fraction`` of the channels is still open."""
    return np.asarray(half_time_h * np.log2(1.0 / closed_fraction), dtype=np.float64)
