"""Every parameter has a unit in its name, a spread, a source and a note on its origin."""

from __future__ import annotations

import numpy as np
import pytest

from microneedling.model.parameters import (
    PARAMETER_SETS,
    Parameter,
    Source,
    Spread,
    full_parameter_set,
    merge,
)
from microneedling.model.parameters._base import check_values


def test_the_full_set_merges_every_source_without_clashes() -> None:
    full = full_parameter_set()
    assert len(full) == sum(len(m.PARAMETERS) for m in PARAMETER_SETS)


@pytest.mark.parametrize("name", sorted(full_parameter_set()))
def test_each_parameter_is_documented(name: str) -> None:
    p = full_parameter_set()[name]
    assert name.endswith(f"[{p.unit}]")
    assert p.note
    assert p.source.citation
    assert p.origin in ("measured", "derived", "fitted", "chosen")
    if p.origin in ("measured", "derived"):
        assert p.source.key != "none", "a measured value needs a publication"


def test_unverified_sources_are_marked_in_their_notes() -> None:
    for name, p in full_parameter_set().items():
        if not p.source.verified:
            assert "(unverified)" in p.source.label(), name


def test_a_name_set_twice_is_an_error() -> None:
    src = Source("a", "A 2020")
    p = Parameter(1.0, Spread("fixed"), "-", src, "chosen", "n")
    with pytest.raises(ValueError, match="set by both"):
        merge({"X [-]": p}, {"X [-]": p})


def test_names_without_units_are_refused() -> None:
    src = Source("a", "A 2020")
    with pytest.raises(ValueError, match="unit"):
        merge({"No unit": Parameter(1.0, Spread("fixed"), "-", src, "chosen", "n")})


@pytest.mark.parametrize("name", sorted(full_parameter_set()))
def test_draws_stay_within_what_the_spread_allows(name: str) -> None:
    full = full_parameter_set()
    p = full[name]
    u = np.random.default_rng(0).random(2000)
    draws = p.spread.from_unit(p.value, u)
    check_values(full.__class__({name: p}), {name: draws})
    if p.spread.kind in ("normal", "lognormal") and p.spread.sd > 0:
        assert abs(np.median(draws) - p.value) < 0.15 * abs(p.value) + 1e-12


def test_check_values_names_the_parameter() -> None:
    full = full_parameter_set()
    name = "Macrophage removal rate [1/day]"
    with pytest.raises(ValueError, match="Macrophage removal rate"):
        check_values(full.__class__({name: full[name]}), {name: np.array([-1.0])})
