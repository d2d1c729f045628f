"""The channels a treatment session leaves, in the delivery model's terms.

A session (site, device, needle length, passes) goes through the skin-response model's own
penetration and channel functions with the model's nominal parameter values and the site's
layers from the knowledge base, so ``microneedling absorb --plan`` sees the same channel depth,
mouth radius, density and closure half-time as ``microneedling simulate``:

- depth [µm] = penetration fraction of the device kind × needle length, capped by the skin
  (:func:`microneedling.model.laws.penetration.effective_depth_um`);
- density [1/cm²] = passes × punctures per pass of the device kind;
- radius [µm]: the model's channel *surface* radius; the delivery model's channels are
  cylinders, so the mouth (the opening in the stratum corneum, which governs entry) is exact
  and the channel volume is three times that of the model's cone;
- closure: the model's depth-dependent half-time
  (:func:`microneedling.model.laws.channels.closure_half_time_h`) and its occlusion factor.

The skin is the site's stratum corneum, viable epidermis and (sex- and age-adjusted) dermis,
with the delivery model's sink at the bottom of the dermis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase, load_knowledge
from microneedling.model.course import Course
from microneedling.model.delivery.closure import ChannelClosure
from microneedling.model.delivery.inputs import ChannelArray, SkinLayers
from microneedling.model.laws import channels as model_channels
from microneedling.model.laws import penetration
from microneedling.model.laws.channels import ChannelGeometry
from microneedling.model.parameters import ParameterSet, full_parameter_set
from microneedling.model.solver.inputs import (
    DERMIS,
    STRATUM_CORNEUM,
    VIABLE_EPIDERMIS,
    site_parameters,
)

DeviceKind = Literal["pen", "roller"]

#: Deepest channel the delivery model takes, as a share of the depth of its sink (the
#: unit cell needs tissue below the channel; see :class:`~.geometry.UnitCell`).
MAX_DEPTH_SHARE_OF_SKIN = 0.95

RADIUS = "Channel surface radius [um]"
CLOSURE_HALF_TIME = "Channel closure half-time at 152.5 um [h]"
CLOSURE_EXPONENT = "Channel closure depth exponent [-]"
OCCLUSION = "Occlusion slowdown factor [-]"


def _fraction_name(kind: DeviceKind) -> str:
    return f"{'Pen' if kind == 'pen' else 'Roller'} penetration fraction [-]"


def _per_pass_name(kind: DeviceKind) -> str:
    return f"{'Pen' if kind == 'pen' else 'Roller'} punctures per pass [1/cm2]"


@dataclass(frozen=True)
class TreatmentChannels:
    """A session's channels for :func:`~.simulate_delivery`, and where they come from.

    ``channels``, ``closure`` and ``skin`` go straight into the simulation; ``geometry`` is the
    skin-response model's own view of the same channels (cone depth [µm], surface radius [µm],
    density [1/cm²], closure half-time [h]); ``sources`` maps every parameter used to its
    citation; ``notes`` says where the delivery model had to depart from the session.
    """

    site: str
    device_kind: DeviceKind
    device: str | None
    needle_length_mm: float
    passes: int
    channels: ChannelArray
    closure: ChannelClosure
    skin: SkinLayers
    geometry: ChannelGeometry
    sources: dict[str, str]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Plain values with units, for JSON."""
        return {
            "site": self.site,
            "device_kind": self.device_kind,
            "device": self.device,
            "needle_length_mm": self.needle_length_mm,
            "passes": self.passes,
            "depth_um": self.channels.depth_um,
            "radius_um": self.channels.radius_um,
            "density_per_cm2": self.channels.density_per_cm2,
            "closure_half_time_h": self.geometry.closure_half_time_h,
            "occluded": self.geometry.occluded,
            "model_depth_um": self.geometry.depth_um,
            "sources": dict(self.sources),
            "notes": list(self.notes),
        }


def _device_kind(
    kb: KnowledgeBase, device: str | None, kind: DeviceKind | None, needle_length_mm: float
) -> DeviceKind:
    if device is None:
        if kind is None:
            raise InvalidInput("device", "give a knowledge-base device id or a device kind")
        return kind
    entry = kb.devices.require(device, "device")
    if kind is not None and entry.kind != kind:
        raise InvalidInput("device_kind", f"'{device}' is a {entry.kind}, not a {kind}")
    if needle_length_mm > entry.max_needle_length_mm + 1e-9:
        raise InvalidInput(
            "needle_length_mm",
            f"{needle_length_mm:g} mm is beyond the labelled maximum of '{device}' "
            f"({entry.max_needle_length_mm:g} mm)",
        )
    return entry.kind


