"""Shuster, Black & McVitie 1975: skin collagen falls by about 1 % a year in adults."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="shuster1975",
    citation="Shuster, Black & McVitie 1975, Br J Dermatol 93(6):639-643",
    verified=False,
)

PARAMETERS = {
    "Age-related collagen loss rate [1/year]": Parameter(
        0.01,
        Spread("normal", sd=0.003, low=0.0, high=0.1),
        "1/year",
        SOURCE,
        "measured",
        "RECALLED, NOT VERIFIED: the search tool found no abstract or article text giving the "
        "figure; 1 %/year is the commonly quoted reading of this paper. Spread chosen",
    ),
}
