"""Two-factor sign-in (TOTP, RFC 6238): each account's sealed secret and its recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from microneedling.clinic.models.base import Base, UtcDateTime, utcnow


class StaffMfa(Base):
    """An account's authenticator: pending until confirmed with a code, then required.

    ``secret_sealed`` is the base32 secret encrypted under the MFA key, which is kept outside
    the database (``clinic/mfa_codes.py``). ``last_step`` is the newest 30-second time step a
    code was accepted for: a code of that step or an earlier one is a replay and refused.
    """

    __tablename__ = "staff_mfa"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    secret_sealed: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_step: Mapped[int | None] = mapped_column(Integer, default=None)


class MfaRecoveryCode(Base):
    """One single-use recovery code; only its SHA-256 is kept."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
