"""Mass balance: what left the formulation = what the skin holds + what reached the sink."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from delivery_cases import channel_problem

from microneedling.model.delivery import ChannelClosure, Dose, Numerics, SkinLayers, solve

TOLERANCE = 1e-8
FAST = Numerics(resolution=1, steps_per_hour=4.0)


@pytest.mark.parametrize(
    "closure",
    [
        ChannelClosure(closure_half_time_h=0.5),
        ChannelClosure(closure_half_time_h=2.0, occluded=True),
        ChannelClosure.gupta_2011_uncovered(),
    ],
    ids=["fast", "occluded", "gupta"],
)
def test_mass_balance_closes_with_closing_channels(closure: ChannelClosure) -> None:
    run = solve(channel_problem(duration_h=8.0, closure=closure), FAST)
    assert run.mass_balance_relative_error < TOLERANCE
    balance = run.cumulative_in_ug_per_cm2 - run.stored_ug_per_cm2 - run.cumulative_out_ug_per_cm2
    assert np.max(np.abs(balance)) <= TOLERANCE * run.cumulative_in_ug_per_cm2[-1]


def test_finite_dose_never_delivers_more_than_was_applied() -> None:
    dose = Dose(concentration_ug_per_ml=500.0, volume_ul_per_cm2=5.0)
    applied_ug_per_cm2 = 500.0 * 5.0e-3
    run = solve(channel_problem(duration_h=24.0, dose=dose), FAST)
    assert run.mass_balance_relative_error < TOLERANCE
    assert run.cumulative_in_ug_per_cm2[-1] <= applied_ug_per_cm2 * (1 + TOLERANCE)
    # The film empties: uptake slows down as the donor is depleted.
    flux_in = np.diff(run.cumulative_in_ug_per_cm2) / np.diff(run.times_h)
    assert flux_in[-1] < 0.5 * np.max(flux_in)


def test_intact_skin_balance_and_no_channel_effects() -> None:
    problem = channel_problem(duration_h=12.0, skin=SkinLayers(dermis_um=425.0))
    intact = solve(replace(problem, channel_fluid=None, cell=None, profile_times_h=(12.0,)), FAST)
    assert intact.mass_balance_relative_error < TOLERANCE
    # Without channels the unit cell is one column: a 1-D problem.
    assert intact.diagnostics["cells"] == intact.profiles[0].depth_um.size
    assert np.all(intact.open_fraction == 0.0)
