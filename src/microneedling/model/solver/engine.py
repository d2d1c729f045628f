"""The exact solver's entry points: daily blocks (:mod:`.daily`), the 72-hour windows after
each session and the downtime (the contract: :mod:`microneedling.model.solver`).

Between sessions the cascade is a linear system with constant coefficients, and each session
adds a pulse to the inflammatory signal, so every state is a sum over sessions and modes of
``weight * exp(-rate * (t - t_session))`` (:mod:`.modes`). Patients whose rates on a chain nearly
coincide are solved with the matrix exponential instead. Fast processes with a rate per session
(channel closure, barrier, flare) are summed per session while they are above 2**-40 of their
start.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from microneedling.model.laws import barrier, inflammation
from microneedling.model.laws.healing import CHAINS, STATES
from microneedling.model.solver.daily import DAILY_OUTPUTS, DailyBlock, DailySolver
from microneedling.model.solver.daily import WINDOW_HALF_LIVES as _WINDOW_HALF_LIVES
from microneedling.model.solver.inputs import PatientArrays
from microneedling.model.solver.modes import Modes, slow_states

FloatArray = NDArray[np.float64]

__all__ = [
    "DAILY_OUTPUTS",
    "HOURLY_OUTPUTS",
    "HOURS_AFTER_SESSION",
    "DailyBlock",
    "DailySolver",
    "Modes",
    "downtime",
    "hourly_window_into",
    "hourly_windows",
    "pre_session_modes",
    "slow_states",
]

HOURS_AFTER_SESSION = 72
HOURLY_OUTPUTS = (
    "open_channel_fraction",
    "open_channels_per_cm2",
    "barrier_deficit_pct",
    "redness_grade",
)


def pre_session_modes(
    arrays: PatientArrays, rates: FloatArray, sessions: int | None = None
) -> tuple[FloatArray, FloatArray]:
    """Cascade modes (S, 7, N) and vascular drive (S, N) just before each session (or each of
    the first ``sessions``, which depend on no later one)."""
    s = arrays.sessions
    n_sessions = s.days.size if sessions is None else sessions
    modes = np.zeros((n_sessions, *rates.shape))
    vascular = np.zeros((n_sessions, arrays.size))
    for i in range(1, n_sessions):
        lag = float(s.days[i] - s.days[i - 1])
        step = np.exp(-rates * lag)
        modes[i] = (modes[i - 1] + s.kick[i - 1]) * step
        vascular[i] = (vascular[i - 1] + s.vascular_um[i - 1]) * step[0]
    return modes, vascular


def _live_sessions(arrays: PatientArrays, index: int) -> list[tuple[int, float]]:
    """Sessions up to ``index`` whose fast terms (channels, barrier, flare) are still above
    2**-40 of their start on session ``index``'s day, each with its lag [h]."""
    s = arrays.sessions
    day = int(s.days[index])
    flare_half_h = float((24.0 * math.log(2.0) / arrays.flare_rate_per_day).max())
    live = []
    for j in range(index + 1):
        lag_h = (day - int(s.days[j])) * 24.0
        slowest_h = max(
            float(s.closure_half_h[j].max()), float(s.barrier_half_h[j].max()), flare_half_h
        )
        if lag_h <= _WINDOW_HALF_LIVES * slowest_h:
            live.append((j, lag_h))
    return live


def hourly_windows(arrays: PatientArrays, modes_info: Modes) -> list[dict[str, FloatArray]]:
    """Outputs and the first three states at 0..72 h after each session, each (73, N)."""
    s = arrays.sessions
    hours = np.arange(HOURS_AFTER_SESSION + 1, dtype=np.float64)
    tau = hours / 24.0
    rates = modes_info.rates
    pre_modes, _ = pre_session_modes(arrays, rates)
    decay = np.exp(-rates[:, None, :] * tau[None, :, None])
    windows: list[dict[str, FloatArray]] = []
    for index in range(s.days.size):
        out = {k: np.empty((hours.size, arrays.size)) for k in HOURLY_OUTPUTS}
        hourly_window_into(arrays, rates, index, out)
        modes = pre_modes[index] + s.kick[index]
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


def hourly_window_into(
    arrays: PatientArrays, rates: FloatArray, index: int, out: dict[str, FloatArray]
) -> None:
    """The :data:`HOURLY_OUTPUTS` at 0..72 h after session ``index`` written into ``out``
    (arrays of shape (73, N), views allowed), summing every earlier session whose terms are
    still alive; computed in place with two scratch arrays instead of a fresh array per
    operation (a cohort's windows were dominated by allocating and faulting in those)."""
    s = arrays.sessions
    hours = np.arange(HOURS_AFTER_SESSION + 1, dtype=np.float64)[:, None]
    flare = np.zeros((hours.size, arrays.size))
    term = np.empty_like(flare)

    barrier.open_fraction(hours, s.closure_half_h[index], out["open_channel_fraction"])
    density, deficit = out["open_channels_per_cm2"], out["barrier_deficit_pct"]
    density.fill(0.0)
    deficit.fill(0.0)
    share = arrays.barrier_channel_share
    for j, lag_h in _live_sessions(arrays, index):
        since_h = lag_h + hours
        # barrier.barrier_deficit_pct, its channel part sharing the open fraction with the
        # channel density (written in place: no array per session and term).
        barrier.open_fraction(since_h, s.closure_half_h[j], term)
        deficit += term * (share * 100.0 * s.area_fraction[j])
        term *= s.density_per_cm2[j]
        density += term
        barrier.open_fraction(since_h, s.barrier_half_h[j], term)
        term *= (1.0 - share) * 100.0 * s.area_fraction[j]
        deficit += term
        np.multiply(-arrays.flare_rate_per_day, since_h, out=term)
        term /= 24.0
        np.exp(term, out=term)
        term *= arrays.flare_gain * s.flare_um[j]
        flare += term
    _, pre_vascular = pre_session_modes(arrays, rates)
    np.multiply(-rates[0], hours / 24.0, out=term)
    np.exp(term, out=term)
    term *= pre_vascular[index] + s.vascular_um[index]
    term *= arrays.vascular_gain
    term += flare
    inflammation.redness_grade(term, out["redness_grade"])


def downtime(arrays: PatientArrays, modes_info: Modes, sessions: int | None = None) -> FloatArray:
    """Days of visible redness after each session, shape (S, N); or after each of the first
    ``sessions`` only (a sweep reads the first), shape (sessions, N)."""
    s = arrays.sessions
    count = s.days.size if sessions is None else sessions
    _, pre_vascular = pre_session_modes(arrays, modes_info.rates, count)
    # The flare drive at each session's start, earlier sessions' flare still decaying in it.
    flare0 = np.zeros((count, arrays.size))
    for i in range(count):
        for j, lag_h in _live_sessions(arrays, i):
            decayed = np.exp(-arrays.flare_rate_per_day * lag_h / 24.0)
            flare0[i] += arrays.flare_gain * s.flare_um[j] * decayed
    return inflammation.downtime_days(
        flare0,
        arrays.flare_rate_per_day,
        arrays.vascular_gain * (pre_vascular + s.vascular_um[:count]),
        arrays.cascade.inflammation_decay,
    )
