"""The clinic's settings for messages to patients: the mail server, reminders and the worker.

Part of :class:`~microneedling.clinic.settings.ClinicSettings` (read from the same
``MICRONEEDLING_`` environment); kept apart because it is one concern an operator sets on its
own. Durations in the unit their name says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator


class MessageSettings(BaseModel):
    """Where messages come from and go, when reminders and recalls go, how sends are retried."""

    clinic_address: str = Field(
        default="",
        max_length=500,
        description="where the clinic is: the place in messages and feeds",
    )
    calendar_domain: str = Field(
        default="clinic.invalid",
        min_length=1,
        max_length=200,
        description="domain in iCalendar UIDs (appointment-ID@DOMAIN)",
    )
    smtp_host: str | None = Field(
        default=None, description="mail server; none: messages wait in the outbox"
    )
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="starttls", description="none, STARTTLS after connecting, or TLS from the start"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    mail_from: str = Field(
        default="clinic@localhost",
        min_length=3,
        max_length=254,
        description="From: address of messages to patients",
    )
    message_templates_dir: Path | None = Field(
        default=None,
        description="a directory of the clinic's own message templates; a file "
        "there replaces the built-in one of the same name",
    )
    reminder_hours: list[float] = Field(
        default_factory=lambda: [48.0, 24.0],
        description="reminders go this many hours before an appointment (one per entry)",
    )
    recall_notice_days: int = Field(
        default=14,
        ge=0,
        le=365,
        description="the maintenance recall goes this many days before maintenance is due",
    )
    series_lapse_days: int = Field(
        default=14,
        ge=0,
        le=365,
        description="days past a plan's interval after which a series counts as lapsed",
    )
    message_max_attempts: int = Field(
        default=6, ge=1, le=50, description="sends tried before a message stays failed"
    )
    message_retry_seconds: float = Field(
        default=60.0, gt=0, description="wait before the first retry; doubles with each failure"
    )
    worker_poll_seconds: float = Field(
        default=30.0, gt=0, le=3600, description="how often the worker looks for due messages"
    )
    worker_beside_serve: bool = Field(
        default=True, description="serve also runs the message worker"
    )
    feed_patient_names: bool = Field(
        default=False, description="staff calendar feeds show patients' names (default initials)"
    )
    waitlist_offers: int = Field(
        default=3, ge=1, le=50, description="patients offered a freed slot, first come first"
    )

    @field_validator("reminder_hours")
    @classmethod
    def _reminders_positive(cls, value: list[float]) -> list[float]:
        if any(not 0 < hours <= 24 * 60 for hours in value):
            raise ValueError("each reminder is between 0 and 1440 hours before the appointment")
        return sorted(set(value), reverse=True)
