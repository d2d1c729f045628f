"""Closed-form results for a stack of layers without channels (used to check the solver).

For a laminate between a constant donor (vehicle concentration ``C0``) and a perfect sink, the
steady flux is ``C0 / sum(h_i / (D_i K_i))``: resistances in series, each layer's resistance
scaled by its partition coefficient (Crank, The Mathematics of Diffusion, 2nd ed. 1975, §4.3
on composite membranes). For one layer, the cumulative amount is known exactly (Crank 1975,
eq. 4.24a) and tends to ``J_ss (t - h²/(6D))``: the lag time ``h²/(6D)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from microneedling.model.delivery.media import Layer


def steady_flux_ug_per_cm2_h(layers: Sequence[Layer], donor_ug_per_ml: float) -> float:
    """Steady flux [µg/cm²/h] through ``layers`` from a donor at ``donor_ug_per_ml``."""
    resistance_h_per_cm = sum(
        layer.thickness_cm / layer.medium.permeance_cm2_per_h for layer in layers
    )
    return donor_ug_per_ml / resistance_h_per_cm


def lag_time_h(layer: Layer) -> float:
    """Lag time h²/(6D) [h] of a single membrane."""
    return layer.thickness_cm**2 / (6.0 * layer.medium.diffusivity_cm2_per_h)


def single_membrane_cumulative_ug_per_cm2(
    layer: Layer, donor_ug_per_ml: float, time_h: float, terms: int = 200
) -> float:
    """Exact amount [µg/cm²] through one membrane by ``time_h`` (membrane initially empty)."""
    h = layer.thickness_cm
    d = layer.medium.diffusivity_cm2_per_h
    c1 = layer.medium.partition * donor_ug_per_ml
    tau = d * time_h / h**2
    series = sum(
        (-1.0) ** n / n**2 * math.exp(-(n**2) * math.pi**2 * tau) for n in range(1, terms + 1)
    )
    return h * c1 * (tau - 1.0 / 6.0 - 2.0 / math.pi**2 * series)
