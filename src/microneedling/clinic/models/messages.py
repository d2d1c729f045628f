"""Messages to patients (the outbox), staff calendar feeds, and the waitlist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, Document, UtcDateTime, utcnow


class OutboxMessage(Base):
    """One message to one patient: scheduled, then sent, failed (and retried) or cancelled.

    ``dedupe_key`` is unique: scheduling the same message twice (same appointment and kind,
    same recall date...) updates the one row, so nothing is sent twice. The subject and body
    are rendered from the templates when the message is sent, from ``context``.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="email")
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None, index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    template: Mapped[str] = mapped_column(String(100))
    context: Mapped[dict[str, Any]] = mapped_column(Document, default=dict)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(Document, default=list)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    send_after: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    subject: Mapped[str | None] = mapped_column(String(300), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    cancel_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CalendarFeed(Base):
    """A secret, revocable iCalendar feed of one practitioner's or one room's appointments.

    Only a SHA-256 hash of the token is stored; the token is shown once when it is made.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    room: Mapped[str | None] = mapped_column(String(64), default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)


class WaitlistEntry(Base):
    """A patient waiting for an earlier slot with a practitioner (or any) in a time range."""

    __tablename__ = "waitlist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    practitioner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    earliest: Mapped[datetime] = mapped_column(UtcDateTime)
    latest: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    offered_appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id"), default=None
    )
    offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
