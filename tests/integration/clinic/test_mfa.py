"""Two-factor sign-in in the clinic's services (both backends): enrol, confirm, sign in with a
code or a recovery code, replay and throttling, a role that must use it, an admin's reset.

The mandatory-role test failed before MFA existed: a role listed in
``MICRONEEDLING_MFA_REQUIRED_ROLES`` went on signing in with a password alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyotp
import pytest
from sqlalchemy import select

from microneedling.clinic import (
    Clinic,
    CodeRequired,
    MfaEnrolmentDue,
    NotAuthenticated,
    PermissionDenied,
    Role,
    TooManyAttempts,
)
from microneedling.clinic.mfa_codes import recovery_digest
from microneedling.clinic.models import AuthToken, MfaRecoveryCode, StaffMfa
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.mfa import MfaCode, MfaService, RecoveryCodes
from microneedling.clinic.services.signin import CHALLENGE_MINUTES, SignIn, token_digest
from microneedling.errors import InvalidInput, RequestRefused

if TYPE_CHECKING:
    from clinic_support import Clock, Team

from clinic_support import PASSWORD

IP = "10.0.0.5"


def _actions(clinic: Clinic, team: Team, action: str) -> list[dict[str, object]]:
    trail = AuditService(clinic, team.admin).query(AuditFilter(action=action), PageRequest())
    return [dict(e.detail or {}) | {"entity_id": e.entity_id} for e in trail.items]


def _wrong(secret: str, clock: Clock) -> str:
    """A code no step of the drift window has (the right one plus one, wrapped)."""
    totp = pyotp.TOTP(secret)
    window = {totp.at(clock().timestamp() + 30 * k) for k in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in window)


def _turn_on(clinic: Clinic, team: Team, clock: Clock) -> tuple[str, RecoveryCodes]:
    """The practitioner sets up an authenticator; (its secret, the recovery codes)."""
    service = MfaService(clinic, team.practitioner)
    secret = service.enrol().secret
    codes = service.confirm(MfaCode(code=pyotp.TOTP(secret).at(clock())))
    clock.advance(seconds=30)  # the next sign-in uses the next step's code
    return secret, codes


def test_enrol_confirm_and_sign_in_with_a_code_after_the_password(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    service = MfaService(clinic, team.practitioner)
    enrolment = service.enrol()
    assert enrolment.otpauth_uri.startswith("otpauth://totp/")
    assert "<svg" in enrolment.qr_svg
    # Not active until confirmed: the password alone still signs in.
    assert SignIn(clinic).login("practitioner", PASSWORD, IP).role is Role.PRACTITIONER
    with pytest.raises(InvalidInput) as wrong:
        service.confirm(MfaCode(code=_wrong(enrolment.secret, clock)))
    assert wrong.value.field == "code"
    codes = service.confirm(MfaCode(code=pyotp.TOTP(enrolment.secret).at(clock())))
    assert len(set(codes.codes)) == 10
    status = service.status()
    assert status.enabled
    assert not status.pending
    assert status.recovery_codes_left == 10
    # The secret is sealed and the recovery codes hashed: neither is in the database as such.
    with clinic.db.reading() as session:
        sealed = session.scalars(select(StaffMfa.secret_sealed)).one()
        stored = set(session.scalars(select(MfaRecoveryCode.code_sha256)))
    assert enrolment.secret not in sealed
    assert stored == {recovery_digest(c) for c in codes.codes}
    clock.advance(seconds=30)
    with pytest.raises(CodeRequired) as asked:
        SignIn(clinic).login("practitioner", PASSWORD, IP)
    code = pyotp.TOTP(enrolment.secret).at(clock())
    issued = SignIn(clinic).complete(asked.value.challenge, code, IP, "cookie")
    assert SignIn(clinic).authenticate(issued.token, "cookie", IP).username == "practitioner"
    assert [d["stage"] for d in _actions(clinic, team, "mfa_failed")] == ["confirm"]
    assert len(_actions(clinic, team, "mfa_enrol")) == 1
    assert _actions(clinic, team, "mfa_confirm")[0]["recovery_codes"] == 10
    assert _actions(clinic, team, "mfa_used")[0]["method"] == "totp"


def test_a_used_code_is_refused_again_within_its_window(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    secret, _ = _turn_on(clinic, team, clock)
    code = pyotp.TOTP(secret).at(clock())
    SignIn(clinic).login("practitioner", PASSWORD, IP, code=code)
    clock.advance(seconds=20)  # the code is still inside its window, but spent
    with pytest.raises(NotAuthenticated, match="one-time code"):
        SignIn(clinic).login("practitioner", PASSWORD, IP, code=code)
    assert _actions(clinic, team, "mfa_failed")[0]["stage"] == "sign_in"


def test_wrong_codes_are_slowed_like_wrong_passwords(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    secret, _ = _turn_on(clinic, team, clock)
    right = pyotp.TOTP(secret).at(clock())
    wrong = _wrong(secret, clock)
    for _ in range(clinic.settings.login_free_failures):
        with pytest.raises(NotAuthenticated):
            SignIn(clinic).login("practitioner", PASSWORD, IP, code=wrong)
    with pytest.raises(TooManyAttempts) as throttled:
        SignIn(clinic).login("practitioner", PASSWORD, IP, code=right)
    # The page's second step is throttled the same way.
    with pytest.raises(TooManyAttempts):
        SignIn(clinic).login("practitioner", PASSWORD, IP)
    clock.advance(seconds=throttled.value.retry_after_s)
    right = pyotp.TOTP(secret).at(clock())
    assert SignIn(clinic).login("practitioner", PASSWORD, IP, code=right).username == "practitioner"
    assert len(_actions(clinic, team, "mfa_failed")) == clinic.settings.login_free_failures


def test_a_recovery_code_signs_in_once(clinic: Clinic, team: Team, clock: Clock) -> None:
    _, codes = _turn_on(clinic, team, clock)
    typed = codes.codes[3].lower()
    assert SignIn(clinic).login("practitioner", PASSWORD, IP, code=typed).role is Role.PRACTITIONER
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).login("practitioner", PASSWORD, IP, code=codes.codes[3])
    assert MfaService(clinic, team.practitioner).status().recovery_codes_left == 9
    used = _actions(clinic, team, "mfa_recovery_used")
    assert used[0]["recovery_codes_left"] == 9


def test_a_role_that_must_use_mfa_is_sent_to_enrol_before_anything_else(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    clinic.settings = clinic.settings.model_copy(
        update={"mfa_required_roles": [Role.MEDICAL_DIRECTOR]}
    )
    token = SignIn(clinic).login("medical-director", PASSWORD, IP).token
    with pytest.raises(MfaEnrolmentDue):
        SignIn(clinic).authenticate(token, "api", IP)
    # Only setting it up is open to that sign-in.
    actor = SignIn(clinic).authenticate(token, "api", IP, enrolling=True)
    service = MfaService(clinic, actor)
    assert service.status().required
    secret = service.enrol().secret
    with pytest.raises(MfaEnrolmentDue):
        SignIn(clinic).authenticate(token, "api", IP)  # enrolled but not yet confirmed
    service.confirm(MfaCode(code=pyotp.TOTP(secret).at(clock())))
    assert SignIn(clinic).authenticate(token, "api", IP).role is Role.MEDICAL_DIRECTOR
    # Other roles are not asked.
    other = SignIn(clinic).login("practitioner", PASSWORD, IP).token
    assert SignIn(clinic).authenticate(other, "api", IP).role is Role.PRACTITIONER


def test_an_admin_reset_removes_the_authenticator_and_ends_the_accounts_sessions(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    secret, _ = _turn_on(clinic, team, clock)
    token = (
        SignIn(clinic)
        .login("practitioner", PASSWORD, IP, code=pyotp.TOTP(secret).at(clock()))
        .token
    )
    with pytest.raises(PermissionDenied):
        MfaService(clinic, team.front_desk).reset(team.practitioner.staff_id)
    assert MfaService(clinic, team.admin).reset(team.practitioner.staff_id) == 1
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(token, "api", IP)
    assert not MfaService(clinic, team.practitioner).status().enabled
    assert SignIn(clinic).login("practitioner", PASSWORD, IP).username == "practitioner"
    reset = _actions(clinic, team, "mfa_reset")
    assert reset == [
        {"had_mfa": True, "sessions_ended": 1, "entity_id": team.practitioner.staff_id}
    ]
    with clinic.db.reading() as session:
        assert session.scalars(select(MfaRecoveryCode)).all() == []


def test_an_account_with_mfa_on_cannot_enrol_again_over_it(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    _turn_on(clinic, team, clock)
    with pytest.raises(RequestRefused):
        MfaService(clinic, team.practitioner).enrol()
    with pytest.raises(RequestRefused):
        MfaService(clinic, team.practitioner).confirm(MfaCode(code="123456"))


def test_an_expired_challenge_asks_for_the_password_again(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    secret, _ = _turn_on(clinic, team, clock)
    with pytest.raises(CodeRequired) as asked:
        SignIn(clinic).login("practitioner", PASSWORD, IP)
    clock.advance(minutes=6)
    with pytest.raises(NotAuthenticated, match="expired"):
        SignIn(clinic).complete(asked.value.challenge, pyotp.TOTP(secret).at(clock()), IP)
    with pytest.raises(NotAuthenticated, match="expired"):
        SignIn(clinic).complete("not-a-challenge", "123456", IP)


def test_spent_challenges_are_deleted_when_a_new_one_is_made(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    secret, _ = _turn_on(clinic, team, clock)

    def challenges() -> list[str]:
        with clinic.db.reading() as session:
            rows = session.scalars(select(AuthToken).where(AuthToken.kind == "mfa")).all()
            return sorted(row.token_sha256 for row in rows)

    def ask() -> str:
        with pytest.raises(CodeRequired) as asked:
            SignIn(clinic).login("practitioner", PASSWORD, IP)
        return asked.value.challenge

    used, standing = ask(), ask()
    SignIn(clinic).complete(used, pyotp.TOTP(secret).at(clock()), IP)
    assert challenges() == sorted(token_digest(c) for c in (used, standing))
    clock.advance(minutes=CHALLENGE_MINUTES - 1)
    # The used one goes at the next challenge; the unused one still stands.
    fresh = ask()
    assert challenges() == sorted(token_digest(c) for c in (standing, fresh))
    clock.advance(minutes=2)
    # Past its five minutes the one made first goes too; the one made two minutes ago stays.
    last = ask()
    assert challenges() == sorted(token_digest(c) for c in (fresh, last))
