"""Where a finite dose goes: applied = left in the product + in the skin + delivered.

The enhancement ratio compares the same dose on intact skin, and a thicker film or a
reservoir never delivers less than a thinner film.
"""

from __future__ import annotations

import numpy as np
import pytest
from delivery_cases import CAFFEINE, TREATMENT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microneedling.model.delivery import (
    CHANNEL_CONTENTS,
    ChannelClosure,
    ChannelContent,
    Compound,
    DeliveryResult,
    Dose,
    SkinLayers,
    simulate_delivery,
)

SKIN = SkinLayers(dermis_um=425.0)
CLOSURE = ChannelClosure(closure_half_time_h=1.0)


def _run(dose: Dose, content: ChannelContent, hours: float = 2.0) -> DeliveryResult:
    return simulate_delivery(
        CAFFEINE,
        TREATMENT,
        skin=SKIN,
        closure=CLOSURE,
        dose=dose,
        duration_h=hours,
        estimate_error=False,
        channel_content=content,
    )


def test_an_infinite_dose_has_no_applied_amount_or_share() -> None:
    result = simulate_delivery(
        CAFFEINE, TREATMENT, skin=SKIN, dose=Dose(1000.0), duration_h=1.0, estimate_error=False
    )
    balance = result.dose_balance()
    assert result.applied_ug_per_cm2 is None
    assert balance["applied_ug_per_cm2"] is None
    assert balance["on_surface_ug_per_cm2"] is None
    assert balance["delivered_percent_of_applied"] is None
    assert balance["intact_delivered_percent_of_applied"] is None
    assert balance["delivered_ug_per_cm2"] == result.delivered_ug_per_cm2
    assert balance["in_skin_ug_per_cm2"] == float(result.retained_ug_per_cm2[-1])


def test_applied_amount_is_concentration_times_volume() -> None:
    result = simulate_delivery(
        CAFFEINE, TREATMENT, skin=SKIN, dose=Dose(500.0, 4.0), duration_h=1.0, estimate_error=False
    )
    # 500 µg/mL × 4 µL/cm² = 2 µg/cm².
    assert result.applied_ug_per_cm2 == pytest.approx(2.0, rel=1e-15)
    assert result.to_dict()["dose"] == {
        "concentration_ug_per_ml": 500.0,
        "volume_ul_per_cm2": 4.0,
        "infinite": False,
    }


def test_the_enhancement_ratio_compares_the_same_finite_dose_on_intact_skin() -> None:
    dose = Dose(1000.0, 10.0)
    treated = simulate_delivery(
        CAFFEINE, TREATMENT, skin=SKIN, dose=dose, duration_h=4.0, estimate_error=False
    )
    intact = simulate_delivery(CAFFEINE, None, skin=SKIN, dose=dose, duration_h=4.0)
    reservoir = simulate_delivery(CAFFEINE, None, skin=SKIN, dose=Dose(1000.0), duration_h=4.0)
    assert treated.intact_delivered_ug_per_cm2 == pytest.approx(
        intact.delivered_ug_per_cm2, rel=1e-12
    )
    assert treated.enhancement_ratio == pytest.approx(
        treated.delivered_ug_per_cm2 / intact.delivered_ug_per_cm2, rel=1e-12
    )
    # The intact skin depletes the film too, so it delivers less than from a reservoir.
    assert intact.delivered_ug_per_cm2 < reservoir.delivered_ug_per_cm2
    share = treated.intact_delivered_fraction
    assert share is not None
    assert share == pytest.approx(intact.delivered_ug_per_cm2 / 10.0, rel=1e-12)


@pytest.mark.parametrize("content", CHANNEL_CONTENTS)
def test_a_thicker_film_never_delivers_less_and_a_reservoir_delivers_most(
    content: ChannelContent,
) -> None:
    thin, thick, reservoir = (
        _run(dose, content) for dose in (Dose(1000.0, 2.0), Dose(1000.0, 10.0), Dose())
    )
    series = [r.cumulative_ug_per_cm2 for r in (thin, thick, reservoir)]
    assert all(s.shape == series[0].shape for s in series)
    tolerance = 1e-9 * float(series[2][-1])
    assert np.all(series[0] <= series[1] + tolerance)
    assert np.all(series[1] <= series[2] + tolerance)
    assert float(series[1][-1]) < float(series[2][-1])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    volume_ul_per_cm2=st.floats(0.5, 50.0),
    concentration_ug_per_ml=st.floats(1.0, 1.0e5),
    log_kow=st.floats(-3.0, 5.0),
    molecular_weight_da=st.floats(60.0, 800.0),
    content=st.sampled_from(CHANNEL_CONTENTS),
    hours=st.floats(0.5, 6.0),
)
def test_the_dose_balance_adds_up_and_never_exceeds_the_dose(
    volume_ul_per_cm2: float,
    concentration_ug_per_ml: float,
    log_kow: float,
    molecular_weight_da: float,
    content: ChannelContent,
    hours: float,
) -> None:
    compound = Compound(
        name="test permeant",
        molecular_weight_da=molecular_weight_da,
        log_kow=log_kow,
        citation="test input",
    )
    result = simulate_delivery(
        compound,
        TREATMENT,
        skin=SKIN,
        closure=CLOSURE,
        dose=Dose(concentration_ug_per_ml, volume_ul_per_cm2),
        duration_h=hours,
        estimate_error=False,
        channel_content=content,
    )
    balance = result.dose_balance()
    applied = concentration_ug_per_ml * volume_ul_per_cm2 * 1e-3
    assert balance["applied_ug_per_cm2"] == pytest.approx(applied, rel=1e-12)
    slack = 1e-9 * applied
    on_surface = balance["on_surface_ug_per_cm2"]
    in_skin = balance["in_skin_ug_per_cm2"]
    delivered = balance["delivered_ug_per_cm2"]
    assert on_surface is not None
    assert in_skin is not None
    assert delivered is not None
    assert on_surface >= -slack
    assert in_skin >= -slack
    assert float(np.max(result.cumulative_ug_per_cm2)) <= applied + slack
    assert float(np.max(result.intact_cumulative_ug_per_cm2)) <= applied + slack
    assert on_surface + in_skin + delivered == pytest.approx(applied, rel=1e-8, abs=slack)
    share = balance["delivered_percent_of_applied"]
    assert share is not None
    assert share <= 100.0 + 1e-7
