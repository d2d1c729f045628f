"""Mass balance: what left the formulation = what the skin holds + what reached the sink."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from delivery_cases import channel_problem

from microneedling.errors import InvalidInput
from microneedling.model.delivery import (
    CHANNEL_CONTENTS,
    ChannelClosure,
    ChannelContent,
    Dose,
    Numerics,
    SkinLayers,
    solve,
)

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
@pytest.mark.parametrize("content", CHANNEL_CONTENTS)
def test_mass_balance_closes_with_closing_channels(
    closure: ChannelClosure, content: ChannelContent
) -> None:
    problem = replace(channel_problem(duration_h=8.0, closure=closure), channel_content=content)
    run = solve(problem, FAST)
    assert run.mass_balance_relative_error < TOLERANCE
    balance = run.cumulative_in_ug_per_cm2 - run.stored_ug_per_cm2 - run.cumulative_out_ug_per_cm2
    assert np.max(np.abs(balance)) <= TOLERANCE * run.cumulative_in_ug_per_cm2[-1]


@pytest.mark.parametrize("content", CHANNEL_CONTENTS)
def test_finite_dose_never_delivers_more_than_was_applied(content: ChannelContent) -> None:
    dose = Dose(concentration_ug_per_ml=500.0, volume_ul_per_cm2=5.0)
    applied_ug_per_cm2 = 500.0 * 5.0e-3
    problem = replace(channel_problem(duration_h=24.0, dose=dose), channel_content=content)
    run = solve(problem, FAST)
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


@pytest.mark.parametrize("volume_ul_per_cm2", [None, 2.0], ids=["infinite", "finite"])
def test_mass_balance_of_a_formulation_filled_channel(volume_ul_per_cm2: float | None) -> None:
    """The open channel is donor; tissue closing it takes up formulation from the donor.

    What left the formulation (including what the closing tissue took up) = what the skin
    holds + what reached the sink, at every step; a finite film loses exactly that amount.
    """
    dose = Dose(concentration_ug_per_ml=800.0, volume_ul_per_cm2=volume_ul_per_cm2)
    problem = replace(
        channel_problem(
            duration_h=10.0, closure=ChannelClosure(closure_half_time_h=1.0), dose=dose
        ),
        channel_content="formulation",
    )
    run = solve(problem, FAST)
    assert run.mass_balance_relative_error < TOLERANCE
    balance = run.cumulative_in_ug_per_cm2 - run.stored_ug_per_cm2 - run.cumulative_out_ug_per_cm2
    assert np.max(np.abs(balance)) <= TOLERANCE * run.cumulative_in_ug_per_cm2[-1]
    # Uptake never runs backwards, and the closing tissue's share arrives from the start.
    assert np.all(np.diff(run.cumulative_in_ug_per_cm2) >= -TOLERANCE)
    assert run.cumulative_in_ug_per_cm2[0] > 0.0
    if volume_ul_per_cm2 is not None:
        assert run.cumulative_in_ug_per_cm2[-1] <= 800.0 * 2.0e-3 * (1 + TOLERANCE)


def test_a_filled_channel_that_never_closes_balances_and_stays_at_the_donor() -> None:
    """No closure: the channel cells stay donor for the whole run (no tissue part, nothing
    stored there); the mean profile in the channel rows shows the formulation."""
    problem = replace(
        channel_problem(duration_h=3.0),
        closure=None,
        channel_content="formulation",
        profile_times_h=(3.0,),
    )
    run = solve(problem, FAST)
    assert run.mass_balance_relative_error < TOLERANCE
    assert np.all(run.open_fraction == 1.0)
    profile = run.profiles[0]
    # On the axis, inside the channel (150 µm deep), the concentration is the donor's.
    inside = profile.depth_um < 140.0
    assert np.allclose(profile.axis_ug_per_ml[inside], 1000.0, rtol=1e-12)


def test_a_film_too_thin_to_fill_the_channels_is_refused() -> None:
    # 250 channels of 35 µm radius, 150 µm deep hold about 0.14 µL/cm².
    dose = Dose(volume_ul_per_cm2=0.05)
    problem = replace(channel_problem(duration_h=1.0, dose=dose), channel_content="formulation")
    with pytest.raises(InvalidInput) as caught:
        solve(problem, FAST)
    assert caught.value.field == "volume_ul_per_cm2"
    aqueous = solve(replace(problem, channel_content="interstitial_fluid"), FAST)
    assert aqueous.mass_balance_relative_error < TOLERANCE
