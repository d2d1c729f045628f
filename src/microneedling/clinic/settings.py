"""The clinic's settings: one pydantic-settings class read from the environment.

Variables are prefixed ``MICRONEEDLING_`` (``MICRONEEDLING_SECRET_KEY``...), except the
database, which also answers to the conventional ``DATABASE_URL``. Outside development the
class refuses to start with the built-in secret, so a deployment cannot run with a key that is
printed in this file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.roles import Role
from microneedling.clinic.settings_messages import MessageSettings

Environment = Literal["development", "test", "production"]

#: The secret development runs with. Anything else must set its own.
DEVELOPMENT_SECRET = "development-only-secret-do-not-deploy"
MIN_SECRET_LENGTH = 32


def _is_postgres(url: str) -> bool:
    """Whether ``url`` is a well-formed SQLAlchemy URL of a PostgreSQL database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name() == "postgresql"
    except ArgumentError:
        return False


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "microneedling"


class ClinicSettings(BaseSettings, MessageSettings):
    """Everything an operator may set. Sizes in bytes, durations in the unit their name says."""

    model_config = SettingsConfigDict(
        env_prefix="MICRONEEDLING_", extra="forbid", validate_default=True
    )

    environment: Environment = "development"
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "MICRONEEDLING_DATABASE_URL", "database_url"),
        description="SQLAlchemy URL; default: an SQLite file clinic.sqlite3 in data_dir",
    )
    timezone: str = Field(default="UTC", description="IANA zone the clinic's clock runs in")
    opening_hours: str = Field(
        default="mon-fri 09:00-18:00; sat 09:00-13:00",
        description="days and hours the clinic books appointments, local time",
    )
    rooms: list[str] = Field(default_factory=lambda: ["room-1", "room-2"], min_length=1)
    intake_valid_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="days after which a patient's intake no longer clears a plan, consent or "
        "session until a new one is recorded (the clinic's own policy; none: no limit)",
    )
    require_gfe: bool = Field(
        default=False,
        description="no session starts without a valid good-faith examination of the patient",
    )
    gfe_valid_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="days a good-faith examination stays valid after the day it was made",
    )
    require_md_approval: bool = Field(
        default=False,
        description="a plan version written by a non-prescriber starts no session until a "
        "medical director approves it",
    )
    chart_review_share: float = Field(
        default=0.1,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="share of completed sessions (0-1) the chart-review queue samples",
    )
    photo_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    request_max_bytes: int = Field(default=12 * 1024 * 1024, gt=0)
    token_ttl_hours: float = Field(default=12.0, gt=0)
    login_free_failures: int = Field(
        default=5,
        ge=1,
        le=100,
        description="failed sign-ins for one username, within the window, before each further "
        "attempt waits (1, 2, 4 ... s, up to login_delay_max_seconds); never a lockout",
    )
    login_address_free_failures: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="failed sign-ins from one client address, across usernames, before the "
        "same growing delay applies to that address",
    )
    login_delay_max_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="longest wait between sign-in attempts [s] (at 60 s, at most ~60 guesses "
        "an hour per username; OWASP ASVS 2.2.1 allows 100)",
    )
    login_window_minutes: float = Field(
        default=15.0, gt=0, description="failures older than this are forgotten [min]"
    )
    backup_passphrase: SecretStr | None = Field(
        default=None,
        description="passphrase that seals backup archives (db backup / db restore); or use "
        "backup_passphrase_file",
    )
    backup_passphrase_file: Path | None = Field(
        default=None,
        description="file whose first line is the backup passphrase (takes precedence over "
        "backup_passphrase)",
    )
    hsts_max_age_seconds: int = Field(
        default=31_536_000,
        ge=0,
        le=63_072_000,
        description="Strict-Transport-Security max-age [s] sent on responses to HTTPS "
        "requests (0: no HSTS); plain-HTTP responses never carry it",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is "
        "believed; default none: the client address is the TCP peer's",
    )
    cookie_secure: bool | None = Field(
        default=None, description="Secure flag on the session cookie; default: on except dev"
    )
    clinic_name: str = Field(
        default="Microneedling clinic",
        min_length=1,
        max_length=120,
        description="the clinic's name as patients read it (pages, consents, messages)",
    )
    clinic_phone: str | None = Field(
        default=None,
        max_length=40,
        description="the number patients call with a warning sign (their page); none: not shown",
    )
    public_url: str | None = Field(
        default=None,
        description="the address patients reach the clinic at, for links and QR codes "
        "(https://clinic.example); none: the address the staff member's request came to",
    )
    patient_link_valid_hours: float = Field(
        default=72.0,
        gt=0,
        le=24 * 90,
        description="hours a patient link (intake, consent, the patient's page) stays valid",
    )
    patient_link_max_requests: int = Field(
        default=120,
        gt=0,
        description="requests one patient link may make per patient_link_window_minutes",
    )
    patient_link_max_failures: int = Field(
        default=20,
        gt=0,
        description="unusable patient links one address may present per "
        "patient_link_window_minutes before it is refused (429)",
    )
    patient_link_window_minutes: float = Field(
        default=15.0, gt=0, description="the window the patient-link rate limits count in"
    )
    require_signed_consent: bool = Field(
        default=False,
        description="no session starts without a signed consent document (drawn signature) for "
        "the plan's current version; a typed consent no longer suffices",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="key (at least 16 characters) of the audit trail's hash chain; kept out of "
        "the database; default: the key file",
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="file holding the audit chain key (hex), made on first start if missing; "
        "default: audit.key in data_dir",
    )
    mfa_required_roles: list[Role] = Field(
        default_factory=list,
        description="roles that must sign in with a one-time code (TOTP), as a JSON list "
        '(["admin", "medical_director"]); their accounts are sent to set it up first',
    )
    mfa_key: SecretStr | None = Field(
        default=None,
        description="key (at least 16 characters) sealing authenticator secrets; kept out of "
        "the database; default: the key file",
    )
    mfa_key_file: Path | None = Field(
        default=None,
        description="file holding the key that seals authenticator secrets (hex), made on "
        "first use if missing; default: mfa.key in data_dir",
    )
    workers: int = Field(
        default=1, ge=1, le=64, description="worker processes `serve` runs (its --workers)"
    )
    db_connections: int = Field(
        default=40,
        ge=2,
        le=1000,
        description="PostgreSQL connections the whole server may hold, shared out among its "
        "worker processes",
    )
    database_transaction_pooling: bool = Field(
        default=False,
        description="the database URLs lead to PgBouncer in transaction pooling mode: the "
        "driver prepares no statements (PostgreSQL only)",
    )
    replica_database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of a streaming replica of the PostgreSQL database; reports "
        "that allow it read there once it has caught up (none: every read on the primary)",
    )
    replica_wait_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        allow_inf_nan=False,
        description="how long a report waits for the replica to replay the primary's latest "
        "commits before it reads the primary instead [s]",
    )
    rule_relaxations: str | None = Field(
        default=None,
        description='screening rules the clinic relaxes: a JSON list of {"rule_id", "reason", '
        '"source"}; only rules whose sources disagree may be relaxed (none: the conservative '
        "defaults)",
    )

    @field_validator("rule_relaxations")
    @classmethod
    def _relaxations_valid(cls, value: str | None) -> str | None:
        from microneedling.errors import InvalidInput
        from microneedling.knowledge import load_knowledge
        from microneedling.screening.policy import policy_from_json

        try:
            policy_from_json(value, load_knowledge(), "MICRONEEDLING_RULE_RELAXATIONS")
        except InvalidInput as error:
            raise ValueError(error.message) from None
        return value

    @field_validator("audit_key", "mfa_key")
    @classmethod
    def _audit_key_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"'{entry}' is not an IP address or CIDR network") from None
        return value

    @field_validator("opening_hours")
    @classmethod
    def _hours_parse(cls, value: str) -> str:
        OpeningHours.parse(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone_known(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value

    @model_validator(mode="after")
    def _pooling_and_replica_need_postgres(self) -> Self:
        if not self.database_transaction_pooling and self.replica_database_url is None:
            return self  # a malformed DATABASE_URL is reported where it is opened, as before
        primary = _is_postgres(self.resolved_database_url)
        if self.database_transaction_pooling and not primary:
            raise ValueError(
                "database_transaction_pooling: PgBouncer pools PostgreSQL connections; set a "
                "PostgreSQL DATABASE_URL"
            )
        if self.replica_database_url is None:
            return self
        if not _is_postgres(self.replica_database_url):
            raise ValueError("replica_database_url: must be a PostgreSQL URL (postgresql://...)")
        if not primary:
            raise ValueError(
                "replica_database_url: a replica needs a PostgreSQL DATABASE_URL (the primary)"
            )
        return self

    @model_validator(mode="after")
    def _secret_outside_development(self) -> Self:
        if self.environment == "development":
            return self
        secret = self.secret_key.get_secret_value()
        if secret == DEVELOPMENT_SECRET:
            raise ValueError(
                f"secret_key: set MICRONEEDLING_SECRET_KEY; the built-in development secret "
                f"is refused in {self.environment}"
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"secret_key: must be at least {MIN_SECRET_LENGTH} characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The URL to connect to: the setting, or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'clinic.sqlite3'}"

    @property
    def resolved_audit_key_file(self) -> Path:
        """Where the audit chain key is kept when it is not given in the environment."""
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def resolved_mfa_key_file(self) -> Path:
        """Where the key sealing authenticator secrets is kept when not in the environment."""
        return self.mfa_key_file or self.data_dir / "mfa.key"

    @property
    def db_pool_size(self) -> int:
        """PostgreSQL connections one worker process may hold (its share of the budget)."""
        return max(2, self.db_connections // self.workers)

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def hours(self) -> OpeningHours:
        return OpeningHours.parse(self.opening_hours)

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment != "development"
