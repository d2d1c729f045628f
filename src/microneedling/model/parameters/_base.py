"""Parameters with units, spreads and sources (PyBaMM manner: the unit is in the name).

A :class:`Parameter` is a value, how it varies between people (or how uncertain it is), the
publication it comes from and a note saying how it was obtained: *measured* (read in the
source), *derived* (computed from the source's figures), *fitted* (chosen so the model
reproduces one of the source's observations) or *chosen* (no published value; the note says
what the choice is meant to achieve).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

Origin = Literal["measured", "derived", "fitted", "chosen"]
FloatArray = NDArray[np.float64]

_NAME = re.compile(r"^[A-Z][^\[\]]* \[[^\[\]]+\]$")


@dataclass(frozen=True)
class Source:
    """A publication a parameter or observation comes from.

    ``verified`` is False when the figure was recalled rather than re-read in the publication
    (or in its abstract); such parameters are listed as unverified in the docs.
    """

    key: str
    citation: str
    identifier: str | None = None
    verified: bool = True

    def label(self) -> str:
        return self.citation if self.verified else f"{self.citation} (unverified)"


@dataclass(frozen=True)
class Spread:
    """How a parameter varies across a cohort.

    ``normal``: mean = the parameter's value, standard deviation ``sd`` (same unit), truncated
    to ``[low, high]`` when given. ``lognormal``: median = value, ``sd`` is the standard
    deviation of the natural log. ``uniform``: between ``low`` and ``high``. ``fixed``: no
    spread (a definition or a conversion, not a measurement).
    """

    kind: Literal["normal", "lognormal", "uniform", "fixed"]
    sd: float = 0.0
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.sd < 0 or not math.isfinite(self.sd):
            raise ValueError("sd must be a finite number >= 0")
        if self.kind == "uniform" and (self.low is None or self.high is None):
            raise ValueError("a uniform spread needs low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is above high")

    def describe(self, unit: str) -> str:
        bounds = ""
        if self.kind != "uniform" and (self.low is not None or self.high is not None):
            bounds = f", within [{_fmt(self.low)}, {_fmt(self.high)}]"
        if self.kind == "normal":
            return f"normal, sd {_fmt(self.sd)} {unit}{bounds}"
        if self.kind == "lognormal":
            return f"lognormal, sd(log) {_fmt(self.sd)}{bounds}"
        if self.kind == "uniform":
            return f"uniform {_fmt(self.low)}–{_fmt(self.high)} {unit}"
        return "fixed"

    def from_unit(self, value: float, u: FloatArray) -> FloatArray:
        """Map probabilities ``u`` in (0, 1) to parameter values (inverse CDF)."""
        u = np.clip(u, 1e-12, 1 - 1e-12)
        if self.kind == "fixed" or (self.kind != "uniform" and self.sd == 0):
            return np.full_like(u, value)
        if self.kind == "uniform":
            low, high = float(self.low or 0.0), float(self.high or 0.0)
            return low + u * (high - low)
        # Truncation by inverse-CDF on the restricted interval, so draws never leave it.
        lo_p, hi_p = 0.0, 1.0
        if self.kind == "normal":
            if self.low is not None:
                lo_p = float(ndtr((self.low - value) / self.sd))
            if self.high is not None:
                hi_p = float(ndtr((self.high - value) / self.sd))
            z = ndtri(lo_p + u * (hi_p - lo_p))
            return np.asarray(value + self.sd * z, dtype=np.float64)
        log_median = math.log(value)
        if self.low is not None:
            lo_p = float(ndtr((math.log(self.low) - log_median) / self.sd))
        if self.high is not None:
            hi_p = float(ndtr((math.log(self.high) - log_median) / self.sd))
        z = ndtri(lo_p + u * (hi_p - lo_p))
        return np.asarray(np.exp(log_median + self.sd * z), dtype=np.float64)


FIXED = Spread("fixed")


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.4g}"


@dataclass(frozen=True)
class Parameter:
    """One model parameter: value, spread, unit (also in its name), source and note.

    ``fitted_to`` names the evidence rows (``model/evidence``) the value was fitted to; a row
    named here may never check an output that depends on this parameter.
    """

    value: float
    spread: Spread
    unit: str
    source: Source
    origin: Origin
    note: str
    fitted_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not math.isfinite(self.value):
            raise ValueError("a parameter value must be finite")
        if self.spread.kind == "lognormal" and self.value <= 0:
            raise ValueError("a lognormal parameter must be positive")
        if not self.note:
            raise ValueError("every parameter needs a note saying how its value was obtained")


class ParameterSet(Mapping[str, Parameter]):
    """Parameters by name; names carry their unit in brackets (``"... [1/day]"``)."""

    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        for name, p in parameters.items():
            if not _NAME.match(name):
                raise ValueError(f"parameter name {name!r} must end with its unit in brackets")
            if not name.endswith(f"[{p.unit}]"):
                raise ValueError(f"parameter {name!r}: unit {p.unit!r} differs from its name")
        self._items = dict(parameters)

    def __getitem__(self, name: str) -> Parameter:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def nominal(self) -> dict[str, float]:
        """Name -> nominal value."""
        return {name: p.value for name, p in self._items.items()}

    def values_list(self) -> list[Parameter]:
        """The parameters in order (``Mapping.values`` as a list)."""
        return list(self._items.values())

    def with_values(self, changes: Mapping[str, float]) -> ParameterSet:
        """A copy with some nominal values replaced (spreads and sources kept)."""
        unknown = set(changes) - set(self._items)
        if unknown:
            raise KeyError(f"unknown parameters: {', '.join(sorted(unknown))}")
        items = dict(self._items)
        for name, value in changes.items():
            old = items[name]
            items[name] = dataclasses.replace(old, value=float(value))
        return ParameterSet(items)


def merge(*sets: Mapping[str, Parameter]) -> ParameterSet:
    """Merge parameter sets; a name defined by two sources is an error, not an override."""
    merged: dict[str, Parameter] = {}
    for group in sets:
        for name, p in group.items():
            if name in merged:
                raise ValueError(
                    f"{name!r} is set by both {merged[name].source.key} and {p.source.key}"
                )
            merged[name] = p
    return ParameterSet(merged)


def check_values(parameters: ParameterSet, values: Mapping[str, FloatArray]) -> None:
    """Raise ``ValueError`` naming the parameter when a value is outside what its spread allows.

    Every value must be finite; lognormal ones positive; bounded ones within their bounds;
    uniform ones within their interval.
    """
    names = list(parameters)
    table = np.atleast_2d(np.stack([np.asarray(values[n], dtype=np.float64) for n in names]))
    spreads = [parameters[n].spread for n in names]
    inf = float("inf")
    low = np.array([s.low if s.low is not None else -inf for s in spreads])
    high = np.array([s.high if s.high is not None else inf for s in spreads])
    slack_low = 1e-12 * np.abs(np.where(np.isfinite(low), low, 0.0))
    slack_high = 1e-12 * np.abs(np.where(np.isfinite(high), high, 0.0))
    positive = np.array([s.kind == "lognormal" for s in spreads])
    bad = ~np.isfinite(table)
    bad |= table < (low - slack_low)[:, None]
    bad |= table > (high + slack_high)[:, None]
    bad |= positive[:, None] & (table <= 0)
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size:
        i = int(rows[0])
        s = spreads[i]
        if not np.all(np.isfinite(table[i])):
            problem = "values must be finite"
        elif positive[i] and np.any(table[i] <= 0):
            problem = "values must be positive"
        elif np.any(table[i] < low[i] - slack_low[i]):
            problem = f"values must be at least {s.low}"
        else:
            problem = f"values must be at most {s.high}"
        raise ValueError(f"{names[i]}: {problem}")
