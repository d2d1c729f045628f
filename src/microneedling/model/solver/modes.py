"""The cascade's modes: decay rates, divided-difference weights, and the matrix-exponential path.

Between sessions the healing cascade is linear with a lower-triangular matrix, so every state is
a sum over modes of ``weight * exp(-rate * t)`` after each pulse. :class:`Modes` holds the rates,
gains and weights of N patients; patients whose rates on a chain nearly coincide (the closed form
would lose digits) are listed in ``slow_rows`` and solved with the matrix exponential instead
(:func:`slow_states`, :class:`SlowRows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import expm

from microneedling.model.solver.inputs import PatientArrays

FloatArray = NDArray[np.float64]


def slow_states(
    a: FloatArray, session_days: NDArray[np.int64], kicks: FloatArray, times: FloatArray
) -> FloatArray:
    """States (len(times), 7) of one patient by the matrix exponential; ``times`` sorted [day]."""
    out = np.zeros((times.size, a.shape[0]))
    x = np.zeros(a.shape[0])
    now = 0.0
    events = list(zip(session_days.tolist(), kicks.tolist(), strict=True))
    k = 0
    cache: dict[float, FloatArray] = {}

    def advance(x: FloatArray, dt: float) -> FloatArray:
        if dt <= 0:
            return x
        key = round(dt, 12)
        if key not in cache:
            cache[key] = expm(a * dt)
        return np.asarray(cache[key] @ x)

    for i, t in enumerate(times):
        while k < len(events) and events[k][0] <= t:
            x = advance(x, events[k][0] - now)
            now = float(events[k][0])
            x[0] += events[k][1]
            k += 1
        out[i] = advance(x, t - now)
    return out


def powers(rates: FloatArray, count: int) -> FloatArray:
    """exp(-rate * m) for m = 0..count-1 days, shape (K, count, N) for rates (K, N).

    Short tables are built by repeated multiplication (each entry carries at most ``count``
    roundings, below 1e-14 relative), which costs far less than exp; long ones use exp.
    """
    if count > 64:
        days = np.arange(count, dtype=np.float64)[None, :, None]
        return np.asarray(np.exp(-rates[:, None, :] * days), dtype=np.float64)
    step = np.exp(-rates)
    out = np.empty((rates.shape[0], count, rates.shape[1]))
    out[:, 0, :] = 1.0
    for day in range(1, count):
        np.multiply(out[:, day - 1, :], step, out=out[:, day, :])
    return out


@dataclass(frozen=True)
class Modes:
    """Rates, gains, divided-difference weights and slow rows of a cascade, computed once."""

    rates: FloatArray
    gains: FloatArray
    weights: list[FloatArray]
    slow_rows: NDArray[np.intp]

    @classmethod
    def of(cls, arrays: PatientArrays) -> Modes:
        cascade = arrays.cascade
        rates = cascade.rates()
        return cls(
            rates,
            cascade.gains(),
            cascade.weights(rates),
            np.flatnonzero(~cascade.well_separated()),
        )


class SlowRows:
    """Daily states of the patients with near-equal rates: one matrix exponential for a day,
    applied day after day (exact on the daily grid, where sessions fall), continued block by
    block. Columns are the seven states and new collagen (III + I)."""

    def __init__(self, arrays: PatientArrays, rows: NDArray[np.intp]) -> None:
        self.rows = rows.tolist()
        s = arrays.sessions
        self._kick_day = {int(d): i for i, d in enumerate(s.days.tolist())}
        self._kicks = s.kick
        self._step = {j: expm(arrays.cascade.matrix(j)) for j in self.rows}
        self._x = {j: np.zeros(7) for j in self.rows}
        self._day = 0

    def block(self, first: int, length: int) -> dict[int, FloatArray]:
        """States (length, 8) of each slow row on days first..first+length-1 (in order)."""
        if first != self._day:
            raise ValueError(f"blocks must follow each other: day {self._day}, asked {first}")
        out: dict[int, FloatArray] = {}
        for j in self.rows:
            x = self._x[j]
            series = np.zeros((length, 8))
            for m, day in enumerate(range(first, first + length)):
                if day:
                    x = self._step[j] @ x
                if day in self._kick_day:
                    x[0] += self._kicks[self._kick_day[day], j]
                series[m, :7] = x
            series[:, 7] = series[:, 3] + series[:, 4]
            self._x[j] = x
            out[j] = series
        self._day = first + length
        return out
