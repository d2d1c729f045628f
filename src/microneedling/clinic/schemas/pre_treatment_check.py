"""The pre-treatment check: the questions asked on the day, stored whole with the session.

One model, one stored document (``treatment_sessions.pre_treatment_check``): a new question is a
field here and a line of the session form (``web/pages/sessions.py`` ``CHECK_QUESTIONS``); the
record, the API and the FHIR export follow the model. What a "yes" does to the screening is
:mod:`microneedling.clinic.services.pre_treatment_check`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from microneedling.knowledge.contraindications import MedicationClass


class PreTreatmentCheck(BaseModel):
    """Asked on the day, before numbing. Every answer is required."""

    # The rule of ``_classes_named``, published: no new medication, or at least one class.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"properties": {"new_medication": {"const": False}}},
                {"properties": {"medication_classes": {"minItems": 1}}},
            ]
        },
    )

    new_medication: bool
    medication_classes: list[MedicationClass] = Field(default_factory=list)
    pregnant: bool
    cold_sore: bool
    breakout: bool

    @model_validator(mode="after")
    def _classes_named(self) -> PreTreatmentCheck:
        if self.new_medication and not self.medication_classes:
            raise ValueError("name the new medication's class (medication_classes)")
        return self

    @property
    def positive(self) -> bool:
        """Whether any question was answered "yes" (every yes/no field, so a new one counts)."""
        return any(value is True for value in self.model_dump().values())
