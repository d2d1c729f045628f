"""Sorrell & Caplan 2004: the papillary dermis is about 300-400 µm deep, bounded below by the
subpapillary vascular plexus."""

from __future__ import annotations

from microneedling.model.parameters._base import Parameter, Source, Spread

SOURCE = Source(
    key="sorrell2004",
    citation="Sorrell & Caplan 2004, J Cell Sci 117(5):667-675",
    verified=False,
)

PARAMETERS = {
    "Papillary dermis thickness [um]": Parameter(
        350.0,
        Spread("uniform", low=300.0, high=400.0),
        "um",
        SOURCE,
        "measured",
        "300-400 µm, read in a web page quoting the review, not in the original; the plexus "
        "at its lower limit is taken as where needles start to draw blood",
    ),
}
