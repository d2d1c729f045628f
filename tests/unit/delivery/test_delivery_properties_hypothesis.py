"""Property: for any inputs in the allowed ranges the solver returns finite, non-negative
concentrations and amounts, and the mass balance closes."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from microneedling.model.delivery import (
    CHANNEL_CONTENTS,
    ChannelArray,
    ChannelClosure,
    Compound,
    Dose,
    Numerics,
    SkinLayers,
    simulate_delivery,
    unit_cell_radius_um,
)

TINY = Numerics(resolution=1, steps_per_hour=1.0, ramp_levels=4, steps_per_closure_update=2)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    skin = SkinLayers(
        stratum_corneum_um=draw(st.floats(8.0, 30.0)),
        viable_epidermis_um=draw(st.floats(30.0, 120.0)),
        dermis_um=draw(st.floats(200.0, 2000.0)),
    )
    density = draw(st.floats(10.0, 2000.0))
    radius = draw(st.floats(3.0, 0.7 * min(100.0, unit_cell_radius_um(density))))
    depth = draw(st.floats(5.0, 0.9 * skin.total_um))
    volume = draw(st.one_of(st.none(), st.floats(0.5, 100.0)))
    content = draw(st.sampled_from(CHANNEL_CONTENTS))
    if volume is not None and content == "formulation":
        # The film must hold at least what fills the channels (the solver refuses otherwise).
        channel_ul_per_cm2 = density * math.pi * (radius * 1e-4) ** 2 * depth * 1e-4 * 1e3
        assume(channel_ul_per_cm2 < volume)
    return {
        "compound": Compound(
            name="drawn",
            molecular_weight_da=draw(st.floats(18.0, 20_000.0)),
            log_kow=draw(st.floats(-5.0, 7.0)),
            citation="hypothesis",
        ),
        "channels": draw(st.one_of(st.none(), st.just(ChannelArray(depth, radius, density)))),
        "skin": skin,
        "closure": ChannelClosure(
            closure_half_time_h=draw(st.floats(0.05, 100.0)), occluded=draw(st.booleans())
        ),
        "dose": Dose(draw(st.floats(1e-3, 1e5)), volume),
        "duration_h": draw(st.floats(0.25, 48.0)),
        "channel_content": content,
    }


def _lipophilic_finite_dose(
    molecular_weight_da: float,
    depth_um: float,
    density_per_cm2: float,
    closure_half_time_h: float,
    dose: Dose,
) -> dict[str, object]:
    """A very lipophilic compound (stratum corneum K ~ 1e5) from a thin film through
    formulation-filled channels: the tissue closing around the channel in the SC can take up
    more than the whole film holds within one closure update (falsifying examples found by
    Hypothesis: the donor went negative and fluxes and profiles with it)."""
    return {
        "compound": Compound(
            name="drawn",
            molecular_weight_da=molecular_weight_da,
            log_kow=7.0,
            citation="hypothesis",
        ),
        "channels": ChannelArray(
            depth_um=depth_um, radius_um=70.0, density_per_cm2=density_per_cm2
        ),
        "skin": SkinLayers(stratum_corneum_um=8.0, viable_epidermis_um=30.0, dermis_um=200.0),
        "closure": ChannelClosure(
            closure_half_time_h=closure_half_time_h, occluded=False, occlusion_slowdown=3.0
        ),
        "dose": dose,
        "duration_h": 48.0,
        "channel_content": "formulation",
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@example(_lipophilic_finite_dose(323.0, 191.0, 647.0, 79.0, Dose(319.0, 2.0)))
@example(_lipophilic_finite_dose(399.0, 201.0, 639.0, 80.0, Dose(238.0, 4.0)))
def test_no_nan_and_no_negative_concentrations(scenario: dict[str, object]) -> None:
    result = simulate_delivery(
        **scenario,  # type: ignore[arg-type]
        profile_times_h=(0.1, 1.0, 100.0),
        numerics=TINY,
        estimate_error=False,
    )
    c0 = result.dose.concentration_ug_per_ml
    k_max = max(layer.medium.partition for layer in result.properties.layers)
    ceiling = max(1.0, k_max) * c0
    for series in (
        result.flux_ug_per_cm2_h,
        result.cumulative_ug_per_cm2,
        result.absorbed_ug_per_cm2,
        result.retained_ug_per_cm2,
        result.intact_cumulative_ug_per_cm2,
    ):
        assert np.all(np.isfinite(series))
        assert np.min(series) >= -1e-9 * max(1.0, float(np.max(np.abs(series))))
    for profile in (*result.profiles, *result.intact_profiles):
        for values in (profile.mean_ug_per_ml, profile.axis_ug_per_ml):
            assert np.all(np.isfinite(values))
            assert np.min(values) >= -1e-9 * ceiling
            assert np.max(values) <= ceiling * (1 + 1e-6)
    assert result.mass_balance_relative_error < 1e-8
    volume = result.dose.volume_ul_per_cm2
    if volume is not None:
        # A finite film cannot give more than it holds.
        assert np.max(result.absorbed_ug_per_cm2) <= c0 * volume * 1e-3 * (1 + 1e-9)
    if result.enhancement_ratio is not None:
        assert math.isfinite(result.enhancement_ratio)
