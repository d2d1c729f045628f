"""The channels a session leaves: how many, how big, and the injury they add up to.

Each channel is a cone: surface radius from Kalluri 2011, depth from :mod:`penetration`.
Punctures per cm² = passes × punctures per pass (pen ~90/cm² per pass so three passes give the
250-300/cm² a full treatment aims at; roller ~16/cm² per pass, Fernandes). The *injury dose* is
the channel volume inside the dermis per unit skin area, as a fraction of the papillary dermis
(the layer whose collagen the histology studies measured). The *vascular dose* is the channel
volume below the subpapillary plexus per unit area [µm]: what makes redness last for days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_UM2_PER_CM2 = 1e8


def cone_volume_below_um3(
    radius_um: FloatArray, depth_um: FloatArray, level_um: FloatArray
) -> FloatArray:
    """Volume [µm³] of a cone (surface radius, depth) lying deeper than ``level_um``."""
    depth = np.maximum(depth_um, 1e-12)
    remaining = np.clip(1.0 - level_um / depth, 0.0, 1.0)
    return np.asarray(math.pi * radius_um**2 * depth / 3.0 * remaining**3, dtype=np.float64)


def punctured_area_fraction(punctures_per_cm2: FloatArray, radius_um: FloatArray) -> FloatArray:
    """Share of the skin surface [0-1] opened by the channels' mouths."""
    return np.asarray(
        np.minimum(punctures_per_cm2 * math.pi * radius_um**2 / _UM2_PER_CM2, 1.0),
        dtype=np.float64,
    )


def injury_dose(
    punctures_per_cm2: FloatArray,
    radius_um: FloatArray,
    depth_um: FloatArray,
    epidermis_um: FloatArray,
    papillary_um: FloatArray,
) -> FloatArray:
    """Injured dermal volume per area as a fraction of the papillary dermis [-]."""
    per_area_um = (
        punctures_per_cm2 * cone_volume_below_um3(radius_um, depth_um, epidermis_um) / _UM2_PER_CM2
    )
    return np.asarray(per_area_um / papillary_um, dtype=np.float64)


def viable_dose_um(
    punctures_per_cm2: FloatArray,
    radius_um: FloatArray,
    depth_um: FloatArray,
    stratum_corneum_um: FloatArray,
) -> FloatArray:
    """Channel volume in living tissue (below the stratum corneum) per unit skin area [µm]."""
    return np.asarray(
        punctures_per_cm2
        * cone_volume_below_um3(radius_um, depth_um, stratum_corneum_um)
        / _UM2_PER_CM2,
        dtype=np.float64,
    )


def vascular_dose_um(
    punctures_per_cm2: FloatArray,
    radius_um: FloatArray,
    depth_um: FloatArray,
    plexus_um: FloatArray,
) -> FloatArray:
    """Channel volume below the subpapillary plexus per unit skin area [µm]."""
    return np.asarray(
        punctures_per_cm2 * cone_volume_below_um3(radius_um, depth_um, plexus_um) / _UM2_PER_CM2,
        dtype=np.float64,
    )


def closure_half_time_h(
    depth_um: FloatArray,
    half_time_ref_h: FloatArray,
    exponent: FloatArray,
    occlusion_factor: FloatArray,
    occluded: bool,
    reference_depth_um: float = 152.5,
) -> FloatArray:
    """Half-time [h] of channel closure: deeper channels close more slowly (Kalluri 2011)."""
    half = half_time_ref_h * (np.maximum(depth_um, 1.0) / reference_depth_um) ** exponent
    return np.asarray(half * (occlusion_factor if occluded else 1.0), dtype=np.float64)


@dataclass(frozen=True)
class ChannelGeometry:
    """What a topical-delivery model needs from one session's channels.

    ``depth_um``: channel depth [µm]; ``surface_radius_um``: radius of the channel mouth [µm];
    ``density_per_cm2``: channels per cm² [1/cm²]; ``closure_half_time_h``: time for the open
    fraction to halve [h] (already lengthened when the site is occluded); ``occluded``.
    """

    depth_um: float
    surface_radius_um: float
    density_per_cm2: float
    closure_half_time_h: float
    occluded: bool

    def open_fraction(self, hours: float) -> float:
        """Share [0-1] of the channels still open ``hours`` after treatment."""
        return float(2.0 ** (-max(hours, 0.0) / self.closure_half_time_h))
