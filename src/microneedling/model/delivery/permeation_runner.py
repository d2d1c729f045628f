"""Each permeation study run through the delivery solver, and its check band.

A study is an excised-skin diffusion cell: no living tissue, so the channels never close; the
donor solution covers the pierced skin, so it fills the channels (``"formulation"``); the
reported quantity is the steady-state flux, which needs a donor that is not depleted, so the
dose is infinite (the ratio of two steady fluxes does not depend on the concentration). The
model's ratio is treated over intact steady flux at the end of a run long enough to be steady.

Inputs the paper's readable text does not give come from the row's ``assumed`` brackets; the
model runs at every corner of them (depth × density × dermis) and reports its range.

**Check band.** ``ln R ± sqrt((1.96 s)² + m²)``: ``s`` the standard error of ln R from the
paper's own ± (:attr:`Reported.log_ratio_standard_error`), ``m = ln 2`` the stated model error
(a factor of 2 on the ratio: wider could not tell the reported 1.2-7 from the 10-1000 a bypassed
stratum corneum gives). The check passes when the model's range meets the band.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

from microneedling.model.delivery.assembly import ChannelContent
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.compound import Compound
from microneedling.model.delivery.inputs import ChannelArray, Numerics, SkinLayers
from microneedling.model.delivery.laminate import steady_flux_ug_per_cm2_h
from microneedling.model.delivery.permeation import Study
from microneedling.model.delivery.properties import transport_properties
from microneedling.model.delivery.simulate import simulate_delivery
from microneedling.model.parameters import full_parameter_set

Z95 = 1.959964
#: Stated model error of an enhancement ratio, as ln of a factor (see module doc).
MODEL_ERROR_LOG = math.log(2.0)
#: Excised skin: nothing heals, the channels stay open for any run.
EXCISED = ChannelClosure(
    closure_half_time_h=1.0e9, source="excised skin: no living tissue, channels never close"
)
#: The channel radius every study uses: the skin-response model's own parameter (Kalluri et
#: al. 2011, surface diameter 70.7 µm); no study's radius was read.
CHANNEL_RADIUS = "Channel surface radius [um]"
RUN_H = 48.0
_NUMERICS = Numerics(resolution=2, steps_per_hour=2.0)
#: A channel stops at this share of the skin's depth (the solver needs tissue below it).
_MAX_DEPTH_SHARE = 0.9
#: The end of the run counts as steady when the flux moved less than this over its last tenth.
STEADY_RTOL = 1.0e-3

Verdict = Literal["pass", "pass for part of the bracket", "fail", "not run"]


@dataclass(frozen=True)
class Band:
    low: float
    high: float


@dataclass(frozen=True)
class StudyOutcome:
    """A study's reported ratio, its band, the model's range and the verdict."""

    study: Study
    reported_ratio: float
    band: Band
    model_low: float | None
    model_high: float | None
    ceiling_low: float | None
    ceiling_high: float | None
    steady: bool
    verdict: Verdict


def check_band(study: Study) -> Band:
    """Two-sided band for the ratio, from the paper's own ± and the stated model error."""
    r = study.reported
    half = math.hypot(Z95 * r.log_ratio_standard_error, MODEL_ERROR_LOG)
    centre = math.log(r.ratio)
    return Band(math.exp(centre - half), math.exp(centre + half))


def compound_of(study: Study) -> Compound:
    """The study's permeant as a :class:`Compound` (a runnable row has MW and log Kow)."""
    c = study.compound
    assert c.molecular_weight_da is not None
    assert c.log_kow is not None
    return Compound(
        name=c.name,
        molecular_weight_da=c.molecular_weight_da,
        log_kow=c.log_kow,
        citation=f"{c.molecular_weight_source}; {c.log_kow_source}",
    )


def steady_ratio(
    compound: Compound,
    channels: ChannelArray,
    dermis_um: float,
    content: ChannelContent = "formulation",
) -> tuple[float, bool]:
    """Treated over intact steady flux in an excised-skin cell, and whether the run is steady.

    ``dermis_um`` under the default stratum corneum and epidermis; the channel stops at
    :data:`_MAX_DEPTH_SHARE` of the skin's depth.
    """
    skin = SkinLayers(dermis_um=dermis_um)
    depth = min(channels.depth_um, _MAX_DEPTH_SHARE * skin.total_um)
    run = simulate_delivery(
        compound,
        ChannelArray(depth, channels.radius_um, channels.density_per_cm2),
        skin=skin,
        closure=EXCISED,
        duration_h=RUN_H,
        profile_times_h=(),
        numerics=_NUMERICS,
        estimate_error=False,
        channel_content=content,
    )
    flux = run.flux_ug_per_cm2_h
    late = flux[int(0.9 * len(flux))]
    steady = abs(flux[-1] - late) <= STEADY_RTOL * abs(flux[-1])
    return float(flux[-1] / run.intact_flux_ug_per_cm2_h[-1]), steady


def channel_radius_um() -> float:
    """The skin-response model's channel radius [µm], the one every study uses."""
    return float(full_parameter_set()[CHANNEL_RADIUS].value)


def _corner(compound: Compound, depth: float, density: float, dermis: float) -> tuple[float, bool]:
    """Model ratio of steady fluxes at one corner of the brackets, and whether it is steady."""
    return steady_ratio(compound, ChannelArray(depth, channel_radius_um(), density), dermis)


def _ceiling(compound: Compound, dermis: float) -> float:
    """Ratio if the stratum corneum were gone everywhere: the most channels can give."""
    layers = transport_properties(compound, SkinLayers(dermis_um=dermis)).layers
    return steady_flux_ug_per_cm2_h(layers[1:], 1.0) / steady_flux_ug_per_cm2_h(layers, 1.0)


def run_study(study: Study) -> StudyOutcome:
    """The model against one study (see the module doc)."""
    band = check_band(study)
    if study.not_run is not None or study.assumed is None:
        return StudyOutcome(
            study, study.reported.ratio, band, None, None, None, None, False, "not run"
        )
    compound = compound_of(study)
    a = study.assumed
    corners = itertools.product(
        (a.channel_depth_um.low, a.channel_depth_um.high),
        (a.density_per_cm2.low, a.density_per_cm2.high),
        (a.dermis_um.low, a.dermis_um.high),
    )
    results = [_corner(compound, *c) for c in corners]
    ratios = [r for r, _ in results]
    ceilings = [_ceiling(compound, d) for d in (a.dermis_um.low, a.dermis_um.high)]
    low, high = min(ratios), max(ratios)
    verdict: Verdict
    if band.low <= low and high <= band.high:
        verdict = "pass"
    elif high >= band.low and low <= band.high:
        verdict = "pass for part of the bracket"
    else:
        verdict = "fail"
    return StudyOutcome(
        study,
        study.reported.ratio,
        band,
        low,
        high,
        min(ceilings),
        max(ceilings),
        all(s for _, s in results),
        verdict,
    )
