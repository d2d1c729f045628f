"""The intake as a browser form: field names, and the form turned into the core's Intake.

Each list of answers (conditions, medications, procedures, allergies, examination) has an
"asked" box. Ticked with nothing marked means "asked, and the answer is no" (an empty list);
nothing ticked and nothing marked means "not asked yet" (None), which screening reports as a
question still to ask. That keeps the core's distinction between *no* and *not asked*.

Errors from the core name fields by position (``medications.0.stopped_on``); :class:`ParsedIntake`
maps them back to the form's own names (``medication.isotretinoin.stopped_on``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from microneedling.errors import InvalidInput
from microneedling.knowledge.contraindications import (
    ALLERGY_CLASSES,
    ALLERGY_CODES,
    CONDITION_CODES,
    MEDICATION_CLASSES,
    PROCEDURE_KINDS,
    SKIN_FINDING_CODES,
)
from microneedling.screening import Intake
from microneedling.web.pages._forms import field_errors, text, tri, values

#: Rows the form offers for examination findings.
FINDING_ROWS = 4
#: Rows the form offers for allergies outside the list (in the patient's words).
OTHER_ALLERGY_ROWS = 2

#: Names shown for the core's codes, where the code itself does not read well.
LABELS: dict[str, str] = {
    "keloid_tendency": "keloids or abnormal scarring",
    "collagen_vascular_disease": "collagen vascular (autoimmune connective tissue) disease",
    "diabetes_uncontrolled": "diabetes, not controlled",
    "herpes_simplex": "cold sores (herpes simplex)",
    "cancer_under_treatment": "cancer under treatment",
    "photosensitising": "photosensitising drug",
    "topical_retinoid": "topical retinoid",
    "antiviral_prophylaxis": "antiviral to prevent cold sores",
    "naevus": "mole (naevus), raised or changing",
    "recent_scar": "scar younger than 12 months",
}


def label(code: str) -> str:
    return LABELS.get(code, code.replace("_", " "))


@dataclass
class ParsedIntake:
    """The form read as an Intake, or the errors keyed by the form's field names."""

    intake: Intake | None
    errors: dict[str, str] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)

    def errors_from(self, exc: ValidationError | InvalidInput) -> dict[str, str]:
        """A later error (dates, sites, screening) keyed by the form's field names."""
        return field_errors(exc, rename=self.rename)


def _asked(form: FormData, name: str, marked: list[Any]) -> list[Any] | None:
    return marked if marked or tri(form, name) else None


def read_intake(form: FormData) -> ParsedIntake:
    """Build the core's Intake from a posted intake form."""
    rename: dict[str, str] = {}
    areas = values(form, "areas")
    data: dict[str, Any] = {
        "date_of_birth": text(form, "date_of_birth"),
        "age_years": text(form, "age_years"),
        "sex": text(form, "sex"),
        "pregnant": tri(form, "pregnant"),
        "breastfeeding": tri(form, "breastfeeding"),
        "fitzpatrick_type": text(form, "fitzpatrick_type"),
        "areas": areas or None,
    }
    for i in range(len(areas)):
        rename[f"areas.{i}"] = "areas"

    conditions: list[dict[str, Any]] = []
    for code in CONDITION_CODES:
        state = text(form, f"condition.{code}")
        if state in ("now", "past"):
            rename[f"conditions.{len(conditions)}"] = f"condition.{code}"
            in_area = text(form, f"condition.{code}.in_area") == "yes"
            conditions.append(
                {"code": code, "current": state == "now", "sites": areas if in_area else []}
            )
    data["conditions"] = _asked(form, "conditions_asked", conditions)

    medications: list[dict[str, Any]] = []
    for code in MEDICATION_CLASSES:
        state = text(form, f"medication.{code}")
        if state in ("taking", "stopped"):
            i = len(medications)
            rename[f"medications.{i}"] = f"medication.{code}"
            rename[f"medications.{i}.stopped_on"] = f"medication.{code}.stopped_on"
            stopped = text(form, f"medication.{code}.stopped_on")
            if state == "stopped" and stopped is None:
                return ParsedIntake(
                    None, {f"medication.{code}.stopped_on": "Please give the date it was stopped."}
                )
            medications.append(
                {"code": code, "stopped_on": stopped if state == "stopped" else None}
            )
    data["medications"] = _asked(form, "medications_asked", medications)

    procedures: list[dict[str, Any]] = []
    for kind in PROCEDURE_KINDS:
        if text(form, f"procedure.{kind}") == "yes":
            i = len(procedures)
            rename[f"procedures.{i}"] = f"procedure.{kind}"
            rename[f"procedures.{i}.performed_on"] = f"procedure.{kind}.performed_on"
            in_area = text(form, f"procedure.{kind}.in_area") == "yes"
            procedures.append(
                {
                    "kind": kind,
                    "performed_on": text(form, f"procedure.{kind}.performed_on"),
                    "sites": areas if in_area else [],
                }
            )
    data["procedures"] = _asked(form, "procedures_asked", procedures)

    allergies = [a for a in values(form, "allergies") if a in ALLERGY_CODES]
    data["allergies"] = _asked(form, "allergies_asked", allergies)
    others: list[dict[str, Any]] = []
    for row in range(OTHER_ALLERGY_ROWS):
        words = text(form, f"other_allergy.{row}.description")
        chosen = text(form, f"other_allergy.{row}.classified_as")
        if words is None and chosen is None:
            continue
        i = len(others)
        for part in ("description", "classified_as"):
            rename[f"other_allergies.{i}.{part}"] = f"other_allergy.{row}.{part}"
        rename[f"other_allergies.{i}"] = f"other_allergy.{row}.description"
        if words is None:
            return ParsedIntake(
                None,
                {f"other_allergy.{row}.description": "Please describe the allergy."},
            )
        others.append({"description": words, "classified_as": chosen})
    if others:
        data["other_allergies"] = others

    findings: list[dict[str, Any]] = []
    for row in range(FINDING_ROWS):
        where = text(form, f"finding.{row}.site")
        seen = text(form, f"finding.{row}.finding")
        if where is None and seen is None:
            continue
        i = len(findings)
        for part in ("site", "finding", "since"):
            rename[f"skin_findings.{i}.{part}"] = f"finding.{row}.{part}"
        rename[f"skin_findings.{i}"] = f"finding.{row}.finding"
        if where is None or seen is None:
            missing = "site" if where is None else "finding"
            return ParsedIntake(
                None, {f"finding.{row}.{missing}": "Please give both the area and the finding."}
            )
        since = text(form, f"finding.{row}.since")
        findings.append({"site": where, "finding": seen, "since": since})
    data["skin_findings"] = _asked(form, "skin_findings_asked", findings)

    try:
        intake = Intake.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        return ParsedIntake(None, field_errors(exc, rename=rename), rename)
    return ParsedIntake(intake, {}, rename)


