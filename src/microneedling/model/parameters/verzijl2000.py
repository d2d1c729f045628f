"""Verzijl, DeGroot et al. 2000: how long collagen stays in human skin."""

from __future__ import annotations

import math

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="verzijl2000",
    citation=(
        "Verzijl, DeGroot et al. 2000, J Biol Chem (Effect of collagen turnover on the "
        "accumulation of advanced glycation end products); abstract"
    ),
)

#: Half-life of human skin collagen [years], from the age-related rise of D-aspartate.
SKIN_COLLAGEN_HALF_LIFE_YEARS = 15.0

PARAMETERS = {
    "Mature collagen turnover rate [1/day]": Parameter(
        math.log(2.0) / (SKIN_COLLAGEN_HALF_LIFE_YEARS * 365.25),
        Spread("lognormal", sd=0.3),
        "1/day",
        SOURCE,
        "derived",
        "the half-life of skin collagen is 15 years (from the age-related racemisation of "
        "aspartic acid in skin collagen; cartilage 117 years), so the rate is ln 2 / 15 years. "
        "New collagen that has matured into cross-linked collagen I is taken to turn over as "
        "skin collagen does; the share of the new collagen remodelled away is the collagen III "
        "degradation. Replaces a chosen mean life of 1.5 years, with which improvement peaked "
        "about three months after the last session and fell by a quarter within the year, "
        "against acne-scar trials still improving between three and six months (Alam 2014) "
        "and a thicker epidermis a year after (Aust 2008). Spread ±30 % in log (chosen)",
    ),
}
