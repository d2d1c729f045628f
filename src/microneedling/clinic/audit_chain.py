"""The audit trail's keyed hash chain: a forged, changed, removed or reordered row shows.

Each row's ``chain_hash`` is HMAC-SHA256, under a key kept *outside* the database, of the
previous row's hash and this row's fields (its id included). Rows are chained in id order;
whoever appends takes the chain's lock (SQLite: the write lock every writing transaction holds;
PostgreSQL: an advisory lock), reads the newest row and numbers the new rows after it.

Someone with write access to the database but not the key can insert or alter rows, but cannot
compute the hashes that make the chain verify; deleting or swapping rows breaks the next link.
Cutting rows off the *end* leaves a shorter valid chain: compare the head that
``microneedling db verify-audit`` prints with one recorded elsewhere to detect that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.key_files import load_or_make_key

if TYPE_CHECKING:
    from microneedling.clinic.clinic import Clinic

from microneedling.clinic.models.audit import AuditEvent
from microneedling.clinic.models.base import utcnow

#: The link before the first chained row.
GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    """The row's fields as one exact byte string (timestamps to the microsecond, UTC)."""
    at = event.at.astimezone(UTC) if event.at.tzinfo else event.at.replace(tzinfo=UTC)
    fields: list[Any] = [
        event.id, at.strftime("%Y-%m-%dT%H:%M:%S.%f"), event.staff_id, event.username,
        event.action, event.entity, event.entity_id, event.patient_id, event.client_ip,
        event.detail,
    ]  # fmt: skip
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


class AuditChain:
    """Computes and checks the links with one key (bytes, at least 16)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the audit chain key must be at least 16 bytes")
        self._key = key

    def link_of(self, previous: str, event: AuditEvent) -> str:
        message = previous.encode() + b"\n" + _canonical(event)
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def link(self, session: Session, events: Iterable[AuditEvent]) -> None:
        """Number ``events`` after the newest row and set their hashes (caller holds the lock)."""
        head = session.execute(
            select(AuditEvent.id, AuditEvent.chain_hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        last_id, previous = (head[0], head[1] or GENESIS) if head else (0, GENESIS)
        pending = list(events)
        for event in pending:
            if event.at is None:
                event.at = utcnow()
            if event.detail is not None:
                # As the database will give it back (JSON keys are strings), so it hashes alike.
                event.detail = json.loads(json.dumps(event.detail, default=str))
        # Oldest first (stable for events recorded in the same microsecond).
        for event in sorted(pending, key=lambda e: e.at):
            last_id += 1
            event.id = last_id
            event.chain_hash = previous = self.link_of(previous, event)

    def verify(self, session: Session, batch: int = 2_000) -> ChainReport:
        """Walk the whole trail in id order and report the first row whose link is wrong."""
        previous = GENESIS
        unchained = checked = 0
        started = False
        last_id: int | None = None
        rows = session.scalars(
            select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
        )
        with rows:  # a server-side cursor on PostgreSQL: closed even when we stop early
            for event in rows:
                if event.chain_hash is None and not started:
                    unchained += 1  # written before the chain existed (migration 0006)
                    continue
                started = True
                expected = self.link_of(previous, event)
                if event.chain_hash is None or not hmac.compare_digest(expected, event.chain_hash):
                    return ChainReport(False, checked, unchained, event.id, previous, last_id)
                previous = event.chain_hash
                last_id = event.id
                checked += 1
        return ChainReport(True, checked, unchained, None, previous, last_id)


@dataclass(frozen=True)
class ChainReport:
    """What :meth:`AuditChain.verify` found."""

    ok: bool
    checked: int
    unchained: int
    broken_at: int | None
    head: str
    head_id: int | None

    def describe(self) -> str:
        if self.ok:
            return (
                f"OK: {self.checked} chained audit rows verify; head row {self.head_id} "
                f"hash {self.head} ({self.unchained} rows predate the chain)"
            )
        return (
            f"BROKEN at audit row {self.broken_at}: its hash does not follow from row "
            f"{self.head_id} before it (a row was forged, changed, removed or reordered); "
            f"{self.checked} rows before it verify"
        )


def verify_trail(clinic: Clinic) -> ChainReport:
    """Verify the clinic's whole audit trail with its key (one read-only transaction)."""
    chain = clinic.db.audit_chain
    assert chain is not None  # every Clinic sets its chain
    with clinic.db.reading() as session:
        return chain.verify(session)


def audit_key(key: str | None, key_file: Path) -> bytes:
    """The chain key: ``key`` (from the environment) or the key file, made on first use."""
    return load_or_make_key(key, key_file)
