"""Lotfi, Moneib & Yehia 2013: five monthly 1.5 mm Dermaroller sessions for acne scars, assessed
eight weeks after the last (n = 30): epidermis +50 %, papillary-dermis collagen +53.2 %
(Masson), rolling and boxcar scars excellent in 20 % and good in 70 %."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="lotfi2013",
    citation="Lotfi, Moneib & Yehia 2013, J Egypt Women's Dermatol Soc 10(3):152-159",
    identifier="doi:10.1097/01.EWX.0000432504.85255.ec",
)

PARAMETERS = {
    "Collagen III synthesis rate [1/day]": Parameter(
        1.157,
        Spread("lognormal", sd=0.3),
        "1/day",
        SOURCE,
        "fitted",
        "scales new collagen per unit fibroblast activation; fitted so the course reproduces "
        "+53.2 % papillary collagen 8 weeks after the fifth session. Spread chosen",
    ),
    "Epidermal growth rate [1/day]": Parameter(
        11.70,
        Spread("lognormal", sd=0.3),
        "1/day",
        SOURCE,
        "fitted",
        "fitted so the course reproduces +50 % epidermal thickness 8 weeks after the fifth "
        "session. Spread chosen",
    ),
    "Half-saturating collagen gain [-]": Parameter(
        0.253,
        Spread("lognormal", sd=0.3),
        "-",
        SOURCE,
        "fitted",
        "improvement = gain/(gain + this): fitted so the course gives the trial's mean "
        "improvement of rolling/boxcar scars, 65 % (20 % excellent >75 %, 70 % good 50-75 %, "
        "rest fair, at grade midpoints). Spread chosen",
    ),
}
