"""Gupta, Gill, Andrews & Prausnitz 2011: skin resealing after microneedles in people."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="gupta2011",
    citation="Gupta, Gill, Andrews & Prausnitz 2011, J Control Release 154(2):148-155",
)

PARAMETERS = {
    "Barrier recovery half-time [h]": Parameter(
        0.5,
        Spread("lognormal", sd=0.3),
        "h",
        SOURCE,
        "fitted",
        "all uncovered sites recovered their barrier (impedance) within 2 h: a half-time of "
        "0.5 h leaves 6 % of the fast part at 2 h; spread chosen",
        fitted_to=("gupta2011_reseal_unoccluded_h",),
    ),
    "Occlusion slowdown factor [-]": Parameter(
        5.0,
        Spread("lognormal", sd=0.4, low=1.0),
        "-",
        SOURCE,
        "chosen",
        "occluded sites resealed much more slowly (also Kalluri 2011); no single factor was "
        "read, so 5x is chosen to move closure from hours to about a day",
    ),
}
