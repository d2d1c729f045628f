"""Checking an account's second factor: a TOTP code or one of its recovery codes.

Shared by sign-in (:mod:`.signin`) and by confirming an authenticator (:mod:`.mfa`), so the
rule for what a code is worth lives in one place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.mfa_codes import (
    SecretSeal,
    accepted_step,
    is_totp_code,
    recovery_digest,
)
from microneedling.clinic.models import MfaRecoveryCode, StaffMfa
from microneedling.clinic.roles import Role
from microneedling.clinic.settings import ClinicSettings

Factor = Literal["totp", "recovery_code"]


def enrolment_due(settings: ClinicSettings, role: Role, confirmed: bool) -> bool:
    """Must this account set up its authenticator before anything else?"""
    return role in settings.mfa_required_roles and not confirmed


def check_code(
    session: Session,
    seal: SecretSeal,
    mfa: StaffMfa,
    code: str,
    now: datetime,
    *,
    recovery: bool,
) -> Factor | None:
    """Which factor ``code`` is for the account of ``mfa``, or None if it is not accepted.

    A TOTP code moves the account's last accepted step on (so it cannot be used again); a
    recovery code (only when ``recovery``) is spent. Changes are flushed with the caller's
    transaction.
    """
    if is_totp_code(code):
        secret = seal.open(mfa.secret_sealed, mfa.staff_id)
        step = accepted_step(secret, code.replace(" ", ""), now, mfa.last_step)
        if step is None:
            return None
        mfa.last_step = step
        return "totp"
    if not recovery:
        return None
    row = session.scalar(
        select(MfaRecoveryCode).where(
            MfaRecoveryCode.code_sha256 == recovery_digest(code),
            MfaRecoveryCode.staff_id == mfa.staff_id,
            MfaRecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = now
    return "recovery_code"


def recovery_codes_left(session: Session, staff_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                MfaRecoveryCode.staff_id == staff_id, MfaRecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )
