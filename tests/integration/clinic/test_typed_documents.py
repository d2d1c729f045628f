"""Stored documents load validated, and are stored as the untyped column stored them.

``PydanticDocument`` replaced ``Document`` on intakes, screenings, plan versions, aftercare
sheets, intake drafts and consent documents without a data migration: the JSON written is the
same text, and a row written in the old shape (raw SQL, as before the change) loads as the model.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from microneedling.clinic import Clinic
from microneedling.clinic.models import IntakeRecord, PlanVersion, ScreeningRecord
from microneedling.clinic.models.base import Document, PydanticDocument
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import PlanIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.planning import RequestedCourse, TreatmentPlan
from microneedling.screening import Intake, ScreeningResult

if TYPE_CHECKING:
    from collections.abc import Callable

    from clinic_support import Team


def _planned(
    clinic: Clinic, team: Team, intake: dict[str, Any], course: Callable[[object], Any]
) -> tuple[int, int]:
    """A patient with a screened intake and a plan: (patient id, plan id)."""
    pid = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Ola", "family_name": "Nordmann",
                                  "date_of_birth": "1980-02-02", "sex": "female"})
    ).id  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        pid, IntakeIn(answers=Intake.model_validate(intake))
    )
    plan = PlanService(clinic, team.practitioner).create(
        pid, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01")))
    )
    return pid, plan.id


def test_the_typed_column_stores_the_same_text_as_the_untyped_one(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any], course: Callable[[object], Any]
) -> None:
    _, plan_id = _planned(clinic, team, intake_answers, course)
    plan = PlanService(clinic, team.practitioner).get(plan_id).plan
    scratch = Table(
        "scratch_documents",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("untyped", Document),
        Column("typed", PydanticDocument(TreatmentPlan)),
    )
    engine = clinic.db.engine
    scratch.create(engine)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(scratch).values(id=1, untyped=plan.model_dump(mode="json"), typed=plan)
            )
            untyped, typed = connection.execute(
                text("SELECT CAST(untyped AS TEXT), CAST(typed AS TEXT) FROM scratch_documents")
            ).one()
            loaded = connection.execute(select(scratch.c.typed)).scalar_one()
    finally:
        scratch.drop(engine)
    assert typed == untyped
    assert isinstance(loaded, TreatmentPlan)
    assert loaded == plan


def test_rows_written_in_the_old_shape_load_as_their_models(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any], course: Callable[[object], Any]
) -> None:
    pid, plan_id = _planned(clinic, team, intake_answers, course)
    before = PlanService(clinic, team.practitioner).get(plan_id).plan
    screened = IntakeService(clinic, team.practitioner).current(pid)
    # Rewritten by hand as the untyped column wrote them: json.dumps of model_dump(mode="json").
    old_shape = {
        "intakes": (screened.intake.id, "answers", screened.intake.answers),
        "screenings": (screened.screening.id, "result", screened.screening.result),
        "plan_versions": (None, "plan", before),
    }
    json_value = "CAST(:doc AS JSON)" if clinic.db.engine.dialect.name == "postgresql" else ":doc"
    with clinic.db.engine.begin() as connection:
        for table, (row_id, column, model) in old_shape.items():
            where = f"plan_id = {plan_id}" if row_id is None else f"id = {row_id}"
            updated = connection.execute(
                text(f"UPDATE {table} SET {column} = {json_value} WHERE {where}"),
                {"doc": json.dumps(model.model_dump(mode="json"))},
            )
            assert updated.rowcount == 1
    with clinic.db.transaction() as session:
        intake = session.get(IntakeRecord, screened.intake.id)
        screening = session.get(ScreeningRecord, screened.screening.id)
        version = session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)).one()
        assert intake is not None
        assert screening is not None
        assert isinstance(intake.answers, Intake)
        assert intake.answers == screened.intake.answers
        assert isinstance(screening.result, ScreeningResult)
        assert screening.result == screened.screening.result
        assert isinstance(version.plan, TreatmentPlan)
        assert version.plan == before
    # And the services read them as before.
    assert PlanService(clinic, team.practitioner).get(plan_id).plan == before
    assert IntakeService(clinic, team.practitioner).current(pid) == screened


def test_a_plain_dict_is_validated_before_it_is_stored(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any], course: Callable[[object], Any]
) -> None:
    pid, _ = _planned(clinic, team, intake_answers, course)
    screened = IntakeService(clinic, team.practitioner).current(pid)
    bad = screened.intake.answers.model_dump(mode="json") | {"fitzpatrick_type": 9}
    with clinic.db.transaction() as session:
        intake = session.get(IntakeRecord, screened.intake.id)
        assert intake is not None
        intake.answers = bad  # type: ignore[assignment]  # what an import hands over
        with pytest.raises(StatementError, match="fitzpatrick_type"):
            session.flush()
        session.rollback()
    assert IntakeService(clinic, team.practitioner).current(pid) == screened
