"""The planner: an eligible screening and a request become an explained treatment plan.

:func:`make_plan` is pure: it reads only the knowledge base it is given (or the packaged one)
and the ``today`` it is given. Rules run in the order docs/planning.md lists them; every number
in the result names the rule that set it.
"""

from __future__ import annotations

from datetime import date

from microneedling.errors import InvalidInput, RequestRefused
from microneedling.knowledge import (
    Cartridge,
    Concern,
    Device,
    KnowledgeBase,
    UnknownEntry,
    load_knowledge,
)
from microneedling.planning import course
from microneedling.planning.aftercare_sheet import aftercare_sheet
from microneedling.planning.depth import concern_depth, requested_depth
from microneedling.planning.explained import Explained, Provenance
from microneedling.planning.materials import refuse_allergenic_device, unknown_holder_note
from microneedling.planning.milestones import maintenance, milestones
from microneedling.planning.request import AreaRequest, PlanRequest
from microneedling.planning.schedule import ClinicCalendar, session_dates
from microneedling.planning.treatment_plan import (
    AreaPlan,
    ConcernPlan,
    PlanDevice,
    PlanPatient,
    SessionArea,
    SessionPlan,
    TreatmentPlan,
)
from microneedling.planning.visit import session_duration, site_minutes
from microneedling.screening.result import ScreeningResult, cite


def _refuse_unless_treatable(screening: ScreeningResult) -> None:
    if screening.may_treat:
        return
    reasons = [f"{f.rule_name}: {f.reason}" for f in screening.findings if f.kind != "precaution"]
    reasons += [f"unanswered: {m.question}" for m in screening.missing]
    detail = "; ".join(reasons) or "no reason recorded"
    until = f" until {screening.deferred_until.isoformat()}" if screening.deferred_until else ""
    raise RequestRefused(
        "intake",
        f"screening decision is '{screening.decision}'{until}, so no plan can be made ({detail})",
    )


def _cartridge(device: Device, cartridge_id: str | None) -> Cartridge | None:
    if device.kind == "roller":
        if cartridge_id is not None:
            raise InvalidInput("cartridge", f"{device.name} is a roller and takes no cartridge")
        return None
    known = ", ".join(c.id for c in device.cartridges)
    if cartridge_id is None:
        raise InvalidInput("cartridge", f"{device.name} is a pen and needs one of: {known}")
    try:
        return device.cartridge(cartridge_id)
    except KeyError:
        raise UnknownEntry(
            "cartridge", f"{device.name} has no cartridge '{cartridge_id}' (known: {known})"
        ) from None


def _plan_device(kb: KnowledgeBase, device: Device, cartridge: Cartridge | None) -> PlanDevice:
    return PlanDevice(
        id=device.id,
        name=device.name,
        kind=device.kind,
        cartridge=cartridge.id if cartridge else None,
        needle_count=cartridge.needle_count if cartridge else device.roller_needle_count,
        needle_length_min_mm=device.needle_length_mm.low,
        needle_length_max_mm=device.max_needle_length_mm,
        labelled_max_depth_mm=device.labelled_max_depth_mm,
        sources=cite(kb, device.sources),
    )


def _plan_area(
    kb: KnowledgeBase,
    index: int,
    area: AreaRequest,
    request: PlanRequest,
    screening: ScreeningResult,
    device: Device,
) -> tuple[AreaPlan, list[Concern]]:
    field = f"areas.{index}"
    site = kb.sites.require(area.site, f"{field}.site")
    wanted = request.intake.areas
    if wanted is not None and site.id not in wanted:
        raise RequestRefused(
            f"{field}.site",
            f"'{site.id}' is not among the intake's areas ({', '.join(wanted) or 'none'}), so "
            f"screening did not examine it; add it to the intake and screen again",
        )
    concerns: list[Concern] = []
    plans: list[ConcernPlan] = []
    for j, wish in enumerate(area.concerns):
        concern = kb.concerns.require(wish.concern, f"{field}.concerns.{j}.concern")
        if concern.sites is not None and site.id not in concern.sites:
            raise RequestRefused(
                f"{field}.concerns.{j}.concern",
                f"{concern.name.lower()} is not treated at the site {site.name} "
                f"(treated at: {', '.join(concern.sites)})",
            )
        concerns.append(concern)
        plans.append(
            ConcernPlan(
                concern=concern.id,
                name=concern.name,
                severity=wish.severity,
                response=concern.response,
                scale=concern.scale.name,
                depth=concern_depth(
                    kb,
                    site=site,
                    concern=concern,
                    severity=wish.severity,
                    device=device,
                    screening=screening,
                    field="device",
                ),
                sessions=course.concern_sessions(kb, concern, wish.severity),
                maintenance_months=course.maintenance_months(kb, concern),
                expected_course=concern.expected_course,
            )
        )
    if area.depth_mm is not None:
        depth = requested_depth(
            requested_mm=area.depth_mm,
            site=site,
            device=device,
            screening=screening,
            field=f"{field}.depth_mm",
        )
    else:
        # One needle length per area: the deepest its concerns need, every limit already applied.
        depth = max((p.depth for p in plans), key=lambda d: d.value_mm)
    if request.sessions is not None:
        sessions = course.requested_sessions(kb, request.sessions, concerns, "sessions")
    else:
        sessions = course.most_sessions(
            [(p.name.lower(), p.sessions) for p in plans], "area_most_sessions"
        )
    plan = AreaPlan(
        site=site.id,
        name=site.name,
        region=site.region,
        area_cm2=site.typical_area_cm2,
        concerns=plans,
        depth=depth,
        passes=course.passes(kb, device, [p.severity for p in plans], area.passes),
        end_point=course.end_point(kb),
        sessions=sessions,
        treatment_minutes=site_minutes(kb, site),
    )
    return plan, concerns


