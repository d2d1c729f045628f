"""How many sessions, how far apart, how many passes, and when to come back for maintenance.

Each function returns an :class:`Explained` value naming the rule and its sources. Overrides
from the practitioner are accepted only inside the range every planned concern allows.
"""

from __future__ import annotations

from microneedling.errors import RequestRefused
from microneedling.knowledge import Citation, Concern, Device, KnowledgeBase, Severity
from microneedling.planning.explained import Explained, unique
from microneedling.screening.result import cite

SEVERITY_ORDER: dict[Severity, int] = {"mild": 0, "moderate": 1, "severe": 2}

#: Pen passes per area by the area's most severe concern. No publication we hold gives a pass
#: count; the review we cite gives the end-point instead (see END_POINT), so the count is stated
#: as the clinic's convention and the end-point governs in the room.
PEN_PASSES: dict[Severity, int] = {"mild": 2, "moderate": 3, "severe": 4}
PEN_PASSES_UNSOURCED = (
    "no verified published pass count; 2-4 passes is the clinic convention, and the treatment "
    "stops at the cited end-point whichever comes first"
)
#: A roller pass makes far fewer punctures than a pen pass (about 16/cm² per pass, about
#: 250/cm² after 15 passes for a 192-needle roller: recalled from Fernandes in the project's
#: evidence notes, not yet verified), so a roller course is planned in more passes.
ROLLER_PASSES = 15
ROLLER_PASSES_UNSOURCED = (
    "recalled, not verified: about 16 punctures/cm² per roller pass and about 250/cm² after "
    "15 passes (Fernandes, in the project's evidence notes)"
)
END_POINT = "pinpoint bleeding at the treatment depth (uniform erythema at superficial settings)"
END_POINT_REF = "alster2018"


def concern_sessions(kb: KnowledgeBase, concern: Concern, severity: Severity) -> Explained[int]:
    """Sessions for one concern: low, middle or high end of its range by severity."""
    return Explained[int](
        value=concern.sessions_for(severity),
        rule="concern_sessions",
        reason=f"{concern.name}, {severity}: {concern.sessions.low}-{concern.sessions.high} "
        f"sessions, {severity} end of the range",
        sources=cite(kb, concern.sources),
    )


def most_sessions(candidates: list[tuple[str, Explained[int]]], rule: str) -> Explained[int]:
    """The largest session count among ``(label, count)`` candidates: treatment runs until
    every concern (or area) has had its sessions."""
    label, chosen = max(candidates, key=lambda pair: pair[1].value)
    why = f"the most any of {len(candidates)} needs" if len(candidates) > 1 else "the only one"
    return Explained[int](
        value=chosen.value,
        rule=rule,
        reason=f"{chosen.value} sessions for {label}: {why}",
        sources=chosen.sources,
        unsourced=chosen.unsourced,
    )


def requested_sessions(
    kb: KnowledgeBase, requested: int, concerns: list[Concern], field: str
) -> Explained[int]:
    """The practitioner's session count, refused outside any planned concern's range."""
    for concern in concerns:
        if not concern.sessions.low <= requested <= concern.sessions.high:
            raise RequestRefused(
                field,
                f"{requested} sessions is outside the {concern.sessions.low}-"
                f"{concern.sessions.high} sessions for {concern.name.lower()}",
            )
    return Explained[int](
        value=requested,
        rule="practitioner_request",
        reason=f"{requested} sessions requested; within the range of every planned concern",
        sources=unique([s for c in concerns for s in cite(kb, c.sources)]),
    )


def interval_weeks(
    kb: KnowledgeBase, concerns: list[Concern], requested: int | None, field: str
) -> Explained[int]:
    """Weeks between sessions.

    Default: the longest of the concerns' minimum intervals, so no concern is needled again
    before its own range allows. A requested interval must lie within every concern's range.
    """
    if requested is not None:
        for concern in concerns:
            weeks = concern.interval_weeks
            if not weeks.low <= requested <= weeks.high:
                raise RequestRefused(
                    field,
                    f"{requested} weeks is outside the {weeks.low}-{weeks.high} weeks between "
                    f"sessions for {concern.name.lower()}",
                )
        return Explained[int](
            value=requested,
            rule="practitioner_request",
            reason=f"{requested} weeks requested; within the range of every planned concern",
            sources=unique([s for c in concerns for s in cite(kb, c.sources)]),
        )
    governing = max(concerns, key=lambda c: c.interval_weeks.low)
    return Explained[int](
        value=governing.interval_weeks.low,
        rule="interval_longest_minimum",
        reason=f"{governing.interval_weeks.low} weeks: the shortest interval "
        f"{governing.name.lower()} allows ({governing.interval_weeks.low}-"
        f"{governing.interval_weeks.high} weeks), the longest such minimum among the concerns",
        sources=cite(kb, governing.sources),
    )


def maintenance_months(kb: KnowledgeBase, concern: Concern) -> Explained[int]:
    months = concern.maintenance_months
    return Explained[int](
        value=months.low,
        rule="concern_maintenance",
        reason=f"{concern.name}: maintenance every {months.low}-{months.high} months; "
        f"planned at the shorter end",
        sources=cite(kb, concern.sources),
    )


def passes(
    kb: KnowledgeBase, device: Device, severities: list[Severity], requested: int | None
) -> Explained[int]:
    """Passes over an area in one session."""
    if requested is not None:
        return Explained[int](
            value=requested,
            rule="practitioner_request",
            reason=f"{requested} passes requested by the practitioner",
            unsourced="the practitioner's choice; the end-point still governs",
        )
    if device.kind == "roller":
        return Explained[int](
            value=ROLLER_PASSES,
            rule="roller_passes",
            reason=f"{ROLLER_PASSES} roller passes to reach a full-treatment puncture density",
            unsourced=ROLLER_PASSES_UNSOURCED,
        )
    worst = max(severities, key=SEVERITY_ORDER.__getitem__)
    return Explained[int](
        value=PEN_PASSES[worst],
        rule="pen_passes_by_severity",
        reason=f"{PEN_PASSES[worst]} passes for the area's most severe concern ({worst})",
        unsourced=PEN_PASSES_UNSOURCED,
    )


def end_point(kb: KnowledgeBase) -> Explained[str]:
    """The clinical end-point that ends the passes over an area."""
    reference = kb.references.require(END_POINT_REF, "end_point")
    return Explained[str](
        value=END_POINT,
        rule="treatment_end_point",
        reason="needle until this end-point is reached evenly over the area",
        sources=cite(kb, [Citation(ref=reference.id, detail="treatment end-point")]),
    )
