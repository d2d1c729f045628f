"""Adler et al. 2020: the macrophage-myofibroblast circuit of tissue repair (rates per day)."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="adler2020",
    citation="Adler et al. 2020, iScience 23(3):100841",
    identifier="doi:10.1016/j.isci.2020.100841",
)

_SPREAD = Spread("lognormal", sd=0.3)

PARAMETERS = {
    "Inflammatory signal decay rate [1/day]": Parameter(
        2.0,
        _SPREAD,
        "1/day",
        SOURCE,
        "measured",
        "growth-factor removal 2/day; spread chosen (±30 % in log), the paper gives one value",
    ),
    "Macrophage removal rate [1/day]": Parameter(
        0.3, _SPREAD, "1/day", SOURCE, "measured", "macrophage removal 0.3/day; spread chosen"
    ),
    "Fibroblast activation relaxation rate [1/day]": Parameter(
        0.6,
        _SPREAD,
        "1/day",
        SOURCE,
        "derived",
        "logistic fibroblast growth linearised at saturating growth factor: proliferation "
        "0.9/day minus removal 0.3/day; spread chosen",
    ),
}
