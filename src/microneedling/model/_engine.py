"""The exact solver: sums of exponentials, vectorised over patients, evaluated block by block.

Between sessions the cascade is a linear system with constant coefficients, and each session
adds a pulse to the inflammatory signal, so every state is a sum over sessions and modes of
``weight * exp(-rate * (t - t_session))``. Along a uniform daily grid each mode is carried from
one block to the next by one multiplication, so a year costs a few array operations per block,
for one patient or for a hundred thousand. Patients whose rates on a chain nearly coincide (the
closed form would lose digits) are solved with the matrix exponential instead. Fast processes
with a rate per session (channel closure, barrier, flare) are summed per session inside the
window where they are above 2**-60 of their start; outside it they are zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import expm

from microneedling.model import barrier, inflammation, outcome
from microneedling.model._inputs import PatientArrays
from microneedling.model.healing import CHAINS, STATES

FloatArray = NDArray[np.float64]

_WINDOW_HALF_LIVES = 40.0
_READOUT_STATES = ("collagen_new", "collagen_i", "elastin", "epidermis")
HOURS_AFTER_SESSION = 72

#: Daily outputs, in the order results and bands list them.
DAILY_OUTPUTS = (
    "open_channel_fraction",
    "open_channels_per_cm2",
    "barrier_deficit_pct",
    "redness_grade",
    "collagen_pct",
    "elastin_pct",
    "epidermis_change_pct",
    "improvement_fraction",
)
HOURLY_OUTPUTS = (
    "open_channel_fraction",
    "open_channels_per_cm2",
    "barrier_deficit_pct",
    "redness_grade",
)


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


def _powers(rates: FloatArray, count: int) -> FloatArray:
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


@dataclass
class DailyBlock:
    """Daily outputs for days ``first_day .. first_day + len - 1``; arrays of shape (B, N)."""

    first_day: int
    states: dict[str, FloatArray]
    outputs: dict[str, FloatArray]


class DailySolver:
    """Evaluates N patients day by day, ``block_days`` at a time, carrying the modes.

    With ``all_states=False`` only the combinations the read-outs need are formed (new collagen,
    collagen I, elastin, epidermis), which is what cohorts use.
    """

    def __init__(
        self, arrays: PatientArrays, block_days: int = 32, all_states: bool = True
    ) -> None:
        self.arrays = arrays
        self.block_days = block_days
        modes = Modes.of(arrays)
        self.modes = modes
        self.rates = modes.rates
        self.slow_rows = modes.slow_rows
        self.decay = _powers(self.rates, block_days)
        self.step = self.step_of(self.rates)
        coef = {
            name: (CHAINS[k], modes.weights[k] * modes.gains[k][None, :])
            for k, name in enumerate(STATES)
        }
        new = coef["collagen_i"][1].copy()
        new[:4] += coef["collagen_iii"][1]
        coef["collagen_new"] = (CHAINS[4], new)
        wanted = (*STATES, "collagen_new") if all_states else _READOUT_STATES
        # einsum over a view of consecutive modes, or over all seven with zero weights,
        # so no mode array is copied.
        self.combos: dict[str, tuple[slice, FloatArray]] = {}
        for name in wanted:
            chain, c = coef[name]
            if chain == tuple(range(len(chain))):
                self.combos[name] = (slice(0, len(chain)), c)
            else:
                full = np.zeros((7, c.shape[1]))
                full[list(chain)] = c
                self.combos[name] = (slice(0, 7), full)
        self._slow: dict[int, FloatArray] = {}
        s = arrays.sessions
        per_hour = math.log(2.0) * 24.0
        flare = np.broadcast_to(arrays.flare_rate_per_day, s.closure_half_h.shape)
        self._fast_rates = {
            "open": per_hour / s.closure_half_h,
            "barrier": per_hour / s.barrier_half_h,
            "flare": flare,
        }
        # Days per session after which a fast term is below 2**-40 of its start.
        self._windows = {
            k: np.ceil(_WINDOW_HALF_LIVES * math.log(2.0) / r.min(axis=1)).astype(np.int64)
            for k, r in self._fast_rates.items()
        }
        self._tables: dict[tuple[str, int], FloatArray] = {}

    @staticmethod
    def step_of(rates: FloatArray) -> FloatArray:
        """exp(-rate * 1 day) for each mode."""
        return np.asarray(np.exp(-rates), dtype=np.float64)

    def _slow_series(self, horizon_days: int) -> None:
        """Daily states of the patients with near-equal rates: one matrix exponential for a day,
        applied day after day (exact on the daily grid, where sessions fall)."""
        s = self.arrays.sessions
        kick_day = {int(d): i for i, d in enumerate(s.days.tolist())}
        for j in self.slow_rows.tolist():
            step = expm(self.arrays.cascade.matrix(j))
            x = np.zeros(7)
            out = np.zeros((horizon_days + 1, 8))
            for day in range(horizon_days + 1):
                if day:
                    x = step @ x
                if day in kick_day:
                    x[0] += s.kick[kick_day[day], j]
                out[day, :7] = x
            out[:, 7] = out[:, 3] + out[:, 4]
            self._slow[j] = out

    def blocks(self, horizon_days: int) -> Iterator[DailyBlock]:
        """Blocks covering days 0..horizon_days (inclusive), in order."""
        n = self.arrays.size
        s = self.arrays.sessions
        if self.slow_rows.size and not self._slow:
            self._slow_series(horizon_days)
        columns = {name: i for i, name in enumerate((*STATES, "collagen_new"))}
        carry = np.zeros((7, n))
        carry_v = np.zeros(n)
        first = 0
        total = horizon_days + 1
        while first < total:
            length = min(self.block_days, total - first)
            decay = self.decay[:, :length, :]
            modes = decay * carry[:, None, :]
            vascular = decay[0] * carry_v[None, :]
            for idx, day in enumerate(s.days.tolist()):
                if first <= day < first + length:
                    m = day - first
                    modes[:, m:, :] += s.kick[idx][None, None, :] * decay[:, : length - m, :]
                    vascular[m:, :] += s.vascular_um[idx][None, :] * decay[0, : length - m, :]
            carry = modes[:, length - 1, :] * self.step
            carry_v = vascular[length - 1] * self.step[0]
            states = self._states(modes)
            for j, x in self._slow.items():
                for name, series in states.items():
                    series[:, j] = x[first : first + length, columns[name]]
            days = np.arange(first, first + length, dtype=np.float64)
            yield DailyBlock(first, states, self._readouts(days, states, vascular))
            first += length

    def _states(self, modes: FloatArray) -> dict[str, FloatArray]:
        out: dict[str, FloatArray] = {}
        for name, (chain, coef) in self.combos.items():
            if chain.stop == 1:
                acc = modes[0] * coef[0][None, :]
            else:
                acc = np.einsum("kbn,kn->bn", modes[chain], coef)
            # The system is positive (a Metzler matrix driven by positive pulses), so a
            # negative value is cancellation noise of order 1e-16 where a state starts at 0.
            out[name] = np.maximum(acc, 0.0, out=acc)
        return out

    def _fast_table(self, kind: str, idx: int) -> FloatArray:
        """exp(-rate * m) for m = 0..block_days-1 of one session's fast term, shape (B, N)."""
        key = (kind, idx)
        if key not in self._tables:
            self._tables[key] = _powers(self._fast_rates[kind][idx][None, :], self.block_days)[0]
        return self._tables[key]

    def _fast_terms(
        self, first: int, length: int
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Open channels [1/cm²], barrier deficit [%], flare drive [-] and the open share of
        the latest session's channels [0-1] on days first..first+length-1, each (B, N).

        Each session's term decays at its own rate; within a block it is its value at the
        block's start (or 1 at the session) times a table of exp(-rate * m). A term is dropped
        once it is below 2**-40 of its start.
        """
        a = self.arrays
        s = a.sessions
        shape = (length, a.size)
        totals = {k: np.zeros(shape) for k in ("open", "barrier", "flare")}
        latest = np.zeros(shape)
        amplitude = {
            "open": s.density_per_cm2,
            "barrier": 100.0 * s.area_fraction,
            "flare": a.flare_gain[None, :] * s.flare_um,
        }
        for idx, day in enumerate(s.days.tolist()):
            if day >= first + length:
                break
            offset = max(day - first, 0)
            lag = max(first - day, 0)
            latest[offset:] = 0.0
            for kind, total in totals.items():
                rows = min(length - offset, int(self._windows[kind][idx]) - lag + 1)
                if rows <= 0:
                    continue
                table = self._fast_table(kind, idx)[:rows]
                start = amplitude[kind][idx] * np.exp(-self._fast_rates[kind][idx] * lag)
                term = table * start[None, :]
                total[offset : offset + rows] += term
                if kind == "open":
                    latest[offset : offset + rows] = term / s.density_per_cm2[idx][None, :]
        return totals["open"], totals["barrier"], totals["flare"], latest

    def _readouts(
        self, days: FloatArray, states: dict[str, FloatArray], vascular: FloatArray
    ) -> dict[str, FloatArray]:
        a = self.arrays
        open_density, deficit, flare, latest = self._fast_terms(int(days[0]), days.size)
        baseline = np.exp(-a.age_loss_per_day[None, :] * days[:, None])
        net_gain = states["collagen_i"] - (1.0 - baseline)
        return {
            "open_channel_fraction": latest,
            "open_channels_per_cm2": open_density,
            "barrier_deficit_pct": deficit,
            "redness_grade": inflammation.redness_grade(flare + a.vascular_gain * vascular),
            "collagen_pct": 100.0 * (baseline + states["collagen_new"]),
            "elastin_pct": 100.0 * (1.0 + states["elastin"]),
            "epidermis_change_pct": 100.0 * states["epidermis"],
            "improvement_fraction": outcome.improvement_fraction(
                net_gain, a.half_saturation, a.response_factor
            ),
        }


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


def pre_session_modes(arrays: PatientArrays, rates: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Cascade modes (S, 7, N) and vascular drive (S, N) just before each session."""
    s = arrays.sessions
    n_sessions = s.days.size
    modes = np.zeros((n_sessions, *rates.shape))
    vascular = np.zeros((n_sessions, arrays.size))
    for i in range(1, n_sessions):
        lag = float(s.days[i] - s.days[i - 1])
        step = np.exp(-rates * lag)
        modes[i] = (modes[i - 1] + s.kick[i - 1]) * step
        vascular[i] = (vascular[i - 1] + s.vascular_um[i - 1]) * step[0]
    return modes, vascular


def _fast_terms_after(
    arrays: PatientArrays, index: int, hours: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Open channels [1/cm²], barrier deficit [%] and flare drive at ``hours`` after a session,
    summing every session up to it whose terms have not yet died out; shape (len(hours), N)."""
    s = arrays.sessions
    day = int(s.days[index])
    shape = (hours.size, arrays.size)
    open_density, deficit, flare = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    flare_half_h = float((24.0 * math.log(2.0) / arrays.flare_rate_per_day).max())
    for j in range(index + 1):
        lag_h = (day - int(s.days[j])) * 24.0
        slowest_h = max(
            float(s.closure_half_h[j].max()), float(s.barrier_half_h[j].max()), flare_half_h
        )
        if lag_h > _WINDOW_HALF_LIVES * slowest_h:
            continue
        since_h = lag_h + hours[:, None]
        open_density += s.density_per_cm2[j] * barrier.open_fraction(since_h, s.closure_half_h[j])
        deficit += barrier.barrier_deficit_pct(since_h, s.area_fraction[j], s.barrier_half_h[j])
        flare += (
            arrays.flare_gain * s.flare_um[j] * np.exp(-arrays.flare_rate_per_day * since_h / 24.0)
        )
    return open_density, deficit, flare


def hourly_windows(
    arrays: PatientArrays,
    modes_info: Modes,
    with_states: bool = True,
    sessions: list[int] | None = None,
) -> list[dict[str, FloatArray]]:
    """Outputs at 0..72 h after each session (or the ``sessions`` listed), each (73, N)."""
    s = arrays.sessions
    hours = np.arange(HOURS_AFTER_SESSION + 1, dtype=np.float64)
    tau = hours / 24.0
    rates = modes_info.rates
    pre_modes, pre_vascular = pre_session_modes(arrays, rates)
    if with_states:
        decay = np.exp(-rates[:, None, :] * tau[None, :, None])
        decay0 = decay[0]
    else:
        decay0 = np.exp(-rates[0][None, :] * tau[:, None])
    windows: list[dict[str, FloatArray]] = []
    for index in range(s.days.size) if sessions is None else sessions:
        modes = pre_modes[index] + s.kick[index]
        vascular = decay0 * (pre_vascular[index] + s.vascular_um[index])
        open_density, deficit, flare = _fast_terms_after(arrays, index, hours)
        out = {
            "open_channel_fraction": barrier.open_fraction(hours[:, None], s.closure_half_h[index]),
            "open_channels_per_cm2": open_density,
            "barrier_deficit_pct": deficit,
            "redness_grade": inflammation.redness_grade(flare + arrays.vascular_gain * vascular),
        }
        if with_states:
            for k, name in enumerate(STATES[:3]):
                acc = np.zeros((hours.size, arrays.size))
                for a, i in enumerate(CHAINS[k]):
                    w = modes_info.weights[k][a] * modes_info.gains[k]
                    acc += (w * modes[i])[None, :] * decay[i]
                out[name] = np.maximum(acc, 0.0)
            day = float(s.days[index])
            for j in modes_info.slow_rows:
                x = slow_states(arrays.cascade.matrix(int(j)), s.days, s.kick[:, j], day + tau)
                for k, name in enumerate(STATES[:3]):
                    out[name][:, j] = x[:, k]
        windows.append(out)
    return windows


def downtime(arrays: PatientArrays, modes_info: Modes) -> FloatArray:
    """Days of visible redness after each session, shape (S, N)."""
    s = arrays.sessions
    _, pre_vascular = pre_session_modes(arrays, modes_info.rates)
    zero = np.zeros(1)
    flare0 = np.stack([_fast_terms_after(arrays, i, zero)[2][0] for i in range(s.days.size)])
    return inflammation.downtime_days(
        flare0,
        arrays.flare_rate_per_day,
        arrays.vascular_gain * (pre_vascular + s.vascular_um),
        arrays.cascade.inflammation_decay,
    )
