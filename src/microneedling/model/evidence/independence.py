"""Fit and check kept apart: a check may not test an output through a parameter fitted to it.

:func:`dependencies` finds, by perturbation, the fitted parameters a row's model value depends
on (each moved by 10 % of its value; a change of the output beyond 1e-9 relative counts).
:func:`violations` lists every check row that one of those parameters was fitted to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from microneedling.model.evidence.schema import Evidence
from microneedling.model.parameters import Parameter

Evaluate = Callable[[Evidence, Mapping[str, float] | None], float]

_STEP = 0.10
_RTOL = 1e-9


def dependencies(
    row: Evidence, parameters: Mapping[str, Parameter], evaluate: Evaluate
) -> list[str]:
    """The fitted parameters whose change moves the model's value for ``row``."""
    base = evaluate(row, None)
    out = []
    for name, p in parameters.items():
        if not p.fitted_to:
            continue
        moved = evaluate(row, {name: p.value * (1.0 + _STEP)})
        if abs(moved - base) > _RTOL * max(1.0, abs(base)):
            out.append(name)
    return out


def violations(
    checks: Iterable[Evidence], parameters: Mapping[str, Parameter], evaluate: Evaluate
) -> list[str]:
    """One line per (check row, parameter fitted to that row that its value depends on)."""
    out = []
    for row in checks:
        fitted_here = [n for n, p in parameters.items() if row.id in p.fitted_to]
        if not fitted_here:
            continue
        for name in dependencies(row, parameters, evaluate):
            if name in fitted_here:
                out.append(f"{row.id} checks an output of {name!r}, which was fitted to it")
    return out
