"""Turn a course and per-patient parameter values into the arrays the solver runs on."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from microneedling.errors import InvalidInput
from microneedling.knowledge import Concern, KnowledgeBase, Site
from microneedling.model.course import Course
from microneedling.model.laws import channels, outcome, penetration
from microneedling.model.laws.healing import Cascade
from microneedling.model.parameters import Parameter, ParameterSet, Source, Spread, merge

FloatArray = NDArray[np.float64]

STRATUM_CORNEUM = "Stratum corneum thickness [um]"
VIABLE_EPIDERMIS = "Viable epidermis thickness [um]"
DERMIS = "Dermis thickness [um]"
FILLABLE_SCAR_SHARE = "Fillable share of an atrophic acne scar [-]"
LAYER_NAMES = (STRATUM_CORNEUM, VIABLE_EPIDERMIS, DERMIS)


@dataclass(frozen=True)
class Resolved:
    """The knowledge-base entries a course refers to."""

    site: Site
    concern: Concern


def resolve(course: Course, kb: KnowledgeBase) -> Resolved:
    """Look up the site, concern and devices; raise :class:`InvalidInput` naming the field."""
    site = kb.sites.require(course.site, "sessions.0.site")
    concern = kb.concerns.require(course.patient.concern, "patient.concern")
    for i, s in enumerate(course.sessions):
        if s.device is None:
            continue
        device = kb.devices.require(s.device, f"sessions.{i}.device")
        if device.kind != s.device_kind:
            raise InvalidInput(
                f"sessions.{i}.device_kind",
                f"'{s.device}' is a {device.kind}, not a {s.device_kind}",
            )
        if s.needle_length_mm > device.max_needle_length_mm + 1e-9:
            raise InvalidInput(
                f"sessions.{i}.needle_length_mm",
                f"{s.needle_length_mm} mm is beyond the labelled maximum of '{s.device}' "
                f"({device.max_needle_length_mm} mm)",
            )
    return Resolved(site=site, concern=concern)


def site_parameters(site: Site, sex: str | None, age_years: float) -> dict[str, Parameter]:
    """Layer thicknesses at the site for this person, with the site's spread and sources."""
    source = Source(
        key=f"site:{site.id}",
        citation=f"knowledge base, site '{site.id}' ("
        + ", ".join(sorted({c.ref for c in site.sources}))
        + ")",
    )
    layers = site.layers
    dermis = site.dermis_um(sex if sex in ("female", "male") else None, age_years)  # type: ignore[arg-type]
    factor = dermis / layers.dermis_um.mean
    epi_factor = 1.0
    if sex == "male" and site.adjustments.epidermis_factor_male:
        epi_factor = site.adjustments.epidermis_factor_male
    note = "site mean and sd from the knowledge base"
    return {
        STRATUM_CORNEUM: Parameter(
            layers.stratum_corneum_um.mean,
            Spread("normal", sd=layers.stratum_corneum_um.sd, low=1.0),
            "um",
            source,
            "measured",
            note,
        ),
        VIABLE_EPIDERMIS: Parameter(
            layers.viable_epidermis_um.mean * epi_factor,
            Spread("normal", sd=layers.viable_epidermis_um.sd * epi_factor, low=5.0),
            "um",
            source,
            "measured",
            note + (", adjusted for sex" if epi_factor != 1.0 else ""),
        ),
        DERMIS: Parameter(
            dermis,
            Spread("normal", sd=layers.dermis_um.sd * factor, low=100.0),
            "um",
            source,
            "measured",
            note + (", adjusted for sex and age" if factor != 1.0 else ""),
        ),
    }


def course_parameters(
    course: Course, kb: KnowledgeBase, base: ParameterSet
) -> tuple[Resolved, ParameterSet]:
    """The full parameter set for a course: the model's set plus the site's layers."""
    resolved = resolve(course, kb)
    layers = site_parameters(resolved.site, course.patient.sex, course.patient.age_years)
    return resolved, merge(base, layers)


@dataclass(frozen=True)
class SessionArrays:
    """Per-session, per-patient inputs to the solver; arrays of shape (S, N) unless noted."""

    days: NDArray[np.int64]  # (S,) day of each session
    depth_um: FloatArray
    density_per_cm2: FloatArray
    area_fraction: FloatArray
    flare_um: FloatArray  # channel volume below the stratum corneum per area [µm]
    kick: FloatArray  # pulse into the inflammatory signal [-]
    vascular_um: FloatArray  # channel volume below the plexus per area [µm]
    bleeding: FloatArray  # chance a puncture bleeds [0-1]
    closure_half_h: FloatArray
    barrier_half_h: FloatArray
    radius_um: FloatArray  # (N,)
    plexus_um: FloatArray  # (N,)


