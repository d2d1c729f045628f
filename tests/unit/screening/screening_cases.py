"""Hand-written intakes for every screening rule: one that fires it, and near misses that don't.

Screened on ``TODAY``. ``BASELINE`` is a fully answered intake that fires nothing; each case is
a patch over it. Every rule in contraindications.yaml must have a case here (a test checks).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from microneedling.screening import Intake

TODAY = date(2026, 11, 21)

BASELINE: dict[str, Any] = {
    "date_of_birth": "1980-01-01",
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "fitzpatrick_type": 2,
    "areas": ["cheeks", "forehead"],
    "conditions": [],
    "medications": [],
    "procedures": [],
    "allergies": [],
    "skin_findings": [],
}


def intake(**patch: Any) -> Intake:
    return Intake.model_validate({**BASELINE, **patch})


def _cond(code: str, **kw: Any) -> dict[str, Any]:
    return {"conditions": [{"code": code, **kw}]}


def _med(code: str, stopped_on: str | None = None) -> dict[str, Any]:
    return {"medications": [{"code": code, "stopped_on": stopped_on}]}


def _proc(kind: str, on: str, sites: list[str]) -> dict[str, Any]:
    return {"procedures": [{"kind": kind, "performed_on": on, "sites": sites}]}


def _seen(finding: str, site: str = "cheeks", since: str | None = None) -> dict[str, Any]:
    return {"skin_findings": [{"site": site, "finding": finding, "since": since}]}


#: rule id -> intake patch that fires it.
CASES: dict[str, dict[str, Any]] = {
    "pregnancy": {"pregnant": True},
    "breastfeeding": {"breastfeeding": True},
    "keloid_tendency": _cond("keloid_tendency", current=False),
    "keloid_in_area": _seen("keloid"),
    "collagen_vascular_disease": _cond("collagen_vascular_disease"),
    "immunosuppression": _cond("immunosuppression"),
    "bleeding_disorder": _cond("bleeding_disorder"),
    "diabetes_uncontrolled": _cond("diabetes_uncontrolled"),
    "cancer_under_treatment": _cond("cancer_under_treatment"),
    "skin_cancer_in_area": _seen("suspected_skin_cancer", "forehead"),
    "under_18": {"date_of_birth": "2010-05-01"},
    "active_acne": _seen("active_acne"),
    "cold_sore": _seen("cold_sore", "perioral"),
    "open_wound_in_area": _seen("irritated_skin", "forehead"),
    "sunburn_in_area": _seen("sunburn"),
    "infection_seen": _seen("infection", "legs"),
    "suspected_skin_cancer_elsewhere": _seen("suspected_skin_cancer", "back"),
    "koebner_prone_condition": _cond("vitiligo", current=False, sites=["hands"]),
    "skin_infection": _cond("skin_infection", sites=["legs"]),
    "systemic_infection": _cond("systemic_infection"),
    "inflammatory_dermatosis_in_area": _cond("eczema", sites=["cheeks", "arms"]),
    "rosacea_active": _cond("rosacea", sites=["cheeks"]),
    "wart_in_area": _seen("wart", "forehead"),
    "recent_scar_in_area": _seen("recent_scar", since="2026-09-01"),
    "isotretinoin_current": _med("isotretinoin"),
    "immunosuppressive_treatment": _med("systemic_steroid", "2026-11-10"),
    "radiotherapy_recent": _proc("radiotherapy", "2026-11-01", ["chest"]),
    "surgery_in_area": _proc("surgery", "2026-03-01", ["cheeks"]),
    "filler_in_area": _proc("dermal_filler", "2026-08-01", ["cheeks"]),
    "botulinum_toxin_in_area": _proc("botulinum_toxin", "2026-11-15", ["forehead"]),
    "resurfacing_in_area": _proc("chemical_peel", "2026-10-01", ["cheeks"]),
    "microneedling_interval": _proc("microneedling", "2026-11-01", ["cheeks", "neck"]),
    "herpes_simplex_history": _cond("herpes_simplex", current=False),
    "fitzpatrick_iv_vi": {"fitzpatrick_type": 5},
    "isotretinoin_recent": _med("isotretinoin", "2026-08-01"),
    "anticoagulant": _med("antiplatelet"),
    "anaesthetic_allergy": {"allergies": ["benzocaine"]},
    "metal_allergy": {"allergies": ["nickel"]},
    "antiseptic_or_latex_allergy": {"allergies": ["povidone_iodine"]},
    "naevus_in_area": _seen("naevus"),
    "solar_keratosis_in_area": _seen("solar_keratosis", "forehead"),
    "photosensitising_medication": _med("photosensitising"),
    "topical_retinoid": _med("topical_retinoid"),
    "irradiated_area": _proc("radiotherapy", "2019-01-01", ["cheeks"]),
    "age_18_to_21": {"date_of_birth": "2006-01-01"},
}

#: rule id -> patches close to the trigger that must NOT fire it (other area, outside the
#: window, past rather than current, the day the window closes).
NEAR_MISSES: dict[str, list[dict[str, Any]]] = {
    "keloid_in_area": [_seen("keloid", "back")],
    "skin_cancer_in_area": [_seen("suspected_skin_cancer", "legs")],
    "under_18": [{"date_of_birth": "2008-11-21"}, {"age_years": 18, "date_of_birth": None}],
    "active_acne": [_seen("active_acne", "back")],
    "open_wound_in_area": [_seen("open_wound", "legs")],
    "sunburn_in_area": [_seen("sunburn", "arms")],
    "infection_seen": [_seen("wart", "legs")],
    "suspected_skin_cancer_elsewhere": [_seen("naevus", "back")],
    "koebner_prone_condition": [_cond("eczema", sites=["hands"]), _cond("rosacea")],
    "skin_infection": [_cond("skin_infection", current=False)],
    "inflammatory_dermatosis_in_area": [
        _cond("psoriasis", sites=["arms"]),
        _cond("lichen_planus", sites=["legs"]),
        _cond("vitiligo", current=False, sites=["cheeks"]),
        _cond("eczema", current=False, sites=["cheeks"]),
    ],
    "rosacea_active": [_cond("rosacea", current=False, sites=["cheeks"])],
    "wart_in_area": [_seen("wart", "hands")],
    "recent_scar_in_area": [
        _seen("recent_scar", since="2025-11-01"),
        _seen("recent_scar", since="2025-11-21"),  # 365 days: the window has just closed
        _seen("recent_scar", "back", since="2026-09-01"),
    ],
    "isotretinoin_current": [_med("isotretinoin", "2026-10-01")],
    "immunosuppressive_treatment": [_med("systemic_steroid", "2026-10-24")],
    "radiotherapy_recent": [_proc("radiotherapy", "2026-10-20", ["chest"])],
    "surgery_in_area": [
        _proc("surgery", "2025-11-01", ["cheeks"]),
        _proc("surgery", "2026-06-01", ["abdomen"]),
    ],
    "filler_in_area": [
        _proc("dermal_filler", "2025-11-01", ["cheeks"]),
        _proc("dermal_filler", "2025-11-21", ["cheeks"]),  # 365 days: the window has just closed
    ],
    "botulinum_toxin_in_area": [
        _proc("botulinum_toxin", "2026-05-22", ["forehead"]),  # exactly 183 days ago
        _proc("botulinum_toxin", "2026-11-15", ["neck"]),
    ],
    "resurfacing_in_area": [_proc("laser_resurfacing", "2026-08-01", ["cheeks"])],
    "microneedling_interval": [_proc("microneedling", "2026-10-20", ["cheeks"])],
    "fitzpatrick_iv_vi": [{"fitzpatrick_type": 3}],
    "isotretinoin_recent": [_med("isotretinoin", "2026-05-01")],
    "anticoagulant": [_med("antiplatelet", "2026-11-01")],
    "anaesthetic_allergy": [{"allergies": ["latex"]}],
    "metal_allergy": [{"allergies": ["chlorhexidine"]}],
    "antiseptic_or_latex_allergy": [{"allergies": ["gold"]}, {"allergies": ["lidocaine"]}],
    "naevus_in_area": [_seen("naevus", "back")],
    "irradiated_area": [_proc("radiotherapy", "2019-01-01", ["chest"])],
    "age_18_to_21": [{"date_of_birth": "2004-11-21"}],
    "pregnancy": [{"sex": "male", "pregnant": None, "breastfeeding": None}],
}
