"""JAMA editorial 1965 on epidermal renewal: viable epidermis 12-15 days and stratum corneum
13-14 days (14C-glycine study of 1961), so the whole epidermis renews in about four weeks."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="jama1965",
    citation="Editorial, JAMA 1965;194(9):1008 (epidermal renewal time)",
    identifier="doi:10.1001/jama.1965.03090220064021",
)

PARAMETERS = {
    "Epidermal renewal rate [1/day]": Parameter(
        1.0 / 27.0,
        Spread("lognormal", sd=0.15),
        "1/day",
        SOURCE,
        "derived",
        "1 / (13.5 + 13.5 days): viable epidermis plus stratum corneum renewal; a thickened "
        "epidermis returns toward baseline at this rate. Spread chosen",
    ),
}
