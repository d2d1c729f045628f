"""Settings of a pooled, replicated PostgreSQL: what they accept and the one message each
refusal gives (the servers themselves: tests/integration/api/test_pooled_replica.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from microneedling.clinic import ClinicSettings, Database
from microneedling.clinic.backup import PGDUMP_HEADER, backup, restore
from microneedling.errors import InvalidInput

PRIMARY = "postgresql://clinic@127.0.0.1:6432/clinic"
REPLICA = "postgresql://clinic@127.0.0.1:6432/clinic_replica"


def test_pooling_and_a_replica_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("DATABASE_TRANSACTION_POOLING", "REPLICA_DATABASE_URL", "REPLICA_WAIT_SECONDS"):
        monkeypatch.delenv(f"MICRONEEDLING_{name}", raising=False)
    plain = ClinicSettings(database_url=PRIMARY)
    assert plain.replica_database_url is None  # by default every read is on the primary
    assert plain.database_transaction_pooling is False
    monkeypatch.setenv("DATABASE_URL", PRIMARY)
    monkeypatch.setenv("MICRONEEDLING_DATABASE_TRANSACTION_POOLING", "true")
    monkeypatch.setenv("MICRONEEDLING_REPLICA_DATABASE_URL", REPLICA)
    monkeypatch.setenv("MICRONEEDLING_REPLICA_WAIT_SECONDS", "0.25")
    settings = ClinicSettings()
    assert settings.database_transaction_pooling is True
    assert settings.replica_database_url == REPLICA
    assert settings.replica_wait_seconds == 0.25


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"database_transaction_pooling": True}, "database_transaction_pooling: PgBouncer"),
        ({"replica_database_url": REPLICA}, "replica_database_url: a replica needs a PostgreSQL"),
        (
            {"database_url": PRIMARY, "replica_database_url": "sqlite:///replica.sqlite3"},
            "replica_database_url: must be a PostgreSQL URL",
        ),
        (
            {"database_url": PRIMARY, "replica_database_url": "not a url"},
            "replica_database_url: must be a PostgreSQL URL",
        ),
        (
            {"database_url": "not a url", "database_transaction_pooling": True},
            "database_transaction_pooling: PgBouncer",
        ),
        ({"database_url": PRIMARY, "replica_wait_seconds": -1}, "replica_wait_seconds"),
        ({"database_url": PRIMARY, "replica_wait_seconds": "nan"}, "replica_wait_seconds"),
    ],
)
def test_settings_refuse_what_cannot_work(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ClinicSettings(**values)  # type: ignore[arg-type]


def test_the_database_refuses_a_replica_of_sqlite(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs PostgreSQL for both"):
        Database(f"sqlite:///{tmp_path}/clinic.sqlite3", replica_url=REPLICA)
    db = Database(PRIMARY, transaction_pooling=True, replica_url=REPLICA, replica_wait_seconds=2)
    try:  # engines connect lazily: nothing is reached here
        assert db.replica is not None
        assert db.replica.wait_seconds == 2
        assert db.replica.primary is db.engine
    finally:
        db.dispose()


def test_backups_behind_pgbouncer_are_refused_before_anything_runs(tmp_path: Path) -> None:
    db = Database(PRIMARY, transaction_pooling=True)
    dump = tmp_path / "clinic.dump"
    with pytest.raises(InvalidInput, match="primary directly") as refused:
        backup(db, dump)
    assert refused.value.field == "database"
    assert not dump.exists()
    dump.write_bytes(PGDUMP_HEADER + b"rest of a dump")
    with pytest.raises(InvalidInput, match="MICRONEEDLING_DATABASE_TRANSACTION_POOLING=false"):
        restore(db, dump)
    db.dispose()


def test_the_command_line_names_the_setting_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from microneedling.cli import app

    monkeypatch.setenv("DATABASE_URL", PRIMARY)
    monkeypatch.setenv("MICRONEEDLING_REPLICA_DATABASE_URL", "sqlite:///replica.sqlite3")
    result = CliRunner().invoke(app, ["db", "migrate", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "replica_database_url: must be a PostgreSQL URL" in " ".join(result.output.split())
    assert "Traceback" not in result.output
