"""The exact solver's entry points: daily blocks (:mod:`._daily`), the 72-hour windows after
each session and the downtime.

Between sessions the cascade is a linear system with constant coefficients, and each session
adds a pulse to the inflammatory signal, so every state is a sum over sessions and modes of
``weight * exp(-rate * (t - t_session))`` (:mod:`._modes`). Patients whose rates on a chain nearly
coincide are solved with the matrix exponential instead. Fast processes with a rate per session
(channel closure, barrier, flare) are summed per session while they are above 2**-40 of their
start.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from microneedling.model import barrier, inflammation
from microneedling.model._daily import DAILY_OUTPUTS, DailyBlock, DailySolver
from microneedling.model._daily import WINDOW_HALF_LIVES as _WINDOW_HALF_LIVES
from microneedling.model._inputs import PatientArrays
from microneedling.model._modes import Modes, slow_states
from microneedling.model.healing import CHAINS, STATES

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


def hourly_windows(arrays: PatientArrays, modes_info: Modes) -> list[dict[str, FloatArray]]:
    """Outputs and the first three states at 0..72 h after each session, each (73, N)."""
    s = arrays.sessions
    hours = np.arange(HOURS_AFTER_SESSION + 1, dtype=np.float64)
    tau = hours / 24.0
    rates = modes_info.rates
    pre_modes, pre_vascular = pre_session_modes(arrays, rates)
    decay = np.exp(-rates[:, None, :] * tau[None, :, None])
    windows: list[dict[str, FloatArray]] = []
    for index in range(s.days.size):
        modes = pre_modes[index] + s.kick[index]
        vascular = decay[0] * (pre_vascular[index] + s.vascular_um[index])
        open_density, deficit, flare = _fast_terms_after(arrays, index, hours)
        out = {
            "open_channel_fraction": barrier.open_fraction(hours[:, None], s.closure_half_h[index]),
            "open_channels_per_cm2": open_density,
            "barrier_deficit_pct": deficit,
            "redness_grade": inflammation.redness_grade(flare + arrays.vascular_gain * vascular),
        }
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
    (arrays of shape (73, N), views allowed): the values of :func:`hourly_windows`, computed in
    place with two scratch arrays instead of a fresh array per operation (a cohort's windows
    were dominated by allocating and faulting in those)."""
    s = arrays.sessions
    hours = np.arange(HOURS_AFTER_SESSION + 1, dtype=np.float64)[:, None]
    flare = np.zeros((hours.size, arrays.size))
    term = np.empty_like(flare)

    def open_share(since_h: FloatArray, half_h: FloatArray, into: FloatArray) -> None:
        # barrier.open_fraction for times >= 0: 2 ** (-t / t_half).
        np.divide(since_h, half_h, out=into)
        np.negative(into, out=into)
        np.exp2(into, out=into)

    open_share(hours, s.closure_half_h[index], out["open_channel_fraction"])
    density, deficit = out["open_channels_per_cm2"], out["barrier_deficit_pct"]
    density.fill(0.0)
    deficit.fill(0.0)
    day = int(s.days[index])
    flare_half_h = float((24.0 * math.log(2.0) / arrays.flare_rate_per_day).max())
    for j in range(index + 1):
        lag_h = (day - int(s.days[j])) * 24.0
        slowest_h = max(
            float(s.closure_half_h[j].max()), float(s.barrier_half_h[j].max()), flare_half_h
        )
        if lag_h > _WINDOW_HALF_LIVES * slowest_h:
            continue
        since_h = lag_h + hours
        open_share(since_h, s.closure_half_h[j], term)
        term *= s.density_per_cm2[j]
        density += term
        open_share(since_h, s.barrier_half_h[j], term)
        term *= 100.0 * s.area_fraction[j]
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
    # redness_grade (inflammation.redness_grade, in place): GRADE_MAX * x / (1 + x).
    np.add(term, 1.0, out=flare)
    redness = out["redness_grade"]
    np.multiply(term, inflammation.GRADE_MAX, out=redness)
    redness /= flare


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
