"""How deep the needles go, which layers they reach and whether they draw blood.

Effective depth = a device-dependent fraction of needle length (skin folds around the needle:
Kalluri 2011 for rollers, Donnelly 2010 for perpendicular stamps), capped by the skin's total
thickness at the site. Pinpoint bleeding needs the channel to reach the subpapillary plexus,
below the papillary dermis (Sorrell & Caplan 2004); needle-to-needle depth varies with the
coefficient of variation Kalluri measured, which makes the chance per puncture smooth in depth.
All functions work on NumPy arrays (one value per patient) as well as on floats.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

FloatArray = NDArray[np.float64]

LAYERS = ("stratum corneum", "viable epidermis", "papillary dermis", "reticular dermis", "subcutis")


def effective_depth_um(
    needle_length_mm: float | FloatArray, fraction: FloatArray, skin_total_um: FloatArray
) -> FloatArray:
    """Depth [µm] the channels reach: ``fraction`` × needle length, capped by the skin."""
    return np.minimum(np.asarray(needle_length_mm) * 1000.0 * fraction, skin_total_um)


def plexus_depth_um(epidermis_um: FloatArray, papillary_um: FloatArray) -> FloatArray:
    """Depth [µm] of the subpapillary plexus: epidermis plus papillary dermis."""
    return np.asarray(epidermis_um + papillary_um, dtype=np.float64)


def bleeding_probability(
    depth_um: FloatArray, plexus_um: FloatArray, depth_cv: FloatArray
) -> FloatArray:
    """Chance [0-1] that one puncture reaches the plexus, its depth varying with ``depth_cv``."""
    sd = np.maximum(depth_cv * depth_um, 1e-9)
    return np.asarray(ndtr((depth_um - plexus_um) / sd), dtype=np.float64)


def deepest_layer(
    depth_um: float,
    stratum_corneum_um: float,
    viable_epidermis_um: float,
    papillary_um: float,
    dermis_um: float,
) -> str:
    """Name of the deepest layer a channel of ``depth_um`` reaches."""
    epidermis = stratum_corneum_um + viable_epidermis_um
    bottoms = (
        stratum_corneum_um,
        epidermis,
        epidermis + papillary_um,
        epidermis + dermis_um,
    )
    for name, bottom in zip(LAYERS, bottoms, strict=False):
        if depth_um <= bottom:
            return name
    return LAYERS[-1]
