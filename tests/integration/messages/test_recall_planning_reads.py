"""The worker reads the recall list without the write lock (issue 15).

Planning recalls reads every course; on SQLite a writing transaction that long would hold up
every other write, the audit rows of every read included. A round with nothing to queue must
therefore take no write lock: it completes while another transaction holds it (before, the round
waited for the lock and failed with "database is locked").
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from microneedling.clinic import Clinic
from microneedling.clinic.messages.worker import MessageWorker, Round


def test_a_round_with_nothing_to_queue_runs_while_the_write_lock_is_held(
    clinic_now: Clinic,
) -> None:
    if clinic_now.db.backend != "sqlite":
        pytest.skip("PostgreSQL writers do not block readers or each other's other rows")
    # No mail server for this worker: the round is the recall planning alone.
    worker = MessageWorker(clinic_now.__class__(
        clinic_now.settings.model_copy(update={"smtp_host": None}), clinic_now.db))  # fmt: skip
    with clinic_now.db.transaction() as holder:
        holder.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is now held
        assert worker.run_once() == Round()
