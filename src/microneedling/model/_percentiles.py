"""Exact percentiles of the rows of a wide block (days or hours x all patients).

A cohort writes each block of days for all its patients side by side, so a day is one
contiguous row of N values (800 kB for 100,000 patients: it stays in the L2 cache while it is
worked on). An evenly strided sample of each row brackets every wanted rank between two of the
sample's own order statistics; two comparisons of the row with a single number count the
patients below the bracket and mark those inside it (a comparison with one number runs about
three times faster than one broadcast down a block's rows), and a selection among the few
inside gives the exact value. Where a bracket misses, or the row is short, the row is
partitioned whole. Rows known to be zero for every patient are not read. Results equal
``np.percentile(..., method="linear")``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Half-width of a bracket, in standard errors of the sample's order statistic. Narrower
#: brackets hold fewer values to gather and select but miss more often (a miss costs a
#: whole-row selection, ~1.5 ms for 100,000 patients); measured per row of the benchmark
#: cohort: 0.39 ms at 3.5, 0.36 at 3.0, 0.34 at 2.5, 0.46 at 2.0.
_Z = 2.5


def percentiles(
    x: FloatArray,
    percents: tuple[float, ...],
    sample: int,
    zero_rows: NDArray[np.bool_] | None = None,
) -> list[FloatArray]:
    """Linear-interpolated percentiles of each row of ``x`` (B, N): one array (B,) per percent.

    ``sample`` patients bracket the ranks (rows shorter than 8 samples are partitioned whole);
    ``zero_rows`` marks rows whose every value is exactly 0, which are not read."""
    rows, n = x.shape
    positions = virtual_positions(n, percents)
    lows = [math.floor(h) for h in positions]
    pairs = np.zeros((rows, len(lows), 2))
    todo = np.arange(rows) if zero_rows is None else np.flatnonzero(~zero_rows)
    ranks = sorted({k for lo in lows for k in (lo, min(lo + 1, n - 1))})
    if not todo.size:
        pass
    elif n < 8 * sample:
        part = np.partition(x[todo], ranks, axis=1)
        for i, lo in enumerate(lows):
            pairs[todo, i] = part[:, [lo, min(lo + 1, n - 1)]]
    else:
        stride = n // sample
        picks = _sample_ranks(sample, n, lows)
        sample_part = np.partition(
            x[todo, : stride * sample : stride], sorted({r for p in picks for r in p}), axis=1
        )
        low = np.empty(n, dtype=np.bool_)
        inside = np.empty(n, dtype=np.bool_)
        for j, row in enumerate(todo.tolist()):
            values = x[row]
            for i, lo in enumerate(lows):
                hi = min(lo + 1, n - 1)
                a = float(sample_part[j, picks[i][0]])
                b = float(sample_part[j, picks[i][1]])
                np.less(values, a, out=low)
                np.less_equal(values, b, out=inside)
                below = int(np.count_nonzero(low))
                upto = int(np.count_nonzero(inside))
                if not below <= lo <= hi < upto:
                    pairs[row, i] = np.partition(values, [lo, hi])[[lo, hi]]
                elif a == b:
                    pairs[row, i] = a
                else:
                    # a <= b, so the values below a are among those up to b.
                    np.logical_xor(inside, low, out=inside)
                    k = [lo - below, hi - below]
                    pairs[row, i] = np.partition(np.compress(inside, values), k)[k]
    return interpolate(pairs, positions, lows)


def _sample_ranks(m: int, n: int, lows: list[int]) -> list[tuple[int, int]]:
    """Ranks in a sample of ``m`` that bracket rank ``lo`` (and ``lo + 1``) of ``n`` values with
    high odds: the sample's order statistic at the same quantile, +- 2.5 standard errors
    (and one rank)."""
    picks = []
    for lo in lows:
        p = lo / max(n - 1, 1)
        centre = p * (m - 1)
        spread = _Z * math.sqrt(max(m * p * (1 - p), 1.0)) + 1.0
        picks.append((max(math.floor(centre - spread), 0), min(math.ceil(centre + spread), m - 1)))
    return picks


def virtual_positions(n: int, percents: tuple[float, ...]) -> list[float]:
    """(n - 1) * (q / 100), rounded as NumPy rounds it, so that the interpolation weights agree."""
    return [(n - 1) * (q / 100.0) for q in percents]


def interpolate(pairs: FloatArray, positions: list[float], lows: list[int]) -> list[FloatArray]:
    """Linear interpolation between the two order statistics around each position, with
    NumPy's rounding (from the nearer end), so the bands equal ``np.percentile`` bit for bit;
    a whole position or equal ends (also infinite ones) give the lower end."""
    out = []
    for i, (h, lo) in enumerate(zip(positions, lows, strict=True)):
        a, b = pairs[:, i, 0], pairs[:, i, 1]
        t = h - lo
        with np.errstate(invalid="ignore"):
            diff = b - a
            value = b - diff * (1 - t) if t >= 0.5 else a + diff * t
            out.append(np.where((t == 0) | (a == b), a, value))
    return out