def channels_from_settings(
    site: str,
    needle_length_mm: float,
    passes: int,
    *,
    device: str | None = None,
    device_kind: DeviceKind | None = None,
    occluded: bool = False,
    punctures_per_pass_per_cm2: float | None = None,
    age_years: float | None = None,
    sex: Literal["female", "male"] | None = None,
    knowledge: KnowledgeBase | None = None,
    parameters: ParameterSet | None = None,
) -> TreatmentChannels:
    """Channels of one session at ``site`` (knowledge-base id) with ``needle_length_mm`` [mm]
    and ``passes``; ``device`` is a knowledge-base device id (its kind is used) or, without
    one, ``device_kind`` says pen or roller. ``age_years`` None: the site's reference age (no
    age adjustment of the dermis)."""
    if not (np.isfinite(needle_length_mm) and 0.0 < needle_length_mm <= 3.0):
        raise InvalidInput("needle_length_mm", "must be between 0 and 3 mm")
    if not 1 <= passes <= 20:
        raise InvalidInput("passes", "must be between 1 and 20")
    kb = knowledge or load_knowledge()
    site_entry = kb.sites.require(site, "site")
    kind = _device_kind(kb, device, device_kind, needle_length_mm)
    pset = parameters or full_parameter_set()
    age = age_years if age_years is not None else site_entry.adjustments.age_reference_years
    layers = site_parameters(site_entry, sex, age)
    sc, ve, dermis = (layers[n].value for n in (STRATUM_CORNEUM, VIABLE_EPIDERMIS, DERMIS))
    total_um = sc + ve + dermis

    def value(name: str) -> float:
        return float(pset[name].value)

    def one(x: object) -> float:
        return float(np.asarray(x).reshape(-1)[0])

    per_pass = (
        punctures_per_pass_per_cm2
        if punctures_per_pass_per_cm2 is not None
        else value(_per_pass_name(kind))
    )
    density = passes * per_pass
    depth = one(
        penetration.effective_depth_um(
            needle_length_mm, np.array([value(_fraction_name(kind))]), np.array([total_um])
        )
    )
    radius = value(RADIUS)

    def half_time(covered: bool) -> float:
        return one(
            model_channels.closure_half_time_h(
                np.array([depth]),
                np.array([value(CLOSURE_HALF_TIME)]),
                np.array([value(CLOSURE_EXPONENT)]),
                np.array([value(OCCLUSION)]),
                covered,
            )
        )

    geometry = ChannelGeometry(
        depth_um=depth,
        surface_radius_um=radius,
        density_per_cm2=density,
        closure_half_time_h=half_time(occluded),
        occluded=occluded,
    )
    notes: list[str] = []
    delivery_depth = depth
    limit = MAX_DEPTH_SHARE_OF_SKIN * total_um
    if depth > limit:
        delivery_depth = limit
        notes.append(
            f"the needles reach {depth:.0f} µm, through the {total_um:.0f} µm of skin at "
            f"'{site}'; the delivery model's channels stop at {limit:.0f} µm, above its sink"
        )
    used = [RADIUS, CLOSURE_HALF_TIME, CLOSURE_EXPONENT, _fraction_name(kind)]
    used += [OCCLUSION] if occluded else []
    used += [_per_pass_name(kind)] if punctures_per_pass_per_cm2 is None else []
    sources = {name: pset[name].source.label() for name in used}
    sources.update({name: layers[name].source.label() for name in layers})
    return TreatmentChannels(
        site=site,
        device_kind=kind,
        device=device,
        needle_length_mm=needle_length_mm,
        passes=passes,
        channels=ChannelArray(delivery_depth, radius, density),
        closure=ChannelClosure(
            closure_half_time_h=half_time(False),
            occluded=occluded,
            occlusion_slowdown=value(OCCLUSION),
            source="skin-response model: Kalluri et al. 2011 closure times, deeper channels "
            "close more slowly",
        ),
        skin=SkinLayers(stratum_corneum_um=sc, viable_epidermis_um=ve, dermis_um=dermis),
        geometry=geometry,
        sources=sources,
        notes=tuple(notes),
    )


def channels_from_course(
    course: Course,
    session: int = 1,
    *,
    knowledge: KnowledgeBase | None = None,
    parameters: ParameterSet | None = None,
) -> TreatmentChannels:
    """Channels of session number ``session`` (1 = the first) of ``course``."""
    if not 1 <= session <= len(course.sessions):
        raise InvalidInput(
            "session", f"the course has sessions 1 to {len(course.sessions)}, not {session}"
        )
    s = course.sessions[session - 1]
    return channels_from_settings(
        s.site,
        s.needle_length_mm,
        s.passes,
        device=s.device,
        device_kind=s.device_kind,
        occluded=s.occluded,
        punctures_per_pass_per_cm2=s.punctures_per_pass_per_cm2,
        age_years=course.patient.age_years,
        sex=course.patient.sex,
        knowledge=knowledge,
        parameters=parameters,
    )
