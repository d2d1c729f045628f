"""Bands: the 5th, 50th and 95th percentiles of an output over a virtual cohort."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from microneedling.model.solver.percentiles import interpolate, virtual_positions

FloatArray = NDArray[np.float64]
PERCENTILES = (5.0, 50.0, 95.0)


@dataclass(frozen=True)
class Bands:
    """5th, 50th and 95th percentiles of one output (arrays of equal shape)."""

    p5: FloatArray
    p50: FloatArray
    p95: FloatArray

    def to_dict(self) -> dict[str, Any]:
        return {"p5": self.p5.tolist(), "p50": self.p50.tolist(), "p95": self.p95.tolist()}


def percentile_bands(values: FloatArray, axis: int = -1) -> Bands:
    """5/50/95 % percentiles along ``axis`` by selection (np.partition), equal to
    ``np.percentile(..., method="linear")``."""
    x = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    n = x.shape[-1]
    positions = virtual_positions(n, PERCENTILES)
    lows = [math.floor(h) for h in positions]
    kth = sorted({k for lo in lows for k in (lo, min(lo + 1, n - 1))})
    part = np.partition(x, kth, axis=-1).reshape(-1, n)
    pairs = np.stack([part[:, [lo, min(lo + 1, n - 1)]] for lo in lows], axis=1)
    return Bands(*(band.reshape(x.shape[:-1]) for band in interpolate(pairs, positions, lows)))
