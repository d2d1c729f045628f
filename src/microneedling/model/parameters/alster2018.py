"""Alster & Graham 2018: maintenance sessions every 6-12 months after a course."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="alster2018",
    citation="Alster & Graham 2018, Dermatol Surg 44(3):397-404",
)

PARAMETERS = {
    "Mature collagen turnover rate [1/day]": Parameter(
        1.0 / 240.0,
        Spread("lognormal", sd=0.3),
        "1/day",
        SOURCE,
        "fitted",
        "no published turnover for collagen made after needling; 1/240 per day lets the benefit "
        "of a course fall to the maintenance threshold 6-12 months after it. Spread chosen",
    ),
}
