"""Bal, Caussin, Pavel & Bouwstra 2008: redness after microneedle arrays on the forearm."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="bal2008",
    citation="Bal, Caussin, Pavel & Bouwstra 2008, Eur J Pharm Sci 35(3):193-202",
    identifier="doi:10.1016/j.ejps.2008.06.016",
)

PARAMETERS = {
    "Flare half-time [h]": Parameter(
        0.4,
        Spread("lognormal", sd=0.3),
        "h",
        SOURCE,
        "fitted",
        "irritation after 200-400 µm arrays was minimal and lasted under 2 h; no half-time was "
        "reported, 0.4 h is chosen so the needle flare alone is gone well within 2 h",
        fitted_to=("bal2008_irritation_duration_forearm",),
    ),
}
