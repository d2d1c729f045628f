"""The audit trail's keyed hash chain: forged, deleted and reordered rows are each found."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from clinic_support import Team
from microneedling.cli import app
from microneedling.clinic import Clinic
from microneedling.clinic.audit_chain import AuditChain, verify_trail
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.patients import PatientService

runner = CliRunner()


def _patients_read(clinic: Clinic, team: Team, count: int = 3) -> list[int]:
    """Register ``count`` patients and read each (one audit row per write and per read)."""
    service = PatientService(clinic, team.front_desk)
    ids = []
    for n in range(count):
        patient = service.register(
            PatientIn.model_validate(
                {
                    "given_name": "Ann" + "abc"[n],
                    "family_name": "Chain",
                    "date_of_birth": "1990-01-01",
                }
            )
        )
        service.get(patient.id)
        ids.append(patient.id)
    return ids


def _audit_ids(clinic: Clinic) -> list[int]:
    with clinic.db.reading() as session:
        return list(session.scalars(text("SELECT id FROM audit_events ORDER BY id")))


def _tamper(clinic: Clinic, *statements: str) -> None:
    """Run SQL as someone with database access would, bypassing the append-only triggers."""
    drop = (
        ["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"]
        if clinic.db.backend == "sqlite"
        else ["DROP TRIGGER audit_events_append_only ON audit_events"]
    )
    with clinic.db.engine.begin() as connection:
        for statement in [*drop, *statements]:
            connection.execute(text(statement))


def test_an_untouched_trail_verifies(clinic: Clinic, team: Team) -> None:
    _patients_read(clinic, team)
    report = verify_trail(clinic)
    assert report.ok, report.describe()
    assert report.checked == len(_audit_ids(clinic)) == 6
    assert report.head_id == _audit_ids(clinic)[-1]


def _forge(ids: list[int]) -> tuple[list[str], int]:
    # A row appended with a plausible but unkeyed hash (no trigger stops an INSERT).
    forged = ids[-1] + 1
    return [
        "INSERT INTO audit_events (id, at, action, entity, patient_id, chain_hash) VALUES "
        f"({forged}, '2027-03-01 08:00:00.000000', 'read', 'patient', 1, '{'ab' * 32}')"
    ], forged


def _alter(ids: list[int]) -> tuple[list[str], int]:
    # Who read the record is changed after the fact.
    return [f"UPDATE audit_events SET username = 'someone-else' WHERE id = {ids[2]}"], ids[2]


def _delete(ids: list[int]) -> tuple[list[str], int]:
    # A read is removed: the row after it no longer follows.
    return [f"DELETE FROM audit_events WHERE id = {ids[1]}"], ids[2]


def _reorder(ids: list[int]) -> tuple[list[str], int]:
    # Two rows swap places (their ids swapped through a spare one).
    a, b, spare = ids[1], ids[2], ids[-1] + 100
    return [
        f"UPDATE audit_events SET id = {spare} WHERE id = {a}",
        f"UPDATE audit_events SET id = {a} WHERE id = {b}",
        f"UPDATE audit_events SET id = {b} WHERE id = {spare}",
    ], a


@pytest.mark.parametrize("tampering", [_forge, _alter, _delete, _reorder])
def test_tampering_is_found_at_the_first_broken_link(
    clinic: Clinic, team: Team, tampering: Callable[[list[int]], tuple[list[str], int]]
) -> None:
    _patients_read(clinic, team)
    statements, first_broken = tampering(_audit_ids(clinic))
    _tamper(clinic, *statements)
    report = verify_trail(clinic)
    assert not report.ok
    assert report.broken_at == first_broken, report.describe()


def test_another_key_does_not_verify_the_trail(clinic: Clinic, team: Team) -> None:
    _patients_read(clinic, team, 1)
    with clinic.db.reading() as session:
        report = AuditChain(b"not-the-clinic-key-at-all").verify(session)
    assert not report.ok
    assert report.broken_at == _audit_ids(clinic)[0]


def test_rows_appended_after_tampering_do_not_hide_it(clinic: Clinic, team: Team) -> None:
    ids = _patients_read(clinic, team, 2)
    statements, first_broken = _delete(_audit_ids(clinic))
    _tamper(clinic, *statements)
    PatientService(clinic, team.front_desk).get(ids[0])  # chained onto the newest row
    assert verify_trail(clinic).broken_at == first_broken


def test_verify_audit_command_says_ok_or_names_the_broken_row(clinic: Clinic, team: Team) -> None:
    _patients_read(clinic, team, 2)
    data_dir = clinic.settings.data_dir
    args = ["db", "verify-audit", "--data-dir", str(data_dir)]
    env = {"DATABASE_URL": clinic.settings.resolved_database_url}
    ok = runner.invoke(app, args, env=env)
    assert ok.exit_code == 0, ok.output
    assert "OK: 4 chained audit rows verify" in " ".join(ok.output.split())
    assert (data_dir / "audit.key").stat().st_mode & 0o077 == 0  # the key: owner only
    statements, first_broken = _alter(_audit_ids(clinic))
    _tamper(clinic, *statements)
    broken = runner.invoke(app, args, env=env)
    assert broken.exit_code == 1
    assert f"BROKEN at audit row {first_broken}" in " ".join(broken.output.split())
