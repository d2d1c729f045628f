"""Needle depth [mm] for a concern at a site, step by step, each step a named rule.

Order (docs/planning.md): the concern's guide for the severity; the site's safe depth range; the
device (a pen's settable range capped by its labelled maximum, or a roller's fixed length); the
lowest depth cap of the patient's screening precautions. A step is recorded only when it changes
the depth, so every listed step is a rule that fired. Where obeying one limit would break
another (a roller longer than the site allows, a cap below the pen's shortest setting), the
request is refused instead of planned.
"""

from __future__ import annotations

from dataclasses import dataclass

from microneedling.errors import RequestRefused
from microneedling.knowledge import Concern, Device, KnowledgeBase, Severity, Site
from microneedling.planning.explained import DepthStep, NeedleDepth
from microneedling.screening.result import Finding, ScreeningResult, SourceRef, cite

#: Rule ids, in the order they are applied.
CONCERN_GUIDE = "concern_guide"
PRACTITIONER_REQUEST = "practitioner_request"
SITE_SAFE_MIN = "site_safe_min"
SITE_SAFE_MAX = "site_safe_max"
ROLLER_FIXED_LENGTH = "roller_fixed_length"
DEVICE_MIN_SETTING = "device_min_setting"
DEVICE_LABELLED_MAX = "device_labelled_max"
PRECAUTION_CAP = "precaution_cap"


def mm(value: float) -> float:
    """Depths are set in hundredths of a millimetre; rounding also removes float noise."""
    return round(value, 2)


@dataclass(frozen=True)
class DepthLimit:
    """A ceiling on needle depth [mm] and what sets it, in words for the refusal."""

    limit_mm: float
    what: str


def beyond(depth_mm: float, limit_mm: float) -> bool:
    """The one depth gate: is ``depth_mm`` deeper than ``limit_mm``?

    Both sides are compared at the resolution depths are set in (hundredths of a millimetre,
    :func:`mm`), so float noise never refuses a depth equal to its cap and nothing deeper by a
    settable step ever passes. The planner, consent and the treated area all call this.
    """
    return mm(depth_mm) > mm(limit_mm)


def first_exceeded(depth_mm: float, limits: list[DepthLimit]) -> DepthLimit | None:
    """The first of ``limits`` that ``depth_mm`` goes beyond, or None."""
    return next((limit for limit in limits if beyond(depth_mm, limit.limit_mm)), None)


def capping_findings(screening: ScreeningResult, site: str) -> list[Finding]:
    """The precaution findings that set the lowest depth cap at ``site`` (empty if none)."""
    cap = screening.depth_cap_mm(site)
    return [
        f
        for f in screening.findings
        if f.max_depth_mm is not None
        and f.max_depth_mm == cap
        and (f.sites is None or site in f.sites)
    ]


def _finding_sources(findings: list[Finding]) -> list[SourceRef]:
    return [s for f in findings for s in f.sources]


class _Trail:
    """The steps so far; :meth:`to` records a step only when it changes the depth."""

    def __init__(self, first: DepthStep) -> None:
        self.steps = [first]

    @property
    def depth_mm(self) -> float:
        return self.steps[-1].value_mm

    def to(self, rule: str, value_mm: float, reason: str, sources: list[SourceRef]) -> None:
        if mm(value_mm) != self.depth_mm:
            self.steps.append(
                DepthStep(rule=rule, value_mm=mm(value_mm), reason=reason, sources=sources)
            )


def concern_depth(
    kb: KnowledgeBase,
    *,
    site: Site,
    concern: Concern,
    severity: Severity,
    device: Device,
    screening: ScreeningResult,
    field: str,
) -> NeedleDepth:
    """The needle depth for one concern at one site, with the steps that produced it.

    ``field`` names the request field to blame if the combination must be refused.
    """
    trail = _Trail(
        DepthStep(
            rule=CONCERN_GUIDE,
            value_mm=mm(concern.depth_for(severity)),
            reason=(
                f"{concern.name}, {severity}: guide {concern.depth_mm.low}-"
                f"{concern.depth_mm.high} mm, {severity} end of the range"
            ),
            sources=cite(kb, concern.sources),
        )
    )
    safe = site.safe_depth_mm
    site_sources = cite(kb, site.sources)
    if beyond(trail.depth_mm, safe.high):
        trail.to(
            SITE_SAFE_MAX,
            safe.high,
            f"{site.name}: safe depth is at most {safe.high} mm",
            site_sources,
        )
    elif trail.depth_mm < safe.low:
        trail.to(
            SITE_SAFE_MIN,
            safe.low,
            f"{site.name}: the usual depth starts at {safe.low} mm",
            site_sources,
        )
    _device_limits(kb, trail, site=site, device=device, field=field)
    _precaution_cap(trail, site=site, device=device, screening=screening, field=field)
    return NeedleDepth.from_steps(trail.steps)


