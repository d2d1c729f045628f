"""A straightforward reference for the skin-response model: the same equations, integrated
patient by patient with ``scipy.integrate.solve_ivp`` (DOP853, rtol 1e-12).

It shares only the *inputs* (per-session doses, rates) and the algebraic read-outs with the
model; the dynamics are written out again as a right-hand side and integrated numerically, from
session to session, with each session's pulse added to the state. The tests and the benchmark
use it to check the exact solver and to time it against a plain integrator.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from microneedling.model.laws import inflammation, outcome
from microneedling.model.solver.inputs import PatientArrays

FloatArray = NDArray[np.float64]


def _rhs_factory(arrays: PatientArrays, j: int):  # type: ignore[no-untyped-def]
    c = arrays.cascade
    a, rm, rf = c.inflammation_decay[j], c.macrophage_rate[j], c.fibroblast_rate[j]
    sc, km, kd = c.collagen_synthesis[j], c.maturation[j], c.collagen_iii_degradation[j]
    k1, se, ke = c.collagen_i_turnover[j], c.elastin_synthesis[j], c.elastin_turnover[j]
    sp, kp = c.epidermal_growth[j], c.epidermal_renewal[j]
    s = arrays.sessions
    k_open = math.log(2.0) * 24.0 / s.closure_half_h[:, j]
    k_barrier = math.log(2.0) * 24.0 / s.barrier_half_h[:, j]
    k_flare = float(arrays.flare_rate_per_day[j])
    n = s.days.size

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        i, m, f, c3, c1, e, p, v = y[:8]
        dy = np.empty_like(y)
        dy[0] = -a * i
        dy[1] = rm * (i - m)
        dy[2] = rf * (m - f)
        dy[3] = sc * f - (km + kd) * c3
        dy[4] = km * c3 - k1 * c1
        dy[5] = se * f - ke * e
        dy[6] = sp * f - kp * p
        dy[7] = -a * v
        dy[8 : 8 + n] = -k_open * y[8 : 8 + n]
        dy[8 + n : 8 + 2 * n] = -k_barrier * y[8 + n : 8 + 2 * n]
        dy[8 + 2 * n :] = -k_flare * y[8 + 2 * n :]
        return dy

    return rhs


def reference_patient(arrays: PatientArrays, j: int, horizon_days: int) -> dict[str, FloatArray]:
    """Daily outputs of patient ``j`` on days 0..horizon_days, by numerical integration."""
    s = arrays.sessions
    n = s.days.size
    rhs = _rhs_factory(arrays, j)
    y = np.zeros(8 + 3 * n)
    days = np.arange(horizon_days + 1, dtype=np.float64)
    out = np.zeros((days.size, y.size))
    bounds = [*s.days.tolist(), horizon_days + 1]
    for k in range(n):
        y[0] += s.kick[k, j]
        y[7] += s.vascular_um[k, j]
        y[8 + k] = s.density_per_cm2[k, j]
        y[8 + n + k] = (1.0 - arrays.barrier_channel_share[j]) * 100.0 * s.area_fraction[k, j]
        y[8 + 2 * n + k] = arrays.flare_gain[j] * s.flare_um[k, j]
        t0, t1 = float(bounds[k]), float(bounds[k + 1])
        inside = (days >= t0) & (days < t1)
        sol = solve_ivp(
            rhs,
            (t0, t1),
            y,
            method="DOP853",
            t_eval=np.append(days[inside], t1) if t1 <= horizon_days else days[inside],
            rtol=1e-12,
            atol=1e-16,
        )
        out[inside] = sol.y[:, : int(inside.sum())].T
        if t1 <= horizon_days:
            y = sol.y[:, -1].copy()
    states = out[:, :7]
    baseline = np.exp(-arrays.age_loss_per_day[j] * days)
    latest = np.zeros(days.size)
    for k in range(n):
        since = days >= s.days[k]
        latest[since] = out[since, 8 + k] / s.density_per_cm2[k, j]
    open_density = out[:, 8 : 8 + n].sum(axis=1)
    # The barrier's channel part closes with the channels (barrier.barrier_deficit_pct).
    channel_part = sum(
        arrays.barrier_channel_share[j]
        * 100.0
        * s.area_fraction[k, j]
        * out[:, 8 + k]
        / s.density_per_cm2[k, j]
        for k in range(n)
    )
    drive = out[:, 8 + 2 * n :].sum(axis=1) + arrays.vascular_gain[j] * out[:, 7]
    return {
        "inflammatory_signal": states[:, 0],
        "macrophages": states[:, 1],
        "fibroblasts": states[:, 2],
        "collagen_iii": states[:, 3],
        "collagen_i": states[:, 4],
        "elastin": states[:, 5],
        "epidermis": states[:, 6],
        "open_channel_fraction": latest,
        "open_channels_per_cm2": open_density,
        "barrier_deficit_pct": out[:, 8 + n : 8 + 2 * n].sum(axis=1) + channel_part,
        "redness_grade": inflammation.redness_grade(drive),
        "collagen_pct": 100.0 * (baseline + states[:, 3] + states[:, 4]),
        "elastin_pct": 100.0 * (1.0 + states[:, 5]),
        "epidermis_change_pct": outcome.epidermal_change_pct(
            states[:, 6],
            outcome.filled_share(states[:, 4] - (1.0 - baseline), arrays.half_saturation[j]),
            arrays.epidermal_support[j],
            arrays.epidermal_max[j],
        ),
        "improvement_fraction": outcome.improvement_fraction(
            states[:, 4] - (1.0 - baseline),
            arrays.half_saturation[j],
            arrays.response_factor[j],
        ),
    }


def relative_error(fast: FloatArray, reference: FloatArray) -> float:
    """max |fast - reference| / max |reference| (0 when both are zero)."""
    scale = float(np.max(np.abs(reference)))
    diff = float(np.max(np.abs(fast - reference)))
    return diff / scale if scale > 0 else diff
