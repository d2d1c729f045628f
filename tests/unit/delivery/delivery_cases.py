"""Shared inputs for the delivery tests: small, fast problems with known answers."""

from __future__ import annotations

from microneedling.model.delivery import (
    ChannelArray,
    ChannelClosure,
    Compound,
    DiffusionProblem,
    Dose,
    SkinLayers,
    UnitCell,
    transport_properties,
)

CAFFEINE = Compound(
    name="caffeine",
    molecular_weight_da=194.19,
    log_kow=-0.07,
    citation="PubChem CID 2519 (XLogP3 -0.07)",
)

TREATMENT = ChannelArray(depth_um=150.0, radius_um=35.0, density_per_cm2=250.0)


def channel_problem(
    duration_h: float = 6.0,
    *,
    closure: ChannelClosure | None = None,
    dose: Dose | None = None,
    skin: SkinLayers | None = None,
    profile_times_h: tuple[float, ...] = (),
) -> DiffusionProblem:
    """Caffeine through a treated skin (sink at 500 µm to keep the grid small)."""
    skin = skin or SkinLayers(dermis_um=425.0)
    props = transport_properties(CAFFEINE, skin)
    return DiffusionProblem(
        layers=props.layers,
        channel_fluid=props.channel_fluid,
        cell=UnitCell.around(TREATMENT, skin.total_um),
        closure=closure if closure is not None else ChannelClosure(closure_half_time_h=1.0),
        dose=dose or Dose(),
        duration_h=duration_h,
        profile_times_h=profile_times_h,
    )
