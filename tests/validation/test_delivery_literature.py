"""Plausibility against published findings on microneedle-enhanced delivery.

Each comparison is stated precisely in its test. Sensitivities are elasticities: the change of
ln(amount delivered in 24 h) per ln of a +20 % change of one geometric parameter, all else
equal (spacing is decreased by the same factor, so that every change favours delivery).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from microneedling.model.delivery import (
    ChannelArray,
    ChannelClosure,
    ChannelContent,
    Compound,
    Numerics,
    SkinLayers,
    density_for_spacing,
    load_compound,
    simulate_delivery,
)

EXAMPLES = Path(__file__).parents[2] / "examples" / "compounds"
FAST = Numerics(resolution=2, steps_per_hour=5.0)
STEP = 1.2


def _amount(depth_um: float, radius_um: float, spacing_um: float, skin: SkinLayers) -> float:
    """Caffeine delivered in 24 h on the default path: formulation-filled channels, the
    default (Kalluri 2011) closure, infinite dose."""
    caffeine = load_compound(EXAMPLES / "caffeine.yaml")
    array = ChannelArray(depth_um, radius_um, density_for_spacing(spacing_um))
    run = simulate_delivery(caffeine, array, skin=skin, numerics=FAST, estimate_error=False)
    return run.delivered_ug_per_cm2


@pytest.mark.parametrize(
    "skin",
    [SkinLayers(), SkinLayers(dermis_um=200.0)],
    ids=["default-skin", "sink-at-papillary-capillaries"],
)
def test_depth_matters_more_than_spacing_and_spacing_more_than_diameter(
    skin: SkinLayers,
) -> None:
    """Davidson, Al-Qallaf & Das 2008, Chem Eng Res Des 86:1196: depth of penetration is the
    most important factor for effective permeability, then spacing; diameter matters less.

    Default physical scenario (the formulation fills the open channels, which close as
    Kalluri et al. 2011 observed), dense array (300 µm spacing), 200 µm deep, 25 µm radius;
    each parameter changed by 20 %. Sink at the default 1 mm of dermis, and at the papillary
    capillaries (200 µm of dermis) as Davidson modelled it.
    """
    base = {"depth_um": 200.0, "radius_um": 25.0, "spacing_um": 300.0}
    q0 = _amount(**base, skin=skin)

    def elasticity(name: str, factor: float) -> float:
        changed = {**base, name: base[name] * factor}
        return math.log(_amount(**changed, skin=skin) / q0) / math.log(STEP)

    depth = elasticity("depth_um", STEP)
    spacing = elasticity("spacing_um", 1.0 / STEP)
    diameter = elasticity("radius_um", STEP)
    assert depth > spacing > diameter > 0.0, (depth, spacing, diameter)


def test_a_filled_channel_delivers_more_than_an_aqueous_one_and_depth_counts() -> None:
    """The formulation along the whole channel wall (default) against a channel of tissue
    fluid fed at its mouth: the filled channel delivers more, and only there does depth add
    much (for the aqueous channel solute leaves within its first tens of µm)."""
    caffeine = load_compound(EXAMPLES / "caffeine.yaml")

    def amount(depth_um: float, content: ChannelContent) -> float:
        array = ChannelArray(depth_um, 25.0, density_for_spacing(300.0))
        return simulate_delivery(
            caffeine, array, numerics=FAST, estimate_error=False, channel_content=content
        ).delivered_ug_per_cm2

    filled = amount(200.0, "formulation"), amount(240.0, "formulation")
    aqueous = amount(200.0, "interstitial_fluid"), amount(240.0, "interstitial_fluid")
    assert filled[0] > 2.0 * aqueous[0]
    assert filled[1] / filled[0] > 1.03
    assert aqueous[1] / aqueous[0] < 1.01


def test_large_or_poorly_permeant_molecules_gain_far_more() -> None:
    """Large, poorly permeant molecules gain the most from the channels; small lipophilic
    permeants little (review statements collected in the project's SOURCES)."""
    treatment = ChannelArray(depth_um=150.0, radius_um=35.0, density_per_cm2=250.0)
    permeant = Compound(
        name="small lipophilic permeant (test molecule)",
        molecular_weight_da=150.0,
        log_kow=2.5,
        citation="hypothetical test molecule",
    )
    caffeine = load_compound(EXAMPLES / "caffeine.yaml")
    dextran = load_compound(EXAMPLES / "fitc_dextran_4kda.yaml")

    def ratio(c: Compound) -> float | None:
        return simulate_delivery(
            c, treatment, numerics=FAST, estimate_error=False
        ).enhancement_ratio

    small, medium = ratio(permeant), ratio(caffeine)
    assert small is not None
    assert medium is not None
    # Formulation-filled channels (default): measured 5.8 for the permeant, 587 for caffeine.
    assert small < 10.0
    assert medium > 30.0 * small
    large = simulate_delivery(dextran, treatment, numerics=FAST, estimate_error=False)
    # Intact skin delivers nothing measurable of a 4.4 kDa dextran; the channels do.
    assert large.enhancement_ratio is None or large.enhancement_ratio > 100.0 * medium
    assert large.delivered_ug_per_cm2 > 0.0


@pytest.mark.parametrize("compound_file", ["fitc_dextran_4kda.yaml", "caffeine.yaml"])
def test_longer_needles_deliver_more(compound_file: str) -> None:
    """Longer Dermaroller needles: deeper channels (about 20 % of needle length, Kalluri et al.
    2011) that stay open longer (closed by 12 h for 370 µm, 18 h for 770 µm needles, same
    source). Delivery of 4.4 kDa FITC-dextran grew with needle length (SOURCES)."""
    compound = load_compound(EXAMPLES / compound_file)
    amounts = []
    for needle_um, closure in (
        (370.0, ChannelClosure()),
        (770.0, ChannelClosure.kalluri_2011_770um()),
    ):
        channels = ChannelArray(depth_um=0.2 * needle_um, radius_um=35.0, density_per_cm2=250)
        run = simulate_delivery(
            compound, channels, closure=closure, numerics=FAST, estimate_error=False
        )
        amounts.append(run.delivered_ug_per_cm2)
    assert amounts[1] > 1.1 * amounts[0], amounts