@dataclass(frozen=True)
class PatientArrays:
    """Everything the solver needs for N patients."""

    sessions: SessionArrays
    cascade: Cascade
    flare_rate_per_day: FloatArray
    flare_gain: FloatArray
    vascular_gain: FloatArray
    age_loss_per_day: FloatArray
    half_saturation: FloatArray
    response_factor: FloatArray
    maintenance_threshold: FloatArray
    closed_fraction: FloatArray
    barrier_channel_share: FloatArray
    epidermal_support: FloatArray
    epidermal_max: FloatArray

    @property
    def size(self) -> int:
        return self.cascade.size


def response_factor(concern: Concern, p: Mapping[str, FloatArray]) -> FloatArray:
    """Share of the concern's deficit needling can fill [0-1] (outcome.improvement_fraction)."""
    if concern.id in outcome.ATROPHIC_SCARS:
        return p[FILLABLE_SCAR_SHARE]
    if concern.response == "good":
        return np.ones_like(p["Flare gain [1/um]"])
    if concern.response == "moderate":
        return p["Response factor, moderate [-]"]
    return p["Response factor, limited [-]"]


def patient_arrays(course: Course, concern: Concern, p: Mapping[str, FloatArray]) -> PatientArrays:
    """Compute penetration, channels and doses for every session and patient."""
    sc, epi, dermis = p[STRATUM_CORNEUM], p[VIABLE_EPIDERMIS], p[DERMIS]
    epidermis = sc + epi
    total = epidermis + dermis
    papillary = p["Papillary dermis thickness [um]"]
    plexus = penetration.plexus_depth_um(epidermis, papillary)
    radius = p["Channel surface radius [um]"]
    cv = p["Channel depth coefficient of variation [-]"]
    rows: dict[str, list[FloatArray]] = {
        k: [] for k in ("d", "n", "a", "f", "u", "v", "b", "c", "w")
    }
    for s in course.sessions:
        kind = "Pen" if s.device_kind == "pen" else "Roller"
        fraction = p[f"{kind} penetration fraction [-]"]
        per_pass = (
            np.full_like(radius, s.punctures_per_pass_per_cm2)
            if s.punctures_per_pass_per_cm2 is not None
            else p[f"{kind} punctures per pass [1/cm2]"]
        )
        density = s.passes * per_pass
        depth = penetration.effective_depth_um(s.needle_length_mm, fraction, total)
        dose = channels.injury_dose(density, radius, depth, epidermis, papillary)
        half_dose = p["Injury dose for half-maximal response [-]"]
        occlusion = p["Occlusion slowdown factor [-]"]
        rows["d"].append(depth)
        rows["n"].append(density)
        rows["a"].append(channels.punctured_area_fraction(density, radius))
        rows["f"].append(channels.viable_dose_um(density, radius, depth, sc))
        rows["u"].append(dose / (dose + half_dose))
        rows["v"].append(channels.vascular_dose_um(density, radius, depth, plexus))
        rows["b"].append(penetration.bleeding_probability(depth, plexus, cv))
        rows["c"].append(
            channels.closure_half_time_h(
                depth,
                p["Channel closure half-time at 152.5 um [h]"],
                p["Channel closure depth exponent [-]"],
                occlusion,
                s.occluded,
            )
        )
        barrier = p["Barrier recovery half-time [h]"]
        rows["w"].append(barrier * occlusion if s.occluded else barrier)
    sessions = SessionArrays(
        days=np.asarray(course.session_days, dtype=np.int64),
        depth_um=np.stack(rows["d"]),
        density_per_cm2=np.stack(rows["n"]),
        area_fraction=np.stack(rows["a"]),
        flare_um=np.stack(rows["f"]),
        kick=np.stack(rows["u"]),
        vascular_um=np.stack(rows["v"]),
        bleeding=np.stack(rows["b"]),
        closure_half_h=np.stack(rows["c"]),
        barrier_half_h=np.stack(rows["w"]),
        radius_um=radius,
        plexus_um=plexus,
    )
    return PatientArrays(
        sessions=sessions,
        cascade=Cascade.from_parameters(p),
        flare_rate_per_day=math.log(2.0) * 24.0 / p["Flare half-time [h]"],
        flare_gain=p["Flare gain [1/um]"],
        vascular_gain=p["Vascular redness gain [1/um]"],
        age_loss_per_day=-np.log1p(-p["Age-related collagen loss rate [1/year]"]) / 365.25,
        half_saturation=p["Half-saturating collagen gain [-]"],
        response_factor=response_factor(concern, p),
        maintenance_threshold=p["Maintenance threshold [-]"],
        closed_fraction=p["Closed-channel open fraction [-]"],
        barrier_channel_share=p["Water loss through open channels, share [-]"],
        epidermal_support=p["Lasting epidermal thickening, dermis filled [-]"],
        epidermal_max=p["Largest epidermal thickening [-]"],
    )
