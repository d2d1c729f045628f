"""The intake form's live preview screens as saving would: with the record's facts, storing
nothing, and audited as a read of the patient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from microneedling.clinic import Clinic
from microneedling.clinic.errors import PermissionDenied
from microneedling.clinic.models import IntakeRecord, ScreeningRecord
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Team


def _minor(clinic: Clinic, team: Team) -> int:
    return PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Noa", "family_name": "Berg",
                                  "date_of_birth": "2012-01-01", "sex": "female"})
    ).id  # fmt: skip


def _stored(clinic: Clinic) -> tuple[int, int]:
    with clinic.db.engine.connect() as conn:
        intakes = conn.scalar(select(func.count()).select_from(IntakeRecord)) or 0
        screenings = conn.scalar(select(func.count()).select_from(ScreeningRecord)) or 0
    return intakes, screenings


def test_the_preview_uses_the_record_and_stores_nothing(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any]
) -> None:
    pid = _minor(clinic, team)
    service = IntakeService(clinic, team.practitioner)
    with pytest.raises(InvalidInput) as caught:
        service.preview(pid, Intake.model_validate({**intake_answers, "age_years": 30}))
    assert caught.value.field == "age_years"
    result = service.preview(pid, Intake.model_validate(intake_answers))
    assert not result.may_treat  # the record says 15 years old
    assert any(f.rule_id.startswith("under") or "18" in f.reason for f in result.findings)
    assert _stored(clinic) == (0, 0)


def test_front_desk_cannot_preview_a_screening(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any]
) -> None:
    pid = _minor(clinic, team)
    with pytest.raises(PermissionDenied, match="may not write clinical"):
        IntakeService(clinic, team.front_desk).preview(pid, Intake.model_validate(intake_answers))