def intake_as_form(intake: Intake) -> tuple[dict[str, str], dict[str, list[str]]]:
    """An Intake back as form values (single fields, multi-valued fields), to edit it again."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {"areas": list(intake.areas or []), "allergies": []}
    for name in ("date_of_birth", "age_years", "sex", "fitzpatrick_type"):
        value = getattr(intake, name)
        single[name] = "" if value is None else str(value)
    for name in ("pregnant", "breastfeeding"):
        value = getattr(intake, name)
        single[name] = "" if value is None else ("yes" if value else "no")
    if intake.conditions is not None:
        single["conditions_asked"] = "yes"
        for c in intake.conditions:
            single[f"condition.{c.code}"] = "now" if c.current else "past"
            if c.sites:
                single[f"condition.{c.code}.in_area"] = "yes"
    if intake.medications is not None:
        single["medications_asked"] = "yes"
        for m in intake.medications:
            single[f"medication.{m.code}"] = "stopped" if m.stopped_on else "taking"
            single[f"medication.{m.code}.stopped_on"] = str(m.stopped_on or "")
    if intake.procedures is not None:
        single["procedures_asked"] = "yes"
        for p in intake.procedures:
            single[f"procedure.{p.kind}"] = "yes"
            single[f"procedure.{p.kind}.performed_on"] = str(p.performed_on or "")
            if p.sites:
                single[f"procedure.{p.kind}.in_area"] = "yes"
    if intake.allergies is not None:
        single["allergies_asked"] = "yes"
        multi["allergies"] = list(intake.allergies)
    for row, other in enumerate((intake.other_allergies or [])[:OTHER_ALLERGY_ROWS]):
        single[f"other_allergy.{row}.description"] = other.description
        single[f"other_allergy.{row}.classified_as"] = other.classified_as or ""
    if intake.skin_findings is not None:
        single["skin_findings_asked"] = "yes"
        for row, f in enumerate(intake.skin_findings[:FINDING_ROWS]):
            single[f"finding.{row}.site"] = f.site
            single[f"finding.{row}.finding"] = f.finding
            single[f"finding.{row}.since"] = str(f.since or "")
    return single, multi


def multi_values(form: FormData) -> dict[str, list[str]]:
    return {"areas": values(form, "areas"), "allergies": values(form, "allergies")}


CHOICES = {
    "conditions": [(c, label(c)) for c in CONDITION_CODES],
    "medications": [(c, label(c)) for c in MEDICATION_CLASSES],
    "procedures": [(c, label(c)) for c in PROCEDURE_KINDS],
    "allergies": [(c, label(c)) for c in ALLERGY_CODES],
    "allergy_classes": [(c, label(c)) for c in ALLERGY_CLASSES],
    "findings": [(c, label(c)) for c in SKIN_FINDING_CODES],
}
