"""Fernandes & Signorini 2008: a roller pass gives about 16 punctures per cm²."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="fernandes2008",
    citation="Fernandes & Signorini 2008, Clin Dermatol 26(2):192-199",
    verified=False,
)

PARAMETERS = {
    "Roller punctures per pass [1/cm2]": Parameter(
        16.0,
        Spread("normal", sd=2.0, low=4.0),
        "1/cm2",
        SOURCE,
        "measured",
        "RECALLED (about 16 per pass, ~250 after 15 passes), not re-read; spread chosen",
    ),
}
