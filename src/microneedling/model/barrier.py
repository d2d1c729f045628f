"""Barrier and channel closure over the hours after a session.

Two clocks run after needling. The *barrier* (water loss, electrical impedance) recovers within
about 2 h on uncovered human skin (Gupta 2011; Bal 2008), while the *channels* themselves stay
open to large molecules for many hours: dye showed pores closed by 12-18 h in rat skin,
deeper ones later (Kalluri 2011). Both decay exponentially; occlusion slows both.
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
    out: FloatArray | None = None,
) -> FloatArray:
    """Share of the skin surface [%] still without a barrier ``hours`` after a session (into
    ``out`` when given).

    The deficit starts at the punctured area fraction (a proxy for the excess water loss) and
    halves every ``half_time_h``.
    """
    deficit = open_fraction(hours, half_time_h, out)
    deficit *= 100.0 * area_fraction
    return deficit


def hours_until_closed(half_time_h: FloatArray, closed_fraction: FloatArray) -> FloatArray:
    """Time [h] until only ``closed_fraction`` of the channels is still open."""
    return np.asarray(half_time_h * np.log2(1.0 / closed_fraction), dtype=np.float64)
