"""Donnelly et al. 2010: how far 600 µm polymeric needles entered human skin in vivo (OCT)."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="donnelly2010",
    citation="Donnelly et al. 2010, Pharm Res (laser-engineered polymeric microneedles)",
    identifier="PMC3016610",
)

PARAMETERS = {
    "Pen penetration fraction [-]": Parameter(
        460.0 / 600.0,
        Spread("normal", sd=0.1, low=0.4, high=1.0),
        "-",
        SOURCE,
        "measured",
        "600 µm needles reached ~460 µm by OCT (77 %), pressed perpendicular like a pen's stamp; "
        "spread chosen (sd 0.1) to cover histology near full length (Sasaki 2019)",
    ),
}
