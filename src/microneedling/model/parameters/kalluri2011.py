"""Kalluri, Kolli & Banga 2011: channels made by a DermaRoller in hairless rat skin.

770 µm needles made channels 152.5 ± 9.6 µm deep and 70.7 ± 9.9 µm wide at the surface;
calcein showed the pores closed by 12 h (370 µm needles) and 18 h (770 µm needles).
"""

from __future__ import annotations

import math

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="kalluri2011",
    citation="Kalluri, Kolli & Banga 2011, AAPS J 13(3):473-481",
    identifier="doi:10.1208/s12248-011-9288-3",
)

#: An exponential closure counts as "closed" when this fraction is still open (see
#: ``assumptions.py``: "Closed-channel open fraction [-]").
_CLOSED = 0.05
_DEPTH_770_UM = 152.5
_DEPTH_370_UM = 370.0 * (152.5 / 770.0)
_HALF_770_H = 18.0 * math.log(2.0) / math.log(1.0 / _CLOSED)
_HALF_370_H = 12.0 * math.log(2.0) / math.log(1.0 / _CLOSED)
_EXPONENT = math.log(_HALF_770_H / _HALF_370_H) / math.log(_DEPTH_770_UM / _DEPTH_370_UM)

PARAMETERS = {
    "Channel surface radius [um]": Parameter(
        70.7 / 2.0,
        Spread("normal", sd=9.9 / 2.0, low=5.0),
        "um",
        SOURCE,
        "measured",
        "half the surface diameter 70.7 ± 9.9 µm",
    ),
    "Channel depth coefficient of variation [-]": Parameter(
        9.6 / 152.5,
        Spread("fixed"),
        "-",
        SOURCE,
        "derived",
        "needle-to-needle spread of channel depth, sd/mean = 9.6/152.5",
    ),
    "Channel closure half-time at 152.5 um [h]": Parameter(
        _HALF_770_H,
        Spread("lognormal", sd=0.25),
        "h",
        SOURCE,
        "derived",
        "closed (5 % open) by 18 h for 152.5 µm deep channels; spread chosen (±25 % in log)",
    ),
    "Channel closure depth exponent [-]": Parameter(
        _EXPONENT,
        Spread("normal", sd=0.1, low=0.0),
        "-",
        SOURCE,
        "derived",
        "half-time ∝ depth^exponent through the two closure times (12 h at ~73 µm, 18 h at "
        "152.5 µm); spread chosen",
    ),
}
