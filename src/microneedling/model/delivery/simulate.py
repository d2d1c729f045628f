"""One call from a compound and a treatment to a :class:`DeliveryResult`.

Three runs of the same solver: the treated skin, the same skin without channels (for the
enhancement ratio) and, for the error estimate, the treated skin again on a grid half as fine
with steps twice as long.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from microneedling.errors import InvalidInput
from microneedling.model.delivery.assembly import CHANNEL_CONTENTS, ChannelContent
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.compound import Compound
from microneedling.model.delivery.geometry import UnitCell
from microneedling.model.delivery.inputs import ChannelArray, Dose, Numerics, SkinLayers
from microneedling.model.delivery.properties import transport_properties
from microneedling.model.delivery.result import DeliveryResult, ErrorEstimate
from microneedling.model.delivery.solver import (
    DiffusionProblem,
    Trajectory,
    solve,
)

#: Longest run accepted [h]: a month, far beyond any channel's life.
MAX_DURATION_H = 720.0
#: Intact delivery below this fraction of the treated one is reported as "none measurable".
_MEASURABLE_FRACTION = 1e-12
#: Fluxes are compared for the error estimate only after this fraction of the run, when
#: the start-up transient is over.
_FLUX_COMPARISON_START = 0.1


def profile_times_within(times: Sequence[float], duration_h: float) -> tuple[float, ...]:
    """The requested profile times that fall inside the run, sorted, without duplicates."""
    return tuple(sorted({t for t in times if 0.0 <= t <= duration_h and math.isfinite(t)}))


def _error_estimate(fine: Trajectory, coarse: Trajectory) -> ErrorEstimate:
    q_fine = float(fine.cumulative_out_ug_per_cm2[-1])
    q_coarse = float(coarse.cumulative_out_ug_per_cm2[-1])
    cumulative = abs(q_fine - q_coarse) / 3.0 / max(abs(q_fine), 1e-300)
    late = coarse.times_h >= _FLUX_COMPARISON_START * coarse.times_h[-1]
    fine_at_coarse = np.interp(coarse.times_h[late], fine.times_h, fine.flux_out_ug_per_cm2_h)
    difference = np.abs(fine_at_coarse - coarse.flux_out_ug_per_cm2_h[late])
    scale = max(float(np.max(np.abs(fine.flux_out_ug_per_cm2_h))), 1e-300)
    flux = float(np.max(difference)) / 3.0 / scale if difference.size else 0.0
    return ErrorEstimate(cumulative_relative=cumulative, flux_relative=flux)


def simulate_delivery(
    compound: Compound,
    channels: ChannelArray | None = None,
    *,
    skin: SkinLayers | None = None,
    closure: ChannelClosure | None = None,
    dose: Dose | None = None,
    duration_h: float = 24.0,
    profile_times_h: Sequence[float] = (1.0, 6.0, 24.0),
    numerics: Numerics | None = None,
    estimate_error: bool = True,
    channel_content: ChannelContent = "formulation",
) -> DeliveryResult:
    """Simulate a topical ``compound`` applied at time 0 to skin treated with ``channels``.

    ``channels`` None simulates intact skin only. ``closure`` defaults to
    :class:`ChannelClosure` (Kalluri et al. 2011 dye closure); ``duration_h`` in hours;
    profiles are recorded at the ``profile_times_h`` [h] that fall within the run.
    ``channel_content``: the applied ``"formulation"`` fills the open channels (default: the
    product goes on right after needling, Kalluri et al. 2011; Davidson et al. 2008), or
    ``"interstitial_fluid"``: aqueous channels fed through their mouths only.
    """
    if channel_content not in CHANNEL_CONTENTS:
        raise InvalidInput("channel_content", f"must be one of {', '.join(CHANNEL_CONTENTS)}")
    skin = skin or SkinLayers()
    closure = closure or ChannelClosure()
    dose = dose or Dose()
    numerics = numerics or Numerics()
    if not (math.isfinite(duration_h) and 0 < duration_h <= MAX_DURATION_H):
        raise InvalidInput("duration_h", f"must be between 0 and {MAX_DURATION_H:g} hours")
    props = transport_properties(compound, skin)
    times = profile_times_within(profile_times_h, duration_h)
    intact_problem = DiffusionProblem(props.layers, None, None, None, dose, duration_h, times)
    intact = solve(intact_problem, numerics)
    if channels is None:
        treated, treated_problem = intact, intact_problem
    else:
        cell = UnitCell.around(channels, skin.total_um)
        treated_problem = DiffusionProblem(
            props.layers,
            props.channel_fluid,
            cell,
            closure,
            dose,
            duration_h,
            times,
            channel_content,
        )
        treated = solve(treated_problem, numerics)

    error = None
    diagnostics = dict(treated.diagnostics)
    if estimate_error:
        coarse = solve(treated_problem, numerics.coarsened())
        error = _error_estimate(treated, coarse)
        diagnostics["coarse_cells"] = coarse.diagnostics["cells"]

    q_treated = float(treated.cumulative_out_ug_per_cm2[-1])
    q_intact = float(intact.cumulative_out_ug_per_cm2[-1])
    ratio = q_treated / q_intact if q_intact > _MEASURABLE_FRACTION * q_treated else None
    return DeliveryResult(
        compound=compound,
        channels=channels,
        skin=skin,
        closure=closure if channels is not None else None,
        channel_content=channel_content if channels is not None else None,
        dose=dose,
        duration_h=duration_h,
        times_h=treated.times_h,
        flux_ug_per_cm2_h=treated.flux_out_ug_per_cm2_h,
        cumulative_ug_per_cm2=treated.cumulative_out_ug_per_cm2,
        absorbed_ug_per_cm2=treated.cumulative_in_ug_per_cm2,
        retained_ug_per_cm2=treated.stored_ug_per_cm2,
        open_fraction=treated.open_fraction,
        intact_flux_ug_per_cm2_h=intact.flux_out_ug_per_cm2_h,
        intact_cumulative_ug_per_cm2=intact.cumulative_out_ug_per_cm2,
        enhancement_ratio=ratio,
        profiles=treated.profiles,
        intact_profiles=intact.profiles,
        properties=props,
        mass_balance_relative_error=max(
            treated.mass_balance_relative_error, intact.mass_balance_relative_error
        ),
        error=error,
        diagnostics=diagnostics,
    )
