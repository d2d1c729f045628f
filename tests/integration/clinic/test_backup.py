"""Backup and restore: a restored database holds exactly what the backup held."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clinic_support import table_rows
from microneedling.clinic import Clinic
from microneedling.clinic.backup import backup, restore
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import DeleteIn, PatientIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Team


def test_backup_then_restore_gives_back_the_same_records(
    clinic: Clinic, team: Team, tmp_path: Path, intake_answers: dict[str, object]
) -> None:
    patients = PatientService(clinic, team.front_desk)
    kept = patients.register(
        PatientIn(given_name="Ines", family_name="Roth", date_of_birth="1979-09-09")  # type: ignore[arg-type]
    )
    IntakeService(clinic, team.practitioner).record(
        kept.id, IntakeIn(answers=Intake.model_validate(intake_answers))
    )
    before = table_rows(clinic)
    assert before["patients"]
    assert before["screenings"]
    target = backup(clinic.db, tmp_path / "clinic.backup")
    with pytest.raises(InvalidInput, match="exists"):
        backup(clinic.db, target)

    later = patients.register(
        PatientIn(given_name="Olaf", family_name="Berg", date_of_birth="1970-01-01")  # type: ignore[arg-type]
    )
    PatientService(clinic, team.admin).delete(kept.id, DeleteIn(reason="test"))
    assert table_rows(clinic) != before

    restore(clinic.db, target)
    assert table_rows(clinic) == before
    assert patients.get(kept.id).deleted_at is None
    with pytest.raises(InvalidInput):
        patients.get(later.id)


def test_restore_refuses_a_file_that_is_not_a_backup(clinic: Clinic, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    before = table_rows(clinic)
    with pytest.raises(InvalidInput, match="not"):
        restore(clinic.db, junk)
    with pytest.raises(InvalidInput, match="not a file"):
        restore(clinic.db, tmp_path / "missing.backup")
    assert table_rows(clinic) == before
