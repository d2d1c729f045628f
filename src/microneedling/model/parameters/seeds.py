"""The clinics' patient-education pages (the project's seeds): the timeline patients are told.

Redness "a few days"; results visible from about 30 days; the full effect six to eight weeks
after the last session. No publication measured these rates, so they are fitted to the timeline
and checked against it in the validation suite.
"""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="seed_patient_education",
    citation="Clinic patient-education pages (project seeds 000-004)",
)

PARAMETERS = {
    "Collagen III maturation rate [1/day]": Parameter(
        1.0 / 45.0,
        Spread("lognormal", sd=0.25),
        "1/day",
        SOURCE,
        "fitted",
        "no published rate; 1/45 per day puts the peak of mature collagen 6-8 weeks after the "
        "last of monthly sessions (full effect in the seeds). Spread chosen",
    ),
    "Vascular redness gain [1/um]": Parameter(
        244.0,
        Spread("lognormal", sd=0.5),
        "1/um",
        SOURCE,
        "fitted",
        "redness per µm of channel volume per area below the subpapillary plexus; fitted so a "
        "1.5 mm pen session (3 passes) on the cheeks stays visibly red about 3 days (seeds: a "
        "few days; Am J Clin Dermatol 2019: side effects a mean of 3 days). Spread chosen",
    ),
}
