"""Exact percentiles of the rows of a wide block (days or hours x all patients).

A cohort writes each block of days for all its patients side by side, so a day is one
contiguous row of N values. Each wanted rank is bracketed between two numbers; two comparisons
of the row with a single number count the patients below the bracket and mark those inside it,
and a selection among the few inside gives the exact value. A bracket comes first from the
rank's own history: successive rows are successive days (or hours), so the value two rows ago
and the last one, extrapolated, give a guess, and the recent errors of such guesses its
half-width. Where there is no history or the guess misses, an evenly strided sample of the row
brackets the rank between two of the sample's order statistics; where that misses too (twice),
or the row is short, the row is partitioned whole. The counts decide, never the guess, so every
result equals ``np.percentile(..., method="linear")`` on finite values (two knowing
departures, from :func:`interpolate`: an infinite neighbour of a whole or tied position does
not turn the result into NaN, and the sign of a zero may differ). Rows known to be zero for
every patient are not read.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Half-width of a sample bracket, in standard errors of the sample's order statistic.
#: Narrower brackets hold fewer values to gather and select but miss more often.
_Z = 2.5
#: How much wider each retry's sample bracket is than the first.
_WIDEN = (1, 4)
#: Half-width of a guessed bracket, in multiples of the largest of the recent guess errors.
_GUESS_WIDTH = 3.0
#: How many recent guess errors set the half-width.
_ERRORS_KEPT = 3


class RowPercentiles:
    """Linear-interpolated percentiles of successive rows of one output.

    Call it with consecutive blocks of rows (B, N) of the same output; each call returns one
    array (B,) per percent. It carries each rank's recent values from block to block, which
    is what makes its brackets narrow. ``sample`` patients bracket a rank that has no usable
    history (rows shorter than 8 samples are partitioned whole). ``guessed`` and ``sampled``
    count the brackets of each kind that held.
    """

    def __init__(self, percents: tuple[float, ...], sample: int) -> None:
        self.percents = percents
        self.sample = sample
        self.guessed = 0
        self.sampled = 0
        self._values: list[deque[float]] = [deque(maxlen=2) for _ in percents]
        self._errors: list[deque[float]] = [deque(maxlen=_ERRORS_KEPT) for _ in percents]
        self._ratio_errors: list[deque[float]] = [deque(maxlen=_ERRORS_KEPT) for _ in percents]

    def __call__(
        self, x: FloatArray, zero_rows: NDArray[np.bool_] | None = None
    ) -> list[FloatArray]:
        """Percentiles of each row of ``x``; ``zero_rows`` marks rows whose every value is
        exactly 0, which are not read."""
        rows, n = x.shape
        positions = virtual_positions(n, self.percents)
        lows = [math.floor(h) for h in positions]
        pairs = np.zeros((rows, len(lows), 2))
        if n < 8 * self.sample:
            todo = np.arange(rows) if zero_rows is None else np.flatnonzero(~zero_rows)
            if todo.size:
                ranks = sorted({k for lo in lows for k in (lo, min(lo + 1, n - 1))})
                part = np.partition(x[todo], ranks, axis=1)
                for i, lo in enumerate(lows):
                    pairs[todo, i] = part[:, [lo, min(lo + 1, n - 1)]]
            return interpolate(pairs, positions, lows)
        low = np.empty(n, dtype=np.bool_)
        inside = np.empty(n, dtype=np.bool_)
        stride = n // self.sample
        for row in range(rows):
            if zero_rows is not None and zero_rows[row]:
                for i in range(len(lows)):
                    self._record(i, 0.0)
                continue
            values = x[row]
            ordered: _SampleOrder | None = None
            for i, lo in enumerate(lows):
                hi = min(lo + 1, n - 1)
                pair = None
                guess = self._guess(i)
                if guess is not None:
                    pair = _count_and_select(values, lo, hi, *guess, low, inside, n // 16)
                    self.guessed += pair is not None
                if pair is None:
                    if ordered is None:
                        ordered = _SampleOrder(values[: stride * self.sample : stride], n, lows)
                    pair = _select_pair(values, lo, hi, ordered, i, low, inside)
                    self.sampled += 1
                pairs[row, i] = pair
                self._record(i, float(pair[0]))
        return interpolate(pairs, positions, lows)

    def _guess(self, i: int) -> tuple[float, float] | None:
        """A bracket extrapolated from the rank's last two values, as wide as the recent
        errors of such extrapolations allow (no guess until there are errors to go by).
        Positive values are extrapolated on a log scale, where a decay is a straight line."""
        ratio_errors = self._ratio_errors[i]
        previous, last = self._values[i] if len(self._values[i]) == 2 else (0.0, 0.0)
        if len(ratio_errors) == _ERRORS_KEPT and previous > 0 and last > 0:
            centre = last * (last / previous)
            spread = math.exp(_GUESS_WIDTH * max(ratio_errors)) * (1 + 1e-12)
            low, high = centre / spread, centre * spread
        elif self._errors[i]:
            centre = 2.0 * last - previous
            half = _GUESS_WIDTH * max(self._errors[i]) + 1e-12 * abs(centre)
            low, high = centre - half, centre + half
        else:
            return None
        if not (math.isfinite(low) and math.isfinite(high)):
            return None
        return low, high

    def _record(self, i: int, value: float) -> None:
        values = self._values[i]
        if len(values) == 2:
            previous, last = values
            self._errors[i].append(abs(value - (2.0 * last - previous)))
            if previous > 0 and last > 0 and value > 0:
                self._ratio_errors[i].append(
                    abs(math.log(value) + math.log(previous) - 2.0 * math.log(last))
                )
            else:
                self._ratio_errors[i].clear()
        values.append(value)


def percentiles(
    x: FloatArray,
    percents: tuple[float, ...],
    sample: int,
    zero_rows: NDArray[np.bool_] | None = None,
) -> list[FloatArray]:
    """Linear-interpolated percentiles of each row of ``x`` (B, N): one array (B,) per percent
    (rows taken as successive times; see :class:`RowPercentiles`)."""
    return RowPercentiles(percents, sample)(x, zero_rows)


class _SampleOrder:
    """Order statistics of one row's sample, partitioned for the brackets of every wanted
    rank at once."""

    def __init__(self, sample: FloatArray, n: int, lows: list[int]) -> None:
        self.sample = sample
        self.n = n
        self.lows = lows
        self.picks = _sample_ranks(sample.size, n, lows, _Z)
        self.part = np.partition(sample, sorted({r for p in self.picks for r in p}))

    def bracket(self, i: int, widen: float) -> tuple[float, float]:
        """Values bracketing wanted rank ``i``: at the sample's first attempt, or ``widen``
        times as wide when an earlier bracket missed."""
        if widen == 1:
            a, b = self.picks[i]
            return float(self.part[a]), float(self.part[b])
        a, b = _sample_ranks(self.sample.size, self.n, [self.lows[i]], _Z * widen)[0]
        part = np.partition(self.sample, [a, b])
        return float(part[a]), float(part[b])


def _count_and_select(
    values: FloatArray,
    lo: int,
    hi: int,
    a: float,
    b: float,
    low: NDArray[np.bool_],
    inside: NDArray[np.bool_],
    most: int | None = None,
) -> FloatArray | None:
    """Order statistics ``lo`` and ``hi`` of ``values`` if both lie in [a, b] (counted) among
    at most ``most`` values, else None; ``low`` and ``inside`` are scratch masks."""
    np.less(values, a, out=low)
    np.less_equal(values, b, out=inside)
    below = int(np.count_nonzero(low))
    upto = int(np.count_nonzero(inside))
    if not below <= lo <= hi < upto:
        return None
    if a == b:
        return np.array([a, a])
    if most is not None and upto - below > most:
        return None
    # a <= b, so the values below a are among those up to b.
    np.logical_xor(inside, low, out=inside)
    k = [lo - below, hi - below]
    return np.partition(np.compress(inside, values), k)[k]


def _select_pair(
    values: FloatArray,
    lo: int,
    hi: int,
    ordered: _SampleOrder,
    i: int,
    low: NDArray[np.bool_],
    inside: NDArray[np.bool_],
) -> FloatArray:
    """Order statistics ``lo`` and ``hi`` of ``values`` from sample brackets, each retry wider;
    after the last the whole row is selected."""
    for widen in _WIDEN:
        pair = _count_and_select(values, lo, hi, *ordered.bracket(i, widen), low, inside)
        if pair is not None:
            return pair
    return np.partition(values, [lo, hi])[[lo, hi]]


def _sample_ranks(m: int, n: int, lows: list[int], z: float) -> list[tuple[int, int]]:
    """Ranks in a sample of ``m`` that bracket rank ``lo`` (and ``lo + 1``) of ``n`` values:
    the sample's order statistic at the same quantile, +- ``z`` standard errors (and one
    rank)."""
    picks = []
    for lo in lows:
        p = lo / max(n - 1, 1)
        centre = p * (m - 1)
        spread = z * math.sqrt(max(m * p * (1 - p), 1.0)) + 1.0
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
