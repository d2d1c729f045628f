"""What a topical product applied after microneedling delivers through the channels.

Transient diffusion from the formulation through stratum corneum, viable epidermis and dermis
into a perfect sink, in the axisymmetric unit cell around one channel of a regular array; the
channels close over hours. See ``docs/delivery.md`` for the model, its sources and its
verification.

>>> from microneedling.model.delivery import ChannelArray, load_compound, simulate_delivery
"""

from __future__ import annotations

from microneedling.model.delivery.assembly import CHANNEL_CONTENTS, ChannelContent
from microneedling.model.delivery.closure import ChannelClosure, half_time_from_closure_time
from microneedling.model.delivery.compound import Compound
from microneedling.model.delivery.from_treatment import (
    TreatmentChannels,
    channels_from_course,
    channels_from_settings,
)
from microneedling.model.delivery.geometry import (
    UnitCell,
    density_for_spacing,
    spacing_um,
    unit_cell_radius_um,
)
from microneedling.model.delivery.inputs import ChannelArray, Dose, Numerics, SkinLayers
from microneedling.model.delivery.laminate import (
    lag_time_h,
    single_membrane_cumulative_ug_per_cm2,
    steady_flux_ug_per_cm2_h,
)
from microneedling.model.delivery.loader import compound_from_mapping, load_compound
from microneedling.model.delivery.media import Layer, Medium
from microneedling.model.delivery.properties import TransportProperties, transport_properties
from microneedling.model.delivery.result import DeliveryResult, ErrorEstimate
from microneedling.model.delivery.simulate import MAX_DURATION_H, simulate_delivery
from microneedling.model.delivery.solver import DiffusionProblem, Profile, Trajectory, solve

__all__ = [
    "CHANNEL_CONTENTS",
    "MAX_DURATION_H",
    "ChannelArray",
    "ChannelClosure",
    "ChannelContent",
    "Compound",
    "DeliveryResult",
    "DiffusionProblem",
    "Dose",
    "ErrorEstimate",
    "Layer",
    "Medium",
    "Numerics",
    "Profile",
    "SkinLayers",
    "Trajectory",
    "TransportProperties",
    "TreatmentChannels",
    "UnitCell",
    "channels_from_course",
    "channels_from_settings",
    "compound_from_mapping",
    "density_for_spacing",
    "half_time_from_closure_time",
    "lag_time_h",
    "load_compound",
    "simulate_delivery",
    "single_membrane_cumulative_ug_per_cm2",
    "solve",
    "spacing_um",
    "steady_flux_ug_per_cm2_h",
    "transport_properties",
    "unit_cell_radius_um",
]
