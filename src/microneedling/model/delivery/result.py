"""What a delivery simulation returns: amounts, fluxes, profiles and how far to trust them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from microneedling.model.delivery.assembly import ChannelContent
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.compound import Compound
from microneedling.model.delivery.grid import FloatArray
from microneedling.model.delivery.inputs import ChannelArray, Dose, SkinLayers
from microneedling.model.delivery.properties import TransportProperties
from microneedling.model.delivery.solver import Profile


@dataclass(frozen=True)
class ErrorEstimate:
    """Estimated discretisation error, relative to the value it qualifies (dimensionless).

    Richardson: a second run on a grid half as fine with steps twice as long; for a
    second-order scheme the fine run's error is about a third of the difference.
    """

    cumulative_relative: float
    flux_relative: float
    method: str = "Richardson, coarse run at half resolution and double step, order 2"


@dataclass(frozen=True)
class DeliveryResult:
    """Delivery of ``compound`` through treated skin and, for comparison, intact skin.

    Amounts are per unit skin area: ``cumulative_ug_per_cm2`` [µg/cm²] and
    ``flux_ug_per_cm2_h`` [µg/cm²/h] are what has crossed into the sink at the bottom of the
    dermis; ``absorbed_ug_per_cm2`` is what has left the formulation, ``retained_ug_per_cm2``
    what is still in the skin (formulation still filling open channels counts as product, not
    as absorbed). ``channel_content`` is what filled the open channels (None without channels).
    ``enhancement_ratio`` is the treated over the intact cumulative
    amount at the end of the run, both from the same ``dose`` (None when intact skin delivers
    nothing measurable). For a finite dose, :meth:`dose_balance` says where the applied amount
    went.
    Profiles give tissue concentrations [µg/mL] by depth [µm], averaged across the unit cell
    and on the channel axis.
    """

    compound: Compound
    channels: ChannelArray | None
    skin: SkinLayers
    closure: ChannelClosure | None
    dose: Dose
    duration_h: float
    times_h: FloatArray
    flux_ug_per_cm2_h: FloatArray
    cumulative_ug_per_cm2: FloatArray
    absorbed_ug_per_cm2: FloatArray
    retained_ug_per_cm2: FloatArray
    open_fraction: FloatArray
    intact_flux_ug_per_cm2_h: FloatArray
    intact_cumulative_ug_per_cm2: FloatArray
    enhancement_ratio: float | None
    profiles: tuple[Profile, ...]
    intact_profiles: tuple[Profile, ...]
    properties: TransportProperties
    mass_balance_relative_error: float
    error: ErrorEstimate | None
    diagnostics: dict[str, int] = field(default_factory=dict)
    channel_content: ChannelContent | None = None

    @property
    def delivered_ug_per_cm2(self) -> float:
        """Cumulative amount [µg/cm²] through the treated skin at the end of the run."""
        return float(self.cumulative_ug_per_cm2[-1])

    @property
    def intact_delivered_ug_per_cm2(self) -> float:
        """Cumulative amount [µg/cm²] through intact skin at the end of the run."""
        return float(self.intact_cumulative_ug_per_cm2[-1])

    @property
    def applied_ug_per_cm2(self) -> float | None:
        """Amount of compound applied [µg/cm²] for a finite dose; None for an infinite one."""
        volume = self.dose.volume_ul_per_cm2
        if volume is None:
            return None
        # µg/mL × µL/cm² = 1e-3 µg/cm².
        return self.dose.concentration_ug_per_ml * volume * 1e-3

    @property
    def on_surface_ug_per_cm2(self) -> float | None:
        """What is left of a finite dose in the formulation at the end [µg/cm²].

        The film on the surface together with the formulation still filling open channels:
        the applied amount less what has left the formulation. None for an infinite dose.
        """
        applied = self.applied_ug_per_cm2
        return None if applied is None else applied - float(self.absorbed_ug_per_cm2[-1])

    @property
    def delivered_fraction(self) -> float | None:
        """Share of a finite dose delivered through the treated skin (0-1); None if infinite."""
        applied = self.applied_ug_per_cm2
        return None if applied is None else self.delivered_ug_per_cm2 / applied

    @property
    def intact_delivered_fraction(self) -> float | None:
        """Share of the same finite dose delivered through intact skin (0-1); None if infinite."""
        applied = self.applied_ug_per_cm2
        return None if applied is None else self.intact_delivered_ug_per_cm2 / applied

    def dose_balance(self) -> dict[str, float | None]:
        """Where the applied dose is at the end of the run [µg/cm²] and the delivered shares [%].

        ``applied = on_surface + in_skin + delivered`` for a finite dose; for an infinite dose
        the applied amount, the surface remainder and the shares are None (the donor never
        runs out, so they have no meaning).
        """
        applied = self.applied_ug_per_cm2
        share = self.delivered_fraction
        intact_share = self.intact_delivered_fraction
        return {
            "applied_ug_per_cm2": applied,
            "on_surface_ug_per_cm2": self.on_surface_ug_per_cm2,
            "in_skin_ug_per_cm2": float(self.retained_ug_per_cm2[-1]),
            "delivered_ug_per_cm2": self.delivered_ug_per_cm2,
            "delivered_percent_of_applied": None if share is None else 100.0 * share,
            "intact_delivered_ug_per_cm2": self.intact_delivered_ug_per_cm2,
            "intact_delivered_percent_of_applied": None
            if intact_share is None
            else 100.0 * intact_share,
        }

    def to_dict(self) -> dict[str, object]:
        """Everything as plain JSON-compatible values (lists of floats, None for missing)."""

        def numbers(values: FloatArray) -> list[float]:
            return [float(v) for v in np.asarray(values)]

        def profile(p: Profile) -> dict[str, object]:
            return {
                "time_h": p.time_h,
                "depth_um": numbers(p.depth_um),
                "mean_concentration_ug_per_ml": numbers(p.mean_ug_per_ml),
                "axis_concentration_ug_per_ml": numbers(p.axis_ug_per_ml),
            }

        channels = self.channels
        closure = self.closure
        return {
            "compound": self.compound.model_dump(),
            "channels": None
            if channels is None
            else {
                "depth_um": channels.depth_um,
                "radius_um": channels.radius_um,
                "density_per_cm2": channels.density_per_cm2,
            },
            "channel_content": self.channel_content,
            "skin": {
                "stratum_corneum_um": self.skin.stratum_corneum_um,
                "viable_epidermis_um": self.skin.viable_epidermis_um,
                "dermis_um": self.skin.dermis_um,
            },
            "closure": None
            if closure is None
            else {
                "closure_half_time_h": closure.closure_half_time_h,
                "occluded": closure.occluded,
                "effective_half_time_h": closure.effective_half_time_h,
                "source": closure.source,
            },
            "dose": {
                "concentration_ug_per_ml": self.dose.concentration_ug_per_ml,
                "volume_ul_per_cm2": self.dose.volume_ul_per_cm2,
                "infinite": self.dose.infinite,
            },
            "dose_balance": self.dose_balance(),
            "duration_h": self.duration_h,
            "delivered_ug_per_cm2": self.delivered_ug_per_cm2,
            "intact_delivered_ug_per_cm2": self.intact_delivered_ug_per_cm2,
            "enhancement_ratio": _finite_or_none(self.enhancement_ratio),
            "times_h": numbers(self.times_h),
            "flux_ug_per_cm2_h": numbers(self.flux_ug_per_cm2_h),
            "cumulative_ug_per_cm2": numbers(self.cumulative_ug_per_cm2),
            "absorbed_ug_per_cm2": numbers(self.absorbed_ug_per_cm2),
            "retained_ug_per_cm2": numbers(self.retained_ug_per_cm2),
            "open_fraction": numbers(self.open_fraction),
            "intact_flux_ug_per_cm2_h": numbers(self.intact_flux_ug_per_cm2_h),
            "intact_cumulative_ug_per_cm2": numbers(self.intact_cumulative_ug_per_cm2),
            "profiles": [profile(p) for p in self.profiles],
            "intact_profiles": [profile(p) for p in self.intact_profiles],
            "properties": self.properties.as_dict(),
            "mass_balance_relative_error": self.mass_balance_relative_error,
            "error_estimate": None
            if self.error is None
            else {
                "cumulative_relative": self.error.cumulative_relative,
                "flux_relative": self.error.flux_relative,
                "method": self.error.method,
            },
            "diagnostics": dict(self.diagnostics),
        }


def _finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