def _device_limits(
    kb: KnowledgeBase, trail: _Trail, *, site: Site, device: Device, field: str
) -> None:
    sources = cite(kb, device.sources)
    safe_high = site.safe_depth_mm.high
    if device.kind == "roller":
        fixed = device.needle_length_mm.low
        if beyond(fixed, safe_high):
            raise RequestRefused(
                field,
                f"{device.name} has fixed {fixed} mm needles, beyond the safe depth for the site "
                f"{site.name} (at most {safe_high} mm); choose a pen or a shorter roller",
            )
        trail.to(
            ROLLER_FIXED_LENGTH,
            fixed,
            f"{device.name}: a roller's needles are fixed at {fixed} mm",
            sources,
        )
        return
    shortest = device.needle_length_mm.low
    if beyond(shortest, safe_high):
        raise RequestRefused(
            field,
            f"{device.name} cannot be set below {shortest} mm, beyond the safe depth for the "
            f"site {site.name} (at most {safe_high} mm)",
        )
    longest = device.max_needle_length_mm
    if beyond(trail.depth_mm, longest):
        trail.to(
            DEVICE_LABELLED_MAX,
            longest,
            f"{device.name}: labelled maximum {longest} mm is a hard limit",
            sources,
        )
    elif trail.depth_mm < shortest:
        trail.to(
            DEVICE_MIN_SETTING,
            shortest,
            f"{device.name}: shortest setting is {shortest} mm",
            sources,
        )


def _precaution_cap(
    trail: _Trail, *, site: Site, device: Device, screening: ScreeningResult, field: str
) -> None:
    cap = screening.depth_cap_mm(site.id)
    if cap is None or not beyond(trail.depth_mm, cap):
        return
    findings = capping_findings(screening, site.id)
    names = ", ".join(f.rule_name for f in findings)
    shortest = device.needle_length_mm.low
    if beyond(shortest, cap):
        what = "has fixed needles of" if device.kind == "roller" else "cannot be set below"
        raise RequestRefused(
            field,
            f"screening precaution ({names}) caps the depth for the site {site.name} at "
            f"{cap} mm, but {device.name} {what} {shortest} mm",
        )
    trail.to(
        PRECAUTION_CAP,
        cap,
        f"screening precaution ({names}) caps the depth at {cap} mm",
        _finding_sources(findings),
    )


def requested_depth(
    *,
    requested_mm: float,
    site: Site,
    device: Device,
    screening: ScreeningResult,
    field: str,
) -> NeedleDepth:
    """A practitioner's requested depth for an area, validated (never silently changed).

    Refused when it is beyond the site's safe depth, the device's labelled maximum or reach,
    a roller's fixed length, or a screening precaution's cap.
    """
    value = mm(requested_mm)
    safe_high = site.safe_depth_mm.high
    if beyond(value, safe_high):
        raise RequestRefused(
            field,
            f"{value} mm is beyond the safe depth for the site {site.name}: at most {safe_high} mm",
        )
    if beyond(value, device.labelled_max_depth_mm):
        raise RequestRefused(
            field,
            f"{value} mm is beyond {device.name}'s labelled maximum of "
            f"{device.labelled_max_depth_mm} mm",
        )
    low, high = device.needle_length_mm.low, device.max_needle_length_mm
    if device.kind == "roller" and value != low:
        raise RequestRefused(field, f"{device.name} has fixed {low} mm needles, not {value} mm")
    if not low <= value <= high:
        raise RequestRefused(field, f"{device.name} can be set from {low} to {high} mm only")
    cap = screening.depth_cap_mm(site.id)
    if cap is not None and beyond(value, cap):
        names = ", ".join(f.rule_name for f in capping_findings(screening, site.id))
        raise RequestRefused(
            field, f"{value} mm is beyond the {cap} mm cap of a screening precaution ({names})"
        )
    step = DepthStep(
        rule=PRACTITIONER_REQUEST,
        value_mm=value,
        reason=f"requested by the practitioner; within the safe depth for the site {site.name}, "
        f"the device's limits and any precaution cap",
        unsourced="the practitioner's own choice, accepted because it is within those limits",
    )
    return NeedleDepth.from_steps([step])
