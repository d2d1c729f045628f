"""Model parameter sets, one per source, merged into the full set the model runs with.

Every name carries its unit (``"Macrophage removal rate [1/day]"``); every parameter has a
value, a spread, a source and a note saying whether it was measured, derived, fitted or chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import ModuleType

from microneedling.model.parameters import (
    adler2020,
    assumptions,
    bal2008,
    calibrated,
    donnelly2010,
    fernandes2008,
    gupta2011,
    jama1965,
    kalluri2011,
    pih2014,
    shuster1975,
    sorrell2004,
    verzijl2000,
)
from microneedling.model.parameters._base import (
    FIXED,
    Parameter,
    ParameterSet,
    Source,
    Spread,
    check_values,
    merge,
)

#: The parameter sets in the order the docs list them.
PARAMETER_SETS: tuple[ModuleType, ...] = (
    kalluri2011,
    donnelly2010,
    fernandes2008,
    sorrell2004,
    gupta2011,
    bal2008,
    adler2020,
    jama1965,
    shuster1975,
    verzijl2000,
    pih2014,
    calibrated,
    assumptions,
)


@cache
def full_parameter_set() -> ParameterSet:
    """All parameters merged; a name set by two sources raises ``ValueError``.

    Cached: a ``ParameterSet`` is read-only (``with_values`` returns a copy).
    """
    sets: list[Mapping[str, Parameter]] = [m.PARAMETERS for m in PARAMETER_SETS]
    return merge(*sets)


__all__ = [
    "FIXED",
    "PARAMETER_SETS",
    "Parameter",
    "ParameterSet",
    "Source",
    "Spread",
    "check_values",
    "full_parameter_set",
    "merge",
]
