"""Parameters no publication gives a value for. Each note says what the value is chosen to do.

These are the model's weakest links; the validation page lists which observations they were
chosen against, and a global sensitivity analysis should start here.
"""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(key="none", citation="no published value (model assumption)")

_fixed = Spread("fixed")

PARAMETERS = {
    "Pen punctures per pass [1/cm2]": Parameter(
        90.0,
        Spread("normal", sd=20.0, low=20.0),
        "1/cm2",
        SOURCE,
        "chosen",
        "a full treatment aims at 250-300 punctures/cm² (PRIME 2015 review) over the usual "
        "three passes; used when a session does not state its own density",
    ),
    "Injury dose for half-maximal response [-]": Parameter(
        2.4e-3,
        Spread("lognormal", sd=0.5),
        "-",
        SOURCE,
        "chosen",
        "the wound response saturates with injured volume; half-maximal at the dose of a "
        "0.5 mm pen session of three passes, so that shallow and deep settings differ by less "
        "than their channel volumes do (no dose-response study found)",
    ),
    "Collagen III degradation rate [1/day]": Parameter(
        1.0 / 90.0,
        Spread("lognormal", sd=0.3),
        "1/day",
        SOURCE,
        "chosen",
        "part of the new collagen III is broken down rather than matured; one third, chosen",
    ),
    "Collagen III maturation rate [1/day]": Parameter(
        1.0 / 90.0,
        Spread("lognormal", sd=0.25),
        "1/day",
        SOURCE,
        "chosen",
        "no published rate; remodelling runs from a few weeks up to two years (Antioxid Redox "
        "Signal 2008;10:1869). New collagen III is taken to mature over about three months, "
        "so that mature collagen, and the improvement, keep rising for three to four months "
        "after the last session, as acne-scar trials still improving between three and six "
        "months suggest (Alam 2014: score 2.4 points better at 3 months, 3.4 at 6, wide CIs; "
        "its rows are set apart, not fitted)",
    ),
    "Water loss through open channels, share [-]": Parameter(
        0.05,
        Spread("uniform", low=0.02, high=0.08),
        "-",
        SOURCE,
        "chosen",
        "most of the barrier reseals within 2 h (Gupta 2011), yet water loss stays above "
        "baseline for two days after 0.5 mm and longest after 1.5 mm (Sasaki 2019, read in its "
        "abstract, no figure): a share of the deficit closes with the channels, whose closure "
        "slows with depth. Below the 10 % at which the barrier counts as recovered, so the "
        "2 h reseal holds; no figure fixes it more closely",
    ),
    "Elastin synthesis rate [1/day]": Parameter(
        0.29,
        Spread("lognormal", sd=0.4),
        "1/day",
        SOURCE,
        "chosen",
        "no quantitative elastin figure after needling was found; a quarter of the collagen III "
        "synthesis rate, so elastin rises (Aust 2008: more elastin at 6 months; El-Domyati "
        "2015: more tropoelastin) but far less than collagen, since total elastin even fell in "
        "El-Domyati's biopsies",
    ),
    "Elastin turnover rate [1/day]": Parameter(
        1.0 / 240.0,
        Spread("lognormal", sd=0.3),
        "1/day",
        SOURCE,
        "chosen",
        "a mean life of 240 days, kept from the first version (it was never equal to the "
        "collagen turnover its note claimed). No turnover of new elastin after needling was "
        "read; elastin feeds no outcome, and the direction of its change is contested (more "
        "at 6 months in Aust 2008, less in El-Domyati 2015's biopsies, unchanged at 3 months "
        "in PMID 33656167): a model figure, not a finding",
    ),
    "Flare gain [1/um]": Parameter(
        0.4,
        Spread("lognormal", sd=0.3),
        "1/um",
        SOURCE,
        "chosen",
        "immediate needle flare per µm of channel volume in living tissue per skin area; a 1 mm "
        "pen session of three passes (~2.6 µm) starts visibly red, a single 0.2-0.4 mm stamp "
        "does not (Bal 2008: minimal irritation)",
    ),
    "Closed-channel open fraction [-]": Parameter(
        0.05, _fixed, "-", SOURCE, "chosen", "a channel counts as closed when 5 % is still open"
    ),
    "Maintenance threshold [-]": Parameter(
        0.75,
        _fixed,
        "-",
        SOURCE,
        "chosen",
        "maintenance is due when the improvement has fallen to 75 % of its peak after a course",
    ),
    "Response factor, limited [-]": Parameter(
        0.25,
        Spread("uniform", low=0.1, high=0.4),
        "-",
        SOURCE,
        "chosen",
        "ice-pick scars 'improved only slightly' (Lotfi 2013) and white striae respond less "
        "than red (Mohamed Ali 2017); no figure, a quarter is chosen",
    ),
}