def _shortest_maintenance(areas: list[AreaPlan]) -> Explained[int]:
    chosen = min((c for a in areas for c in a.concerns), key=lambda c: c.maintenance_months.value)
    months = chosen.maintenance_months
    return Explained[int](
        value=months.value,
        rule="maintenance_shortest",
        reason=f"every {months.value} months: the shortest maintenance interval among the "
        f"planned concerns ({chosen.name.lower()})",
        sources=months.sources,
    )


def _notes(areas: list[AreaPlan], screening: ScreeningResult, today: date) -> list[str]:
    notes: list[str] = []
    for area in areas:
        for c in area.concerns:
            if c.response == "limited":
                notes.append(
                    f"{c.name} at the {area.name.lower()} responds poorly to microneedling "
                    f"alone; set expectations accordingly."
                )
    if screening.screened_on != today:
        notes.append(
            f"Screening is from {screening.screened_on.isoformat()}; confirm nothing has "
            f"changed at the first visit."
        )
    return notes


def make_plan(
    request: PlanRequest,
    screening: ScreeningResult,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
) -> TreatmentPlan:
    """Plan a course for an eligible patient, or raise :class:`RequestRefused` saying why not.

    Unknown ids raise :class:`~microneedling.knowledge.UnknownEntry` naming the request field.
    """
    kb = kb or load_knowledge()
    today = today or date.today()
    _refuse_unless_treatable(screening)
    start = request.start_date or today
    if start < today:
        raise RequestRefused(
            "start_date", f"{start.isoformat()} is in the past (today is {today.isoformat()})"
        )
    device = kb.devices.require(request.device, "device")
    refuse_allergenic_device(kb, device, request.intake)
    cartridge = _cartridge(device, request.cartridge)

    areas: list[AreaPlan] = []
    concerns: dict[str, Concern] = {}
    for index, wish in enumerate(request.areas):
        area, area_concerns = _plan_area(kb, index, wish, request, screening, device)
        areas.append(area)
        concerns.update((c.id, c) for c in area_concerns)

    if request.sessions is not None:
        count = course.requested_sessions(kb, request.sessions, list(concerns.values()), "sessions")
    else:
        count = course.most_sessions(
            [(a.name.lower(), a.sessions) for a in areas], "course_most_sessions"
        )
    interval = course.interval_weeks(
        kb, list(concerns.values()), request.interval_weeks, "interval_weeks"
    )
    calendar = ClinicCalendar(
        closed_dates=frozenset(request.closed_dates),
        closed_weekdays=frozenset(request.closed_weekdays),
        preferred_weekday=request.preferred_weekday,
    )
    booked = session_dates(start, count.value, interval.value, calendar)

    sessions: list[SessionPlan] = []
    for number, slot in enumerate(booked, start=1):
        treated = [a for a in areas if number <= a.sessions.value]
        if number == 1:
            rule = Provenance(
                rule="start_date",
                reason=f"first open day on or after the start date {start.isoformat()}"
                + ("" if request.start_date else " (none requested: the planning day)"),
                unsourced="the start date the practitioner asked for, or the planning day",
            )
        else:
            rule = Provenance(
                rule="interval_after_previous",
                reason=f"{interval.value} weeks after session {number - 1} "
                f"({booked[number - 2].date.isoformat()})",
                sources=interval.sources,
                unsourced=interval.unsourced,
            )
        sessions.append(
            SessionPlan(
                number=number,
                date=slot.date,
                scheduled_for=slot.scheduled_for,
                date_rule=rule,
                moves=slot.moves,
                areas=[
                    SessionArea(site=a.site, depth_mm=a.depth.value_mm, passes=a.passes.value)
                    for a in treated
                ],
                duration=session_duration(kb, [kb.sites[a.site] for a in treated]),
            )
        )

    dates = [s.date for s in sessions]
    return TreatmentPlan(
        ruleset_version=kb.ruleset_version,
        planned_on=today,
        screening=screening,
        patient=PlanPatient(
            age_years=request.intake.age_on(today),
            sex=request.intake.sex,
            fitzpatrick_type=request.intake.fitzpatrick_type,
        ),
        device=_plan_device(kb, device, cartridge),
        areas=areas,
        session_count=count,
        interval_weeks=interval,
        sessions=sessions,
        milestones=milestones(kb, dates),
        maintenance=maintenance(_shortest_maintenance(areas), dates[-1], calendar),
        aftercare=aftercare_sheet(
            kb,
            session_number=1,
            session_date=dates[0],
            screening=screening,
            contact=request.contact,
        ),
        requested=request.course(start_date=start),
        notes=_notes(areas, screening, today)
        + [n for n in [unknown_holder_note(device, request.intake)] if n],
    )
