"""Classifying an allergy the patient described in their own words.

Until a clinician classifies it (an allergy code, or ``unrelated``), the screening cannot be
complete. A classification is a new intake version (intakes are never overwritten), screened
at once, with an audit event naming the allergy, its old and new class and the decision.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.intakes import IntakeScreened
from microneedling.clinic.services.intake_records import (
    intake_out,
    screening_out,
    store_intake,
    store_screening,
    with_patient_facts,
)
from microneedling.clinic.services.lookups import latest_intake, live_patient
from microneedling.errors import InvalidInput
from microneedling.knowledge.contraindications import AllergyClass
from microneedling.screening import screen


class AllergyClassificationIn(BaseModel):
    """A clinician's classification of an allergy the patient described in their own words."""

    model_config = ConfigDict(extra="forbid")

    classified_as: AllergyClass


class AllergyService(Service):
    def classify(
        self, patient_id: int, index: int, data: AllergyClassificationIn
    ) -> IntakeScreened:
        """Classify the current intake's ``other_allergies[index]``: a new intake version,
        screened at once, with an audit event naming the allergy and its class."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            patient = live_patient(u.session, patient_id, lock=True)
            current = latest_intake(u.session, patient_id)
            if current is None:
                raise NotFound("patient_id", "intake for patient", patient_id)
            answers = current.answers
            others = list(answers.other_allergies or [])
            if not 0 <= index < len(others):
                raise InvalidInput(
                    "index",
                    f"the current intake has {len(others)} other allerg"
                    f"{'y' if len(others) == 1 else 'ies'}; there is no number {index}",
                )
            before = others[index]
            others[index] = before.model_copy(update={"classified_as": data.classified_as})
            answers = answers.model_copy(update={"other_allergies": others})
            today = self.clinic.today()
            answers = with_patient_facts(answers, patient, today)
            result = screen(answers, self.clinic.kb, today, self.clinic.policy)
            record = store_intake(u.session, patient, answers, self.actor.staff_id)
            screening = store_screening(u.session, record, result, "intake", self.actor.staff_id)
            u.audit.record(
                "classify_allergy", "intake", record.id, patient_id=patient_id,
                detail={"version": record.version, "index": index,
                        "description": before.description, "was": before.classified_as,
                        "classified_as": data.classified_as, "decision": result.decision,
                        "ruleset_version": result.ruleset_version},
            )  # fmt: skip
            return IntakeScreened(
                intake=intake_out(record, True), screening=screening_out(screening, record.version)
            )
