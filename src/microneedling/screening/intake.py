"""The intake: what a patient tells the clinic, and what the practitioner sees, before treatment.

Every answer that matters to a screening rule is Optional. ``None`` means *not asked yet*;
``False`` or an empty list means *asked, and the answer is no*. Screening never calls a patient
eligible while an answer a rule needs is still ``None``.

Codes (conditions, medication classes, procedures, allergies, skin findings) come from the
vocabulary in :mod:`microneedling.knowledge.contraindications`; site ids come from the
knowledge base's sites and are checked when the intake is screened. Dates of past events may
not lie after the day of screening (checked by :meth:`Intake.check_dates`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from microneedling.errors import InvalidInput
from microneedling.knowledge.base import EntryId
from microneedling.knowledge.contraindications import (
    AllergyClass,
    AllergyCode,
    ConditionCode,
    MedicationClass,
    ProcedureKind,
    SkinFindingCode,
)

Sex = Literal["female", "male"]
FitzpatrickType = Annotated[int, Field(ge=1, le=6)]
SiteId = EntryId


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class ConditionRecord(_Answer):
    """A medical condition the patient has now (``current``) or has had."""

    code: ConditionCode
    current: bool = Field(
        default=True, description="true: has it now; false: had it in the past (history)"
    )
    sites: list[SiteId] | None = Field(
        default=None,
        description="sites it affects, when that matters (psoriasis, eczema...); null: not asked",
    )
    note: str | None = None


class MedicationRecord(_Answer):
    """A medication class taken now (no ``stopped_on``) or in the past."""

    code: MedicationClass
    name: str | None = Field(default=None, description="the product, for the record")
    started_on: date | None = None
    stopped_on: date | None = Field(default=None, description="null: still taking it")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.started_on and self.stopped_on and self.stopped_on < self.started_on:
            raise ValueError("stopped_on is before started_on")
        return self


class ProcedureRecord(_Answer):
    """A procedure the patient has had: what, when, and where on the body."""

    kind: ProcedureKind
    performed_on: date | None = Field(default=None, description="null: date not known yet")
    sites: list[SiteId] | None = Field(default=None, description="sites treated; null: not asked")
    note: str | None = None


class SkinFinding(_Answer):
    """Something the practitioner sees at a site on examination."""

    site: SiteId
    finding: SkinFindingCode
    since: date | None = Field(default=None, description="when it began (needed for a scar's age)")
    note: str | None = None


class OtherAllergy(_Answer):
    """An allergy outside the list, in the patient's words, until a clinician classifies it.

    ``classified_as`` is one of the allergy codes (the screening rules then read it as that
    code) or ``unrelated``; while it is null the screening cannot be complete.
    """

    description: str = Field(min_length=1, max_length=200, description="in the patient's words")
    classified_as: AllergyClass | None = Field(
        default=None, description="an allergy code, or 'unrelated'; null: not classified yet"
    )

    @field_validator("description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("describe the allergy (it is blank)")
        return value.strip()


class Intake(_Answer):
    """One patient's answers and examination, as the screening rules read them.

    ``areas`` are the sites the patient wants treated; rules about "the treated area" need them.
    ``skin_findings`` is the examination: an empty list means examined, nothing found.
    """

    # The rules of ``_age_consistent`` and ``_not_for_men``, published in the JSON Schema.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "anyOf": [
                        {"properties": {"date_of_birth": {"type": "null"}}},
                        {"properties": {"age_years": {"type": "null"}}},
                    ]
                },
                {
                    "anyOf": [
                        {"properties": {"sex": {"not": {"const": "male"}}}},
                        {
                            "properties": {
                                "pregnant": {"not": {"const": True}},
                                "breastfeeding": {"not": {"const": True}},
                            }
                        },
                    ]
                },
            ]
        }
    )

    date_of_birth: date | None = None
    age_years: int | None = Field(default=None, ge=0, le=120, description="if no date of birth")
    sex: Sex | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    fitzpatrick_type: FitzpatrickType | None = Field(
        default=None, description="Fitzpatrick skin phototype, 1 (always burns) to 6"
    )
    areas: list[SiteId] | None = Field(default=None, description="sites to be treated")
    conditions: list[ConditionRecord] | None = None
    medications: list[MedicationRecord] | None = None
    procedures: list[ProcedureRecord] | None = None
    allergies: list[AllergyCode] | None = None
    other_allergies: list[OtherAllergy] | None = Field(
        default=None, description="allergies outside the list, each classified by a clinician"
    )
    skin_findings: list[SkinFinding] | None = Field(
        default=None, description="examination at each area; [] means examined, nothing found"
    )

    @field_validator("pregnant", "breastfeeding")
    @classmethod
    def _not_for_men(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        # Screening does not ask men these questions (applies_to_sex), so a "yes" beside
        # sex "male" would be dropped silently and switch the rule off: refuse it instead.
        if value is True and info.data.get("sex") == "male":
            raise ValueError(
                f"is 'yes' but sex is 'male'; correct the sex or the {info.field_name} answer"
            )
        return value

    @model_validator(mode="after")
    def _age_consistent(self) -> Self:
        if self.age_years is not None and self.date_of_birth is not None:
            raise ValueError("give date_of_birth or age_years, not both")
        return self

    def allergy_codes(self) -> list[str] | None:
        """Listed allergies plus classified other ones, as codes (None: not asked)."""
        if self.allergies is None:
            return None
        classified = [a.classified_as for a in self.other_allergies or []]
        extra = [c for c in classified if c is not None and c != "unrelated"]
        return sorted({*self.allergies, *extra})

    def unclassified_allergies(self) -> list[tuple[str, str]]:
        """(field path, description) of every other allergy a clinician has not classified."""
        return [
            (f"other_allergies.{i}.classified_as", a.description)
            for i, a in enumerate(self.other_allergies or [])
            if a.classified_as is None
        ]

    def age_on(self, day: date) -> int | None:
        """Age in whole years on ``day`` [years], or None if neither birth date nor age given."""
        if self.date_of_birth is None:
            return self.age_years
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def past_dates(self) -> list[tuple[str, date]]:
        """Every date of a past event, with the field path that holds it."""
        found: list[tuple[str, date]] = []
        if self.date_of_birth is not None:
            found.append(("date_of_birth", self.date_of_birth))
        for i, m in enumerate(self.medications or []):
            if m.started_on is not None:
                found.append((f"medications.{i}.started_on", m.started_on))
            if m.stopped_on is not None:
                found.append((f"medications.{i}.stopped_on", m.stopped_on))
        for i, p in enumerate(self.procedures or []):
            if p.performed_on is not None:
                found.append((f"procedures.{i}.performed_on", p.performed_on))
        for i, f in enumerate(self.skin_findings or []):
            if f.since is not None:
                found.append((f"skin_findings.{i}.since", f.since))
        return found

    def check_dates(self, today: date) -> None:
        """Raise :class:`InvalidInput` naming the field if a past event is dated after ``today``."""
        for field, value in self.past_dates():
            if value > today:
                raise InvalidInput(
                    field,
                    f"{value.isoformat()} is in the future (screening date "
                    f"{today.isoformat()}); a past event must be dated on or before it",
                )

    def site_fields(self) -> list[tuple[str, str]]:
        """Every site id the intake names, with the field path that holds it."""
        found: list[tuple[str, str]] = [(f"areas.{i}", s) for i, s in enumerate(self.areas or [])]
        for i, c in enumerate(self.conditions or []):
            found += [(f"conditions.{i}.sites.{j}", s) for j, s in enumerate(c.sites or [])]
        for i, p in enumerate(self.procedures or []):
            found += [(f"procedures.{i}.sites.{j}", s) for j, s in enumerate(p.sites or [])]
        found += [
            (f"skin_findings.{i}.site", f.site) for i, f in enumerate(self.skin_findings or [])
        ]
        return found

    def applies_to_sex(self, question: Literal["pregnant", "breastfeeding"]) -> bool:
        """Pregnancy and breastfeeding questions are not asked of male patients.

        A "yes" to either beside sex "male" is refused when the intake is validated.
        """
        return self.sex != "male"
