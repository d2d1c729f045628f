"""The audit trail: one append-only row per read or write of patient data.

The migration adds triggers that abort any UPDATE or DELETE on this table, on both backends,
so not even a bug in the application can rewrite history; ``chain_hash`` links each row to the
one before it under a key kept outside the database (:mod:`microneedling.clinic.audit_chain`),
so someone who bypasses the triggers is found out by ``microneedling db verify-audit``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, Document, UtcDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    # No foreign keys: the trail must outlive whatever it mentions.
    staff_id: Mapped[int | None] = mapped_column(default=None, index=True)
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(default=None)
    patient_id: Mapped[int | None] = mapped_column(default=None, index=True)
    client_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    detail: Mapped[dict[str, Any] | None] = mapped_column(Document, default=None)
    # HMAC-SHA256 (hex) of the previous row's hash and this row; empty on rows older than 0006.
    chain_hash: Mapped[str | None] = mapped_column(String(64), default=None)
