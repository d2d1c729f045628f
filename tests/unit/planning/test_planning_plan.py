"""make_plan: refusals, session counts, interval, durations, timeline, aftercare, JSON."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from planning_factories import TODAY, cap, eligible, request
from pydantic import BaseModel

from microneedling.errors import InvalidInput, RequestRefused
from microneedling.knowledge import KnowledgeBase, UnknownEntry
from microneedling.planning import (
    Explained,
    PlanRequest,
    Provenance,
    TreatmentPlan,
    make_plan,
    sheet_for_session,
)
from microneedling.screening import Finding, Intake, ScreeningResult, SourceRef

CHEEKS = {"site": "cheeks", "concerns": [("fine_lines", "moderate"), ("acne_scars", "severe")]}
FOREHEAD = {"site": "forehead", "concerns": [("fine_lines", "mild")]}


@pytest.fixture
def plan(kb: KnowledgeBase) -> TreatmentPlan:
    return make_plan(request(CHEEKS, FOREHEAD), eligible(cap(1.2, ["cheeks"])), kb, TODAY)


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["deferred", "not_eligible", "incomplete"])
def test_refused_when_screening_does_not_allow_treatment(kb: KnowledgeBase, decision: str) -> None:
    finding = Finding(
        rule_id="pregnancy",
        rule_name="Pregnancy",
        kind="absolute" if decision == "not_eligible" else "temporary",
        reason="not during pregnancy",
        evidence="pregnant: yes",
        sources=[SourceRef(ref="guide2018", label="A 2018")],
    )
    result = ScreeningResult(
        decision=decision,
        screened_on=TODAY,
        ruleset_version="test",
        findings=[] if decision == "incomplete" else [finding],
    )
    with pytest.raises(RequestRefused) as err:
        make_plan(request(FOREHEAD), result, kb, TODAY)
    assert err.value.field == "intake"
    assert f"'{decision}'" in err.value.problem
    if decision != "incomplete":
        assert "not during pregnancy" in err.value.problem


def test_refused_when_start_date_is_in_the_past(kb: KnowledgeBase) -> None:
    req = request(FOREHEAD, start_date=TODAY - timedelta(days=1))
    with pytest.raises(RequestRefused) as err:
        make_plan(req, eligible(), kb, TODAY)
    assert err.value.field == "start_date"


def test_start_date_defaults_to_the_planning_day(kb: KnowledgeBase) -> None:
    plan = make_plan(request(FOREHEAD, start_date=None), eligible(), kb, TODAY)
    assert plan.sessions[0].date == TODAY
    assert plan.requested.start_date == TODAY


@pytest.mark.parametrize(
    ("area", "fields", "field"),
    [
        ({"site": "chin", "concerns": [("fine_lines", "mild")]}, {}, "areas.0.site"),
        (
            {"site": "forehead", "concerns": [("wrinkels", "mild")]},
            {},
            "areas.0.concerns.0.concern",
        ),
        (FOREHEAD, {"device": "pen_x"}, "device"),
        (FOREHEAD, {"cartridge": "7"}, "cartridge"),
    ],
)
def test_unknown_ids_name_their_field(
    kb: KnowledgeBase, area: dict[str, Any], fields: dict[str, Any], field: str
) -> None:
    req = request(area, **fields)
    if field == "areas.0.site":  # the intake lists the same (unknown) site; planning checks it
        req = req.model_copy(update={"intake": Intake(areas=["forehead"])})
    with pytest.raises(UnknownEntry) as err:
        make_plan(req, eligible(), kb, TODAY)
    assert err.value.field == field


def test_unknown_concern_suggests_close_ids(kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownEntry, match="did you mean fine_lines"):
        make_plan(
            request({"site": "forehead", "concerns": [("fine_line", "mild")]}),
            eligible(),
            kb,
            TODAY,
        )


def test_refused_when_a_concern_is_not_treated_at_the_site(kb: KnowledgeBase) -> None:
    with pytest.raises(RequestRefused) as err:
        make_plan(
            request({"site": "cheeks", "concerns": [("striae", "mild")]}), eligible(), kb, TODAY
        )
    assert err.value.field == "areas.0.concerns.0.concern"
    assert "thighs" in err.value.problem


def test_refused_when_the_site_was_not_screened(kb: KnowledgeBase) -> None:
    req = request(FOREHEAD).model_copy(update={"intake": Intake(areas=["cheeks"])})
    with pytest.raises(RequestRefused) as err:
        make_plan(req, eligible(), kb, TODAY)
    assert err.value.field == "areas.0.site"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cartridge": None}, "cartridge"),
        ({"device": "roller_05", "cartridge": "12"}, "cartridge"),
    ],
)
def test_cartridge_must_fit_the_device(
    kb: KnowledgeBase, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        make_plan(request(FOREHEAD, **fields), eligible(), kb, TODAY)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sessions": 6}, "sessions"),
        ({"sessions": 2}, "sessions"),
        ({"interval_weeks": 3}, "interval_weeks"),
        ({"interval_weeks": 7}, "interval_weeks"),
    ],
)
def test_overrides_outside_the_concerns_range_are_refused(
    kb: KnowledgeBase, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestRefused) as err:
        make_plan(request(CHEEKS, **fields), eligible(), kb, TODAY)
    assert err.value.field == field


def test_request_schema_rejects_repeated_sites_and_all_days_closed() -> None:
    base = request(FOREHEAD).model_dump()
    with pytest.raises(ValueError, match="listed twice"):
        PlanRequest.model_validate({**base, "areas": base["areas"] * 2})
    week = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    with pytest.raises(ValueError, match="every weekday is closed"):
        PlanRequest.model_validate({**base, "closed_weekdays": week})


# --- course --------------------------------------------------------------------------------


def test_sessions_are_the_most_any_concern_needs(plan: TreatmentPlan) -> None:
    cheeks, forehead = plan.areas
    assert [c.sessions.value for c in cheeks.concerns] == [4, 5]  # moderate 3-5, severe 3-5
    assert cheeks.sessions.value == 5
    assert cheeks.sessions.rule == "area_most_sessions"
    assert forehead.sessions.value == 3
    assert plan.session_count.value == 5
    assert plan.session_count.rule == "course_most_sessions"
    # An area stops once its own sessions are done.
    assert [len(s.areas) for s in plan.sessions] == [2, 2, 2, 1, 1]


def test_requested_sessions_within_range_apply_to_every_area(kb: KnowledgeBase) -> None:
    plan = make_plan(request(CHEEKS, FOREHEAD, sessions=4), eligible(), kb, TODAY)
    assert plan.session_count.value == 4
    assert plan.session_count.rule == "practitioner_request"
    assert all(len(s.areas) == 2 for s in plan.sessions)


def test_interval_is_the_longest_minimum_and_can_be_overridden(kb: KnowledgeBase) -> None:
    plan = make_plan(request(CHEEKS), eligible(), kb, TODAY)
    assert plan.interval_weeks.value == 4
    assert plan.interval_weeks.rule == "interval_longest_minimum"
    gaps = {(b.date - a.date).days for a, b in zip(plan.sessions, plan.sessions[1:], strict=False)}
    assert gaps == {28}
    longer = make_plan(request(CHEEKS, interval_weeks=6), eligible(), kb, TODAY)
    assert longer.interval_weeks.rule == "practitioner_request"
    assert longer.sessions[1].date == TODAY + timedelta(weeks=6)


def test_closed_dates_move_sessions_and_say_why(kb: KnowledgeBase) -> None:
    holiday = TODAY + timedelta(weeks=4)
    plan = make_plan(request(CHEEKS, closed_dates=[holiday]), eligible(), kb, TODAY)
    second = plan.sessions[1]
    assert second.scheduled_for == holiday
    assert second.date == holiday + timedelta(days=1)
    assert second.moves
    assert "clinic closed" in second.moves[0]
    assert second.date_rule.rule == "interval_after_previous"
    assert plan.sessions[0].moves == []


def test_passes_follow_the_most_severe_concern_unless_requested(kb: KnowledgeBase) -> None:
    plan = make_plan(request(CHEEKS, FOREHEAD), eligible(), kb, TODAY)
    assert [a.passes.value for a in plan.areas] == [4, 2]
    assert plan.areas[0].passes.unsourced  # no published pass count: said, not invented
    asked = make_plan(request({**FOREHEAD, "passes": 3}), eligible(), kb, TODAY)
    assert asked.areas[0].passes.value == 3
    assert asked.areas[0].passes.rule == "practitioner_request"
    assert plan.areas[0].end_point.sources[0].ref == "alster2018"


def test_durations_add_up_with_their_breakdown(plan: TreatmentPlan) -> None:
    first, last = plan.sessions[0].duration, plan.sessions[-1].duration
    assert first.total_minutes == 30 + 10 + (10 + 6) + 10
    assert [t.value for t in first.treatment_minutes] == [10, 6]
    assert last.total_minutes == 30 + 10 + 10 + 10
    assert first.anaesthetic_minutes.rule == "visit_anaesthetic"


def test_session_settings_come_from_the_areas(plan: TreatmentPlan) -> None:
    assert [(a.site, a.depth_mm, a.passes) for a in plan.sessions[0].areas] == [
        ("cheeks", 1.2, 4),
        ("forehead", 0.5, 2),
    ]
    assert plan.max_depth_mm == 1.2


def test_milestones_are_dated_from_their_sessions(plan: TreatmentPlan) -> None:
    first, last = plan.sessions[0].date, plan.sessions[-1].date
    by_kind = {m.kind: m for m in plan.milestones if m.kind != "glow"}
    assert (by_kind["first_results"].earliest, by_kind["first_results"].latest) == (
        first + timedelta(days=28),
        first + timedelta(days=32),
    )
    assert by_kind["full_effect"].earliest == last + timedelta(days=42)
    assert by_kind["full_effect"].session_number == 5
    assert sum(m.kind == "glow" for m in plan.milestones) == len(plan.sessions)


def test_maintenance_within_a_year_after_the_course(kb: KnowledgeBase, plan: TreatmentPlan) -> None:
    assert plan.sessions[-1].date == date(2027, 3, 23)  # 16 weeks after 2026-12-01
    assert plan.maintenance.interval_months.value == 6
    assert plan.maintenance.dates == [date(2027, 9, 23), date(2028, 3, 23)]
    striae = make_plan(
        request({"site": "thighs", "concerns": [("striae", "mild")]}), eligible(), kb, TODAY
    )
    assert striae.maintenance.interval_months.value == 3
    assert len(striae.maintenance.dates) == 4


def test_aftercare_sheet_has_days_precautions_warnings_and_contact(kb: KnowledgeBase) -> None:
    contact = {"name": "Riverside Skin Clinic", "phone": "+44 20 7946 0000"}
    plan = make_plan(request(FOREHEAD, contact=contact), eligible(cap(0.5)), kb, TODAY)
    sheet = plan.aftercare
    assert [d.day for d in sheet.days] == [0, 1, 2]
    assert [i.text for i in sheet.days[0].instructions] == [
        "No makeup today.",
        "No pools or saunas.",
    ]
    assert [i.text for i in sheet.days[2].instructions] == ["No pools or saunas."]
    assert [i.text for i in sheet.throughout_course] == ["Wear sunscreen."]
    assert sheet.precautions[0].measures == ["test patch first"]
    assert {w.action for w in sheet.warning_signs} == {"call_clinic", "urgent_care"}
    assert "Riverside Skin Clinic on +44 20 7946 0000" in sheet.whom_to_call
    later = sheet_for_session(plan, 2, kb)
    assert later.session_date == plan.sessions[1].date
    assert later.days[1].date == plan.sessions[1].date + timedelta(days=1)


def test_limited_response_is_noted(kb: KnowledgeBase) -> None:
    plan = make_plan(
        request({"site": "thighs", "concerns": [("striae", "mild")]}), eligible(), kb, TODAY
    )
    assert any("responds poorly" in n for n in plan.notes)


# --- the plan as a record ------------------------------------------------------------------


def test_json_round_trips(plan: TreatmentPlan) -> None:
    assert TreatmentPlan.model_validate_json(plan.model_dump_json()) == plan


def test_replanning_the_stored_request_reproduces_the_plan(
    kb: KnowledgeBase, plan: TreatmentPlan
) -> None:
    again = PlanRequest(**plan.requested.model_dump(), intake=request(CHEEKS, FOREHEAD).intake)
    assert make_plan(again, plan.screening, kb, TODAY) == plan


def _provenances(obj: object) -> list[Provenance]:
    found: list[Provenance] = []
    if isinstance(obj, Provenance):
        found.append(obj)
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += _provenances(getattr(obj, name))
    elif isinstance(obj, list):
        for item in obj:
            found += _provenances(item)
    return found


def test_every_number_says_which_rule_and_source(plan: TreatmentPlan) -> None:
    found = _provenances(plan)
    assert len(found) > 20
    assert all(p.rule and (p.sources or p.unsourced) for p in found)
    assert any(isinstance(p, Explained) for p in found)
    with pytest.raises(ValueError, match="give sources or say why"):
        Provenance(rule="x", reason="y")
