"""An intake is screened with the patient record's date of birth and sex, never against them.

A typed age or a different sex would otherwise switch off the under-18 or pregnancy rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from microneedling.clinic import Clinic
from microneedling.clinic.models import IntakeRecord
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Team


def _patient(clinic: Clinic, team: Team, born: str, sex: str | None) -> int:
    return PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Kim", "family_name": "Ito",
                                  "date_of_birth": born, "sex": sex})
    ).id  # fmt: skip


def _record(clinic: Clinic, team: Team, pid: int, answers: dict[str, Any]) -> Any:
    return IntakeService(clinic, team.practitioner).record(
        pid, IntakeIn(answers=Intake.model_validate(answers))
    )


def _intakes(clinic: Clinic) -> int:
    with clinic.db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(IntakeRecord)) or 0


def test_a_typed_age_or_birth_date_cannot_override_the_record(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any]
) -> None:
    pid = _patient(clinic, team, "2012-01-01", "female")  # 15 on 2027-03-01
    with pytest.raises(InvalidInput, match="15 years") as caught:
        _record(clinic, team, pid, {**intake_answers, "age_years": 30})
    assert caught.value.field == "age_years"
    with pytest.raises(InvalidInput, match="2012-01-01") as caught:
        _record(clinic, team, pid, {**intake_answers, "date_of_birth": "1990-01-01"})
    assert caught.value.field == "date_of_birth"
    assert _intakes(clinic) == 0
    for agreeing in ({"age_years": 15}, {"date_of_birth": "2012-01-01"}, {}):
        screened = _record(clinic, team, pid, {**intake_answers, **agreeing})
        assert str(screened.intake.answers.date_of_birth) == "2012-01-01"
        assert screened.intake.answers.age_years is None
        assert not screened.screening.result.may_treat


def test_an_intake_cannot_contradict_the_recorded_sex(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any]
) -> None:
    woman = _patient(clinic, team, "1984-05-01", "female")
    with pytest.raises(ValidationError):  # refused before it reaches the clinic
        Intake.model_validate({**intake_answers, "sex": "male", "pregnant": True})
    male = {**intake_answers, "sex": "male", "pregnant": None, "breastfeeding": None}
    with pytest.raises(InvalidInput, match="contradicts") as caught:
        _record(clinic, team, woman, male)
    assert caught.value.field == "sex"
    man = _patient(clinic, team, "1980-01-01", "male")
    with pytest.raises(InvalidInput, match="male") as caught:
        _record(clinic, team, man, {**intake_answers, "sex": None, "pregnant": True})
    assert caught.value.field == "pregnant"
    assert _intakes(clinic) == 0
    screened = _record(clinic, team, woman, {**intake_answers, "sex": None, "pregnant": True})
    assert screened.intake.answers.sex == "female"
    assert not screened.screening.result.may_treat
