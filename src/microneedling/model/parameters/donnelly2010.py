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
        "600 µm polymer needles reached ~460 µm by OCT in people (77 %), pressed "
        "perpendicular like a pen's stamp; steel pen needles are taken to behave alike (an "
        "analogy); spread chosen (sd 0.1) to cover histology near full length (Sasaki 2019)",
        fitted_to=("pmc3016610_polymer_mn_depth_human_in_vivo",),
    ),
    "Roller penetration fraction [-]": Parameter(
        460.0 / 600.0,
        Spread("normal", sd=0.15, low=0.3, high=1.0),
        "-",
        SOURCE,
        "derived",
        "no depth of roller channels in human skin was read; the human in-vivo figure for "
        "stamped needles is used, with a wider spread (sd 0.15) for the angle at which a "
        "roller's needles enter. The hairless-rat figure (20 %, Kalluri 2011) is not used for "
        "people: rat skin folds far more around a needle",
    ),
}
