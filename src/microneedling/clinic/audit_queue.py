"""Group commit for reads' audit events: many readers, one short write transaction.

A reading unit of work hands its events to :meth:`AuditQueue.write` and waits. One writer
thread per process takes everything queued so far, appends it in one transaction (chained, see
:mod:`microneedling.clinic.audit_chain`) and commits; only then do the waiting readers return.
So a read's response is never sent before its audit rows are committed: a crash of the process
can lose a read's audit rows only together with the read's response. Under load many reads
share one commit instead of each taking the write lock in turn.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future

from microneedling.clinic.db import Database
from microneedling.clinic.models import AuditEvent

#: Most events one commit writes (a bound on how long the chain's lock is held).
MAX_BATCH = 500
#: Seconds a reader waits for its events to be committed before the read fails.
WRITE_TIMEOUT_S = 60.0


class AuditQueue:
    """One per clinic (per process): queues events and commits them in batches."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._ready = threading.Condition()
        self._queue: list[tuple[list[AuditEvent], Future[None]]] = []
        self._thread: threading.Thread | None = None
        self._pid = 0

    def write(self, events: list[AuditEvent]) -> None:
        """Return once ``events`` are committed; raise what the commit raised if it failed."""
        if not events:
            return
        done: Future[None] = Future()
        with self._ready:
            self._queue.append((events, done))
            self._start_writer()
            self._ready.notify()
        done.result(timeout=WRITE_TIMEOUT_S)

    def _start_writer(self) -> None:
        # A forked child inherits the queue but not the thread: start one of its own.
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def _take(self) -> list[tuple[list[AuditEvent], Future[None]]]:
        with self._ready:
            while not self._queue:
                self._ready.wait()
            batch: list[tuple[list[AuditEvent], Future[None]]] = []
            size = 0
            while self._queue and (not batch or size + len(self._queue[0][0]) <= MAX_BATCH):
                events, done = self._queue.pop(0)
                batch.append((events, done))
                size += len(events)
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            try:
                with self._db.transaction() as session:
                    for events, _ in batch:
                        session.add_all(events)
            except Exception as error:  # every waiting reader learns its read failed
                for _, done in batch:
                    done.set_exception(error)
                continue
            for _, done in batch:
                done.set_result(None)
