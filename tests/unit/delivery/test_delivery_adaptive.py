"""Error-controlled time steps: the option is validated, the step ladder holds, and a run with
closing, formulation-filled channels and a finite dose keeps its mass balance."""

from __future__ import annotations

import math

import pytest

from microneedling.errors import InvalidInput
from microneedling.model.delivery import (
    ChannelArray,
    DiffusionProblem,
    Dose,
    Numerics,
    SkinLayers,
    UnitCell,
    solve,
)
from microneedling.model.delivery.adaptive import first_and_longest_step, next_step
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.compound import Compound
from microneedling.model.delivery.properties import transport_properties


@pytest.mark.parametrize("tolerance", [0.0, -1e-3, 0.5, math.nan, math.inf])
def test_a_tolerance_out_of_range_is_refused(tolerance: float) -> None:
    with pytest.raises(InvalidInput, match="time_tolerance"):
        Numerics(time_tolerance=tolerance)


def test_coarsened_settings_loosen_the_tolerance_fourfold() -> None:
    assert Numerics(time_tolerance=1e-4).coarsened().time_tolerance == pytest.approx(4e-4)


@pytest.mark.parametrize("error", [0.0, 1e-6, 0.3, 1.0, 7.0, 1e6])
def test_next_step_stays_on_the_power_of_two_ladder(error: float) -> None:
    longest = 3.0
    step = next_step(longest / 16.0, error, longest)
    assert step <= longest
    assert math.log2(longest / step) == pytest.approx(round(math.log2(longest / step)))
    if error > 1.0:
        assert step < longest / 16.0  # a rejected step always shrinks


def test_closure_bounds_the_longest_step() -> None:
    closure = ChannelClosure()
    first, longest = first_and_longest_step(24.0, closure)
    assert longest <= 0.15 / closure.rate_per_h + 1e-12
    assert 0.0 < first < longest
    assert first_and_longest_step(24.0, None)[1] == pytest.approx(3.0)


def test_closing_filled_channels_with_a_finite_dose_keep_the_mass_balance() -> None:
    caffeine = Compound(
        name="caffeine", molecular_weight_da=194.19, log_kow=-0.07, citation="PubChem CID 2519"
    )
    skin = SkinLayers()
    props = transport_properties(caffeine, skin)
    cell = UnitCell.around(ChannelArray(150.0, 35.0, 250.0), skin.total_um)
    problem = DiffusionProblem(
        props.layers, props.channel_fluid, cell, ChannelClosure(), Dose(volume_ul_per_cm2=10.0), 2.0
    )
    run = solve(problem, Numerics(resolution=1, time_tolerance=1e-2))
    assert run.mass_balance_relative_error < 1e-8
    assert run.cumulative_out_ug_per_cm2.min() >= 0.0
    # No more than the film holds: 10 µL/cm² of the default 1000 µg/mL.
    assert run.cumulative_in_ug_per_cm2[-1] <= 10.0 + 1e-9
    assert run.times_h[-1] == pytest.approx(2.0)
