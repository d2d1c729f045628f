"""PMID 25196684: five roller sessions for acne scars in Fitzpatrick IV-V skin; post-
inflammatory hyperpigmentation in 5 of 30 patients who completed the course."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="pih2014",
    citation="Acne-scar microneedling series in Fitzpatrick IV-V skin (PMID 25196684)",
    identifier="PMID 25196684",
)

#: 5 of 30 over five sessions, each session an independent chance: 1 - (1 - p)**5 = 5/30.
_PER_SESSION = 1.0 - (1.0 - 5.0 / 30.0) ** (1.0 / 5.0)

PARAMETERS = {
    "PIH chance per session, Fitzpatrick IV-VI [-]": Parameter(
        _PER_SESSION,
        Spread("uniform", low=0.01155, high=0.08176),
        "-",
        SOURCE,
        "derived",
        "1 - (1 - 5/30)**(1/5) from 5 of 30 patients over five sessions; the spread is the "
        "per-session value at the exact 95 % binomial limits of 5/30 (Clopper-Pearson "
        "5.64-34.72 %)",
        fitted_to=("pmid25196684_pih_types_iv_v",),
    ),
}
