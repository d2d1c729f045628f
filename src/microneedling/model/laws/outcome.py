"""From collagen to the concern's own clinical scale, and when maintenance is due.

Improvement (share of the way from the patient's starting grade to the best grade) fills a
finite deficit: ``f = r * (1 - 2 ** (-G / G50))``, where ``G`` is new collagen I minus the
collagen lost to age since the first session. Each ``G50`` of new collagen fills half of what
is left of the fillable deficit, so every session remodels a share of what the sessions before
it left and returns diminish (first-order filling; no publication gives the form, it is chosen
because scar trials of three to twelve sessions report similar improvements: 40-55 %,
docs/model.md). ``r`` is the share of the deficit needling can fill at all: 1 for concerns that
respond well, lower for those that respond less (ice-pick scars, white striae), and for
atrophic acne scars the fitted fillable share (:data:`ATROPHIC_SCARS`). The starting grade comes
from the severity: mild, moderate and severe sit one, two and three thirds of the way from the
best grade to the worst (a convention; no published mapping was found).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from microneedling.knowledge import Concern, Severity

FloatArray = NDArray[np.float64]

SEVERITY_POSITION: dict[str, float] = {"mild": 1 / 3, "moderate": 2 / 3, "severe": 1.0}

#: Atrophic acne scars graded good responders: their response factor is the fillable share of
#: the scar (a fitted parameter), since part of an atrophic scar (tethered, fibrotic floor) is
#: beyond what new collagen fills. Ice-pick scars keep the 'limited' factor.
ATROPHIC_SCARS = frozenset({"acne_scars_rolling", "acne_scars_boxcar"})


def filled_share(
    gain: FloatArray, half_saturation: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """Share [0-1] of the fillable deficit filled by a net collagen gain [-]:
    ``1 - 2 ** (-G / G50)`` (each ``half_saturation`` of gain fills half of the deficit left;
    a loss counts as no gain), evaluated as ``-expm1(G * (-ln 2 / G50))``.

    With ``out`` (the broadcast shape; it may be ``gain`` itself) the share is written there
    without allocating: the solver's in-place read-outs use it so.
    """
    g = np.maximum(np.asarray(gain, dtype=np.float64), 0.0, out=out)
    g *= -math.log(2.0) / np.asarray(half_saturation, dtype=np.float64)
    np.expm1(g, out=g)
    return np.negative(g, out=g)


def share_of_possible(
    filled: FloatArray, response_factor: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """Improvement [0-1] from the filled share of the deficit [0-1]: ``r * filled``, ``r`` the
    share of the deficit needling can fill (into ``out`` when given)."""
    return np.multiply(filled, response_factor, out=out)


def improvement_fraction(
    gain: FloatArray, half_saturation: FloatArray, response_factor: FloatArray
) -> FloatArray:
    """Share [0-1] of the possible improvement reached for a net collagen gain [-]:
    ``r * filled_share(G)``, ``r`` the share of the deficit needling can fill."""
    return share_of_possible(filled_share(gain, half_saturation), response_factor)


def epidermal_change_pct(
    epidermis: FloatArray,
    filled: FloatArray,
    support: FloatArray,
    largest: FloatArray,
    out: FloatArray | None = None,
    scratch: tuple[FloatArray, FloatArray] | None = None,
) -> FloatArray:
    """Epidermal thickness change [%] from the transient thickening ``epidermis`` [-] and the
    filled share of the dermal deficit ``filled`` [0-1] beneath it.

    The drive ``X = epidermis + support * filled`` holds the thickening up as long as the
    restored papillary dermis lasts: the lasting part follows the restored architecture
    (Aust 2008: a stratum spinosum 40 % thicker with normal rete ridges a year after mostly
    one session), so it saturates with the dermis filled rather than adding up session by
    session (Lotfi 2013: +50 % after five). It is bounded by ``largest`` as
    ``largest * X / (largest + X)``, which is ``X`` for small drives.

    With ``out`` and ``scratch`` (two buffers of the result's shape, the second may be
    ``filled`` itself, which is then overwritten) nothing is allocated and ``out`` is written
    once: the solver's in-place read-outs use it so.
    """
    first, second = scratch if scratch is not None else (None, None)
    x = np.multiply(filled, support, out=first)
    x += epidermis
    np.maximum(x, 0.0, out=x)
    denominator = np.add(x, largest, out=second)
    x *= 100.0 * np.asarray(largest, dtype=np.float64)
    return np.divide(x, denominator, out=out)


def baseline_grade(concern: Concern, severity: Severity) -> float:
    """Grade on the concern's scale at the start of the course."""
    best, worst = concern.scale.best, concern.scale.worst
    return best + SEVERITY_POSITION[severity] * (worst - best)


def expected_grade(fraction: FloatArray, concern: Concern, severity: Severity) -> FloatArray:
    """Expected grade on the concern's scale for an improvement share."""
    start = baseline_grade(concern, severity)
    return np.asarray(start - fraction * (start - concern.scale.best), dtype=np.float64)


def has_faded(
    improvement: FloatArray, peak: FloatArray, threshold: FloatArray
) -> NDArray[np.bool_]:
    """Whether ``improvement`` [0-1] has fallen below ``threshold`` × the post-course ``peak``
    reached so far (never where the course brought no improvement): maintenance is due."""
    faded = improvement < threshold * peak
    faded &= peak > 0
    return faded


def maintenance_day(
    improvement: FloatArray, last_session_day: int, threshold: FloatArray
) -> NDArray[np.int64]:
    """First day after the post-course peak when improvement falls below ``threshold`` × peak.

    ``improvement`` has shape (days, N). Returns -1 where it does not happen within the series
    (or where the course brought no improvement).
    """
    after = improvement[last_session_day:]
    peak = np.maximum.accumulate(after, axis=0)
    faded = has_faded(after, peak, threshold)
    found = faded.any(axis=0)
    first = np.argmax(faded, axis=0) + last_session_day
    return np.where(found, first, -1).astype(np.int64)


def first_day_reaching(improvement: FloatArray, share_of_peak: float = 0.1) -> NDArray[np.int64]:
    """First day improvement reaches ``share_of_peak`` of its maximum (-1 if never)."""
    peak = improvement.max(axis=0)
    reached = (improvement >= share_of_peak * peak) & (peak > 0)
    return np.where(reached.any(axis=0), np.argmax(reached, axis=0), -1).astype(np.int64)
