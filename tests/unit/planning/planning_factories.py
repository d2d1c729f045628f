"""A small knowledge base with round numbers, so each planning rule can be triggered on purpose.

It is built from the real schemas (the same validation as the packaged data); only the figures
are chosen for the tests. Property tests use the packaged knowledge base instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from microneedling.knowledge import (
    AftercareGuide,
    Catalogue,
    Concern,
    Contraindication,
    Device,
    KnowledgeBase,
    Reference,
    Site,
)
from microneedling.knowledge.anatomy import BodyMap
from microneedling.planning import PlanRequest
from microneedling.screening import Finding, Intake, ScreeningResult, SourceRef

TODAY = date(2026, 12, 1)  # a Tuesday
CITE = [{"ref": "guide2018", "detail": "test figure"}]
LAYERS = {
    "stratum_corneum_um": {"mean": 15, "sd": 3},
    "viable_epidermis_um": {"mean": 60, "sd": 10},
    "dermis_um": {"mean": 1500, "sd": 200},
}


def _site(site_id: str, low: float, high: float, minutes: float) -> Site:
    return Site.model_validate(
        {
            "id": site_id,
            "name": site_id.capitalize(),
            "region": "face" if site_id != "thighs" else "lower_limb",
            "layers": LAYERS,
            "typical_area_cm2": 100,
            "safe_depth_mm": {"low": low, "high": high},
            "treatment_minutes": minutes,
            "sources": CITE,
        }
    )


def _concern(concern_id: str, depth: tuple[float, float], **extra: Any) -> Concern:
    data: dict[str, Any] = {
        "id": concern_id,
        "name": concern_id.replace("_", " ").capitalize(),
        "category": "scar",
        "depth_mm": {"low": depth[0], "high": depth[1]},
        "sessions": {"low": 3, "high": 5},
        "interval_weeks": {"low": 4, "high": 6},
        "maintenance_months": {"low": 6, "high": 12},
        "response": "good",
        "scale": {"name": "test scale", "worst": 4, "best": 1},
        "expected_course": "improves over months",
        "sources": CITE,
    }
    data.update(extra)
    return Concern.model_validate(data)


def _pen(device_id: str, labelled_max: float, low: float = 0.25, high: float = 2.5) -> Device:
    return Device.model_validate(
        {
            "id": device_id,
            "name": device_id,
            "kind": "pen",
            "needle_material": "stainless_steel",
            "labelled_max_depth_mm": labelled_max,
            "needle_length_mm": {"low": low, "high": high},
            "stamp_rate_hz": {"low": 90, "high": 150},
            "cartridges": [{"id": "12", "needle_count": 12}, {"id": "36", "needle_count": 36}],
            "sources": CITE,
        }
    )


def _roller(device_id: str, length: float) -> Device:
    return Device.model_validate(
        {
            "id": device_id,
            "name": device_id,
            "kind": "roller",
            "needle_material": "stainless_steel",
            "labelled_max_depth_mm": length,
            "needle_length_mm": {"low": length, "high": length},
            "roller_needle_count": 192,
            "roller_rows": 8,
            "sources": CITE,
        }
    )


def build_kb() -> KnowledgeBase:
    references = [
        Reference(id=r, kind="review", authors="Author A, Author B", year=2018, title="t")
        for r in ("guide2018", "alster2018")
    ]
    aftercare = AftercareGuide.model_validate(
        {
            "visit": {
                "anaesthetic_minutes": 30,
                "preparation_minutes": 10,
                "aftercare_minutes": 10,
                "sources": CITE,
            },
            "instructions": [
                {
                    "id": "spf",
                    "name": "SPF",
                    "topic": "sunscreen",
                    "from_day": 0,
                    "text": "Wear sunscreen.",
                    "sources": CITE,
                },
                {
                    "id": "makeup",
                    "name": "Makeup",
                    "topic": "makeup",
                    "from_day": 0,
                    "until_day": 0,
                    "text": "No makeup today.",
                    "sources": CITE,
                },
                {
                    "id": "pools",
                    "name": "Pools",
                    "topic": "water",
                    "from_day": 0,
                    "until_day": 2,
                    "text": "No pools or saunas.",
                    "sources": CITE,
                },
            ],
            "warning_signs": [
                {
                    "id": "bleeding",
                    "name": "Bleeding",
                    "text": "Bleeding that goes on.",
                    "action": "call_clinic",
                    "sources": CITE,
                },
                {
                    "id": "fever",
                    "name": "Fever",
                    "text": "Fever and spreading redness.",
                    "action": "urgent_care",
                    "sources": CITE,
                },
            ],
            "milestones": [
                {
                    "id": "glow",
                    "name": "Glow",
                    "kind": "glow",
                    "anchor": "each_session",
                    "days": {"low": 0, "high": 14},
                    "text": "Glow.",
                    "sources": CITE,
                },
                {
                    "id": "first",
                    "name": "First results",
                    "kind": "first_results",
                    "anchor": "first_session",
                    "days": {"low": 28, "high": 32},
                    "text": "First results.",
                    "sources": CITE,
                },
                {
                    "id": "full",
                    "name": "Full effect",
                    "kind": "full_effect",
                    "anchor": "last_session",
                    "days": {"low": 42, "high": 56},
                    "text": "Full effect.",
                    "sources": CITE,
                },
            ],
        }
    )
    sites = [
        _site("periorbital", 0.25, 0.5, 5),
        _site("cheeks", 0.5, 1.5, 10),
        _site("forehead", 0.25, 1.0, 6),
        _site("thighs", 0.5, 2.5, 20),
    ]
    concerns = [
        _concern("fine_lines", (0.5, 1.0), category="ageing"),
        _concern("acne_scars", (1.0, 2.0), sites=["cheeks", "forehead"]),
        _concern(
            "striae",
            (1.5, 2.5),
            category="striae",
            sessions={"low": 4, "high": 6},
            interval_weeks={"low": 2, "high": 4},
            maintenance_months={"low": 3, "high": 6},
            sites=["thighs"],
            response="limited",
        ),
        _concern("superficial", (0.1, 0.2), category="texture"),
    ]
    devices = [
        _pen("pen", 2.5),
        _pen("pen_label_2", 2.0),
        _pen("pen_min_075", 2.5, low=0.75),
        _roller("roller_15", 1.5),
        _roller("roller_05", 0.5),
    ]
    return KnowledgeBase(
        references=Catalogue("reference", references),
        sites=Catalogue("site", sites),
        concerns=Catalogue("concern", concerns),
        contraindications=Catalogue[Contraindication]("contraindication", []),
        devices=Catalogue("device", devices),
        aftercare=aftercare,
        anatomy=BodyMap({s.id: s for s in sites}),
    )


def eligible(*findings: Finding) -> ScreeningResult:
    decision = "eligible_with_precautions" if findings else "eligible"
    return ScreeningResult(
        decision=decision, screened_on=TODAY, ruleset_version="test", findings=list(findings)
    )


def cap(max_mm: float, sites: list[str] | None = None, rule: str = "fitzpatrick") -> Finding:
    """A precaution that caps the needle depth (as screening reports one)."""
    return Finding(
        rule_id=rule,
        rule_name=f"{rule} precaution",
        kind="precaution",
        reason="conservative depth",
        evidence="from the intake",
        sources=[SourceRef(ref="guide2018", label="Author A et al. 2018")],
        measures=["test patch first"],
        max_depth_mm=max_mm,
        sites=sites,
    )


def request(*areas: dict[str, Any], **fields: Any) -> PlanRequest:
    """A plan request for ``areas`` (site, concerns as (id, severity) pairs, extras)."""
    area_list = [
        {
            **{k: v for k, v in a.items() if k != "concerns"},
            "concerns": [{"concern": c, "severity": s} for c, s in a["concerns"]],
        }
        for a in areas
    ]
    data: dict[str, Any] = {
        "intake": Intake(
            age_years=42, sex="female", fitzpatrick_type=3, areas=[a["site"] for a in areas]
        ),
        "areas": area_list,
        "device": "pen",
        "cartridge": "12",
        "start_date": TODAY,
    }
    data.update(fields)
    return PlanRequest.model_validate(data)
