"""The pre-treatment check is stored as one document, and migration 0009 moves it both ways.

A session's answers are one ``pre_treatment_check`` column; downgrading to 0008 spreads them
back into the five columns they were, upgrading gathers them again, and the session reads as it
did before either step (on SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from clinic_support import Clock, Team
from messages_support import book_session, consented_course
from microneedling.clinic import Clinic
from microneedling.clinic.models import Base, TreatmentSession
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import SessionStart
from microneedling.clinic.services.treatments import TreatmentService

OLD_COLUMNS = {"new_medication", "medication_classes", "pregnant", "cold_sore", "breakout"}
#: A "yes" with two medication classes: every kind of answer the columns held.
CHECK = PreTreatmentCheck(
    new_medication=True, medication_classes=["topical_retinoid", "antiplatelet"],
    pregnant=False, cold_sore=False, breakout=True,
)  # fmt: skip


def _started(
    clinic: Clinic, team: Team, clock: Clock, intake: dict[str, Any], course: object
) -> int:
    world = consented_course(clinic, team, intake, course)
    day = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    appointment_id = book_session(clinic, team, world, day.isoformat())
    clock.set(day + timedelta(minutes=5))
    start = SessionStart(
        appointment_id=appointment_id, device_id=world.device_id, lot_id=world.lot_id, check=CHECK
    )
    return TreatmentService(clinic, team.practitioner).start(start).id


def _columns(clinic: Clinic) -> set[str]:
    return {c["name"] for c in inspect(clinic.db.engine).get_columns("treatment_sessions")}


def test_the_check_is_one_document_and_reads_back_whole(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: object
) -> None:
    sid = _started(clinic, team, clock, intake_answers, course)
    assert TreatmentService(clinic, team.practitioner).get(sid).check == CHECK
    assert "pre_treatment_check" in _columns(clinic)
    assert not OLD_COLUMNS & _columns(clinic)
    with clinic.db.reading() as session:
        row = session.get(TreatmentSession, sid)
        assert row is not None
        assert row.pre_treatment_check == CHECK


def test_downgrade_spreads_the_check_into_columns_and_upgrade_gathers_it_again(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, Any], course: object
) -> None:
    sid = _started(clinic, team, clock, intake_answers, course)
    before = TreatmentService(clinic, team.practitioner).get(sid)
    clinic.db.downgrade("0009_photo_views")
    assert _columns(clinic) >= OLD_COLUMNS
    assert "pre_treatment_check" not in _columns(clinic)
    with clinic.db.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT new_medication, pregnant, cold_sore, breakout, medication_classes "
                "FROM treatment_sessions WHERE id = :id"
            ),
            {"id": sid},
        ).one()
    classes = row.medication_classes
    assert (bool(row.new_medication), bool(row.pregnant), bool(row.cold_sore)) == (
        True, False, False,
    )  # fmt: skip
    assert bool(row.breakout) is True
    # SQLite hands back JSON as text through a plain query; PostgreSQL's driver parses it.
    assert (classes if isinstance(classes, list) else json.loads(classes)) == [
        "topical_retinoid", "antiplatelet",
    ]  # fmt: skip
    clinic.db.migrate()
    assert not OLD_COLUMNS & _columns(clinic)
    assert TreatmentService(clinic, team.practitioner).get(sid) == before
    with clinic.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
