"""Two-factor sign-in for staff accounts: setting up an authenticator, and an admin's reset.

Anyone signed in may set up their own authenticator (TOTP, RFC 6238): :meth:`MfaService.enrol`
makes a secret (shown once as a QR code and as text); it counts only after
:meth:`MfaService.confirm` with a code from the app, which also hands out ten single-use
recovery codes, shown once. From then on sign-in asks for a code after the password
(:mod:`.signin`). Roles listed in ``mfa_required_roles`` cannot do anything else until they have
confirmed one. An admin's :meth:`MfaService.reset` removes an account's authenticator and
recovery codes and ends its sessions (a lost phone). Each step is audited.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.mfa_codes import (
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    recovery_digest,
)
from microneedling.clinic.models import MfaRecoveryCode, StaffMember, StaffMfa
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.patient_links import qr_svg
from microneedling.clinic.services.second_factor import (
    check_code,
    enrolment_due,
    recovery_codes_left,
)
from microneedling.clinic.services.signin import end_other_sessions
from microneedling.errors import RequestRefused


class MfaStatus(BaseModel):
    enabled: bool = Field(description="an authenticator is confirmed: sign-in asks for a code")
    pending: bool = Field(description="an authenticator was set up but not yet confirmed")
    required: bool = Field(description="the account's role must use two-factor sign-in")
    recovery_codes_left: int = Field(ge=0, le=10)


class MfaEnrolment(BaseModel):
    """A new authenticator secret, to be confirmed with a code before it counts."""

    secret: str = Field(description="base32 secret, for typing into the app by hand")
    otpauth_uri: str = Field(description="otpauth://totp/... address (what the QR code holds)")
    qr_svg: str = Field(description="the address as a QR code, SVG markup")


class MfaCode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=6, max_length=8, pattern=r"^[0-9 ]{6,8}$")


class RecoveryCodes(BaseModel):
    """Single-use codes for when the phone is lost: shown once, only their hashes are kept."""

    codes: list[str] = Field(min_length=10, max_length=10)


class MfaService(Service):
    def status(self) -> MfaStatus:
        with self.reading() as u:
            mfa = u.session.get(StaffMfa, self.actor.staff_id)
            enabled = mfa is not None and mfa.confirmed_at is not None
            return MfaStatus(
                enabled=enabled,
                pending=mfa is not None and mfa.confirmed_at is None,
                required=enrolment_due(self.clinic.settings, self.actor.role, False),
                recovery_codes_left=recovery_codes_left(u.session, self.actor.staff_id),
            )

    def enrol(self) -> MfaEnrolment:
        """A new secret for the signed-in account (replacing one not yet confirmed)."""
        staff_id = self.actor.staff_id
        secret = new_secret()
        with self.unit() as u:
            mfa = u.session.get(StaffMfa, staff_id, with_for_update=True)
            if mfa is not None and mfa.confirmed_at is not None:
                raise RequestRefused(
                    "mfa", "two-factor sign-in is already on; an admin can reset it"
                )
            sealed = self.clinic.mfa_seal.seal(secret, staff_id)
            if mfa is None:
                u.session.add(StaffMfa(staff_id=staff_id, secret_sealed=sealed))
            else:
                mfa.secret_sealed, mfa.last_step = sealed, None
            u.audit.record("mfa_enrol", "staff", staff_id)
        return self._shown(secret)

    def pending(self) -> MfaEnrolment | None:
        """The secret being set up (to show its QR code again), or None."""
        with self.reading() as u:
            mfa = u.session.get(StaffMfa, self.actor.staff_id)
            if mfa is None or mfa.confirmed_at is not None:
                return None
            return self._shown(self.clinic.mfa_seal.open(mfa.secret_sealed, mfa.staff_id))

    def confirm(self, data: MfaCode) -> RecoveryCodes:
        """Turn the pending authenticator on with a code from it; ten recovery codes, once."""
        staff_id = self.actor.staff_id
        now = self.clinic.now()
        codes: list[str] | None = None
        with self.unit() as u:
            mfa = u.session.get(StaffMfa, staff_id, with_for_update=True)
            if mfa is None or mfa.confirmed_at is not None:
                raise RequestRefused("code", "there is no authenticator being set up to confirm")
            if check_code(u.session, self.clinic.mfa_seal, mfa, data.code, now, recovery=False):
                mfa.confirmed_at = now
                codes = new_recovery_codes()
                u.session.execute(
                    delete(MfaRecoveryCode).where(MfaRecoveryCode.staff_id == staff_id)
                )
                u.session.add_all(
                    MfaRecoveryCode(staff_id=staff_id, code_sha256=recovery_digest(code))
                    for code in codes
                )
                u.audit.record("mfa_confirm", "staff", staff_id, detail={"recovery_codes": 10})
            else:
                # Committed with the unit: the wrong code is in the trail though we refuse.
                u.audit.record("mfa_failed", "staff", staff_id, detail={"stage": "confirm"})
        if codes is None:
            raise RequestRefused("code", "that code is not the one the app shows now; try again")
        return RecoveryCodes(codes=codes)

    def reset(self, staff_id: int) -> int:
        """Remove an account's authenticator and recovery codes; end its sessions (count)."""
        with self.unit(Permission.MANAGE_STAFF) as u:
            member = u.session.get(StaffMember, staff_id, with_for_update=True)
            if member is None:
                raise NotFound("staff_id", "staff member", staff_id)
            had = u.session.get(StaffMfa, staff_id) is not None
            u.session.execute(delete(MfaRecoveryCode).where(MfaRecoveryCode.staff_id == staff_id))
            u.session.execute(delete(StaffMfa).where(StaffMfa.staff_id == staff_id))
            keep = self.actor.session_id if staff_id == self.actor.staff_id else None
            ended = end_other_sessions(u.session, staff_id, keep, self.clinic.now())
            u.audit.record(
                "mfa_reset", "staff", staff_id, detail={"had_mfa": had, "sessions_ended": ended}
            )
            return ended

    def accounts_with_mfa(self) -> dict[int, bool]:
        """Accounts with an authenticator, for the admin's staff list: id → confirmed (on).

        An account missing from the answer has none; ``False`` is one set up, not yet confirmed.
        """
        with self.reading(Permission.MANAGE_STAFF) as u:
            rows = u.session.execute(select(StaffMfa.staff_id, StaffMfa.confirmed_at))
            return {staff_id: confirmed is not None for staff_id, confirmed in rows}

    def _shown(self, secret: str) -> MfaEnrolment:
        uri = provisioning_uri(secret, self.actor.username, self.clinic.settings.clinic_name)
        return MfaEnrolment(secret=secret, otpauth_uri=uri, qr_svg=qr_svg(uri))
