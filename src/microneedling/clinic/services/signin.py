"""Signing in and out: bearer tokens for the API, cookie sessions for pages, throttling.

Tokens are 256-bit random strings handed to the client once; the database keeps only their
SHA-256, so a copy of the database cannot be used to sign in. Repeated failures for one
username, or from one client address, slow further attempts by a bounded, growing delay
(:mod:`~microneedling.clinic.services.signin_throttle`); the right password after the delay
signs in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from microneedling.clinic.actor import Actor
from microneedling.clinic.audit import AuditLog
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.db import LOCK_LOGIN
from microneedling.clinic.errors import CodeRequired, MfaEnrolmentDue, NotAuthenticated
from microneedling.clinic.models import AuthToken, LoginAttempt, StaffMember, StaffMfa
from microneedling.clinic.models.base import stamped_by
from microneedling.clinic.roles import Role
from microneedling.clinic.services.passwords import hash_password, needs_rehash, verify_password
from microneedling.clinic.services.second_factor import (
    check_code,
    enrolment_due,
    recovery_codes_left,
)
from microneedling.clinic.services.signin_throttle import ThrottlePolicy, check_throttle

TokenKind = Literal["api", "cookie"]


class IssuedToken(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    staff_id: int
    username: str
    role: Role


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def end_other_sessions(session: Session, staff_id: int, keep: int | None, now: datetime) -> int:
    """Revoke every live token of an account except ``keep``; the number revoked.

    Called when the password or the role changes, so a stolen token or an old role's
    session does not outlive the change.
    """
    query = update(AuthToken).where(
        AuthToken.staff_id == staff_id, AuthToken.revoked_at.is_(None), AuthToken.expires_at > now
    )
    if keep is not None:
        query = query.where(AuthToken.id != keep)
    result = session.execute(query.values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


#: How long the password check of a two-step sign-in stands while the code is asked for.
CHALLENGE_MINUTES = 5


def prune_challenges(session: Session, now: datetime) -> int:
    """Delete every two-step sign-in challenge that has expired or was used; the number.

    A challenge stands only :data:`CHALLENGE_MINUTES` and once (completing it revokes it), so
    a spent one can never be used again and nothing reads it: it need not be kept.
    """
    result = session.execute(
        delete(AuthToken).where(
            AuthToken.kind == "mfa",
            or_(AuthToken.expires_at <= now, AuthToken.revoked_at.is_not(None)),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


class SignIn:
    """Authentication does not need an actor; it produces one."""

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic

    def _policy(self) -> ThrottlePolicy:
        settings = self.clinic.settings
        return ThrottlePolicy(
            account_free=settings.login_free_failures,
            address_free=settings.login_address_free_failures,
            delay_max_s=settings.login_delay_max_seconds,
            window=timedelta(minutes=settings.login_window_minutes),
        )

    def login(
        self,
        username: str,
        password: str,
        client_ip: str | None,
        kind: TokenKind = "api",
        code: str | None = None,
    ) -> IssuedToken:
        """Sign in with a password, and the one-time ``code`` if the account has MFA on.

        With MFA on and no code, raises :class:`CodeRequired` carrying a challenge for
        :meth:`complete` (nothing is counted: the password was right, but no success either,
        so earlier failures still slow the next attempt). A wrong code counts as a failed
        sign-in for the throttle, like a wrong password.
        """
        now = self.clinic.now()
        issued: IssuedToken | None = None
        challenge: str | None = None
        failure = "wrong username or password"
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            self.clinic.db.lock(session, LOCK_LOGIN)
            check_throttle(session, self._policy(), username[:64], client_ip, now)
            member = session.scalar(select(StaffMember).where(StaffMember.username == username))
            ok = verify_password(member.password_hash if member else None, password)
            ok = ok and member is not None and member.active
            audit = AuditLog(session, None)
            if not ok or member is None:
                self._failed(session, audit, username, client_ip, now, None)
            else:
                if needs_rehash(member.password_hash):
                    member.password_hash = hash_password(password)
                mfa = session.get(StaffMfa, member.id)
                if mfa is not None and mfa.confirmed_at is not None and code is None:
                    challenge = self._challenge(session, member, client_ip, now)
                elif mfa is not None and mfa.confirmed_at is not None and code is not None:
                    if self._second_factor(session, audit, member, mfa, code, client_ip, now):
                        issued = self._issue(session, audit, member, kind, client_ip, now)
                    else:
                        failure = "wrong one-time code"
                else:
                    issued = self._issue(session, audit, member, kind, client_ip, now)
        # The failed attempt is committed above, so it counts even though we refuse here.
        if challenge is not None:
            raise CodeRequired(challenge)
        if issued is None:
            raise NotAuthenticated(failure)
        return issued

    def complete(
        self, challenge: str, code: str, client_ip: str | None, kind: TokenKind = "cookie"
    ) -> IssuedToken:
        """The second step of a sign-in: the challenge from :class:`CodeRequired` and a code."""
        now = self.clinic.now()
        issued: IssuedToken | None = None
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            self.clinic.db.lock(session, LOCK_LOGIN)
            row = session.execute(
                select(AuthToken, StaffMember)
                .join(StaffMember, StaffMember.id == AuthToken.staff_id)
                .where(AuthToken.token_sha256 == token_digest(challenge), AuthToken.kind == "mfa")
            ).one_or_none()
            if row is None or row[0].revoked_at is not None or row[0].expires_at <= now:
                raise NotAuthenticated("this sign-in has expired: enter your password again")
            pending, member = row
            check_throttle(session, self._policy(), member.username, client_ip, now)
            mfa = session.get(StaffMfa, member.id)
            audit = AuditLog(session, None)
            if mfa is None or mfa.confirmed_at is None or not member.active:
                raise NotAuthenticated("this sign-in has expired: enter your password again")
            if self._second_factor(session, audit, member, mfa, code, client_ip, now):
                pending.revoked_at = now
                issued = self._issue(session, audit, member, kind, client_ip, now)
        if issued is None:
            raise NotAuthenticated("wrong one-time code")
        return issued

    def _failed(
        self,
        session: Session,
        audit: AuditLog,
        username: str,
        client_ip: str | None,
        now: datetime,
        member: StaffMember | None,
    ) -> None:
        """Count a failed attempt for the throttle and audit it (wrong password or code)."""
        session.add(
            LoginAttempt(username=username[:64], client_ip=client_ip, at=now, succeeded=False)
        )
        if member is None:
            audit.record("login_failed", "staff", None, username=username[:64], client_ip=client_ip)
        else:
            audit.record(
                "mfa_failed",
                "staff",
                member.id,
                username=member.username,
                client_ip=client_ip,
                detail={"stage": "sign_in"},
            )

    def _second_factor(
        self,
        session: Session,
        audit: AuditLog,
        member: StaffMember,
        mfa: StaffMfa,
        code: str,
        client_ip: str | None,
        now: datetime,
    ) -> bool:
        factor = check_code(session, self.clinic.mfa_seal, mfa, code, now, recovery=True)
        if factor is None:
            self._failed(session, audit, member.username, client_ip, now, member)
            return False
        detail: dict[str, object] = {"method": factor}
        if factor == "recovery_code":
            session.flush()
            detail["recovery_codes_left"] = recovery_codes_left(session, member.id)
        action = "mfa_recovery_used" if factor == "recovery_code" else "mfa_used"
        audit.record(
            action, "staff", member.id, username=member.username, client_ip=client_ip, detail=detail
        )
        return True

    def _challenge(
        self, session: Session, member: StaffMember, client_ip: str | None, now: datetime
    ) -> str:
        # Challenges nobody completed would pile up (every password-only API sign-in of an
        # account with MFA on makes one): each new one first deletes those that are spent.
        prune_challenges(session, now)
        token = secrets.token_urlsafe(32)
        session.add(
            AuthToken(
                staff_id=member.id,
                token_sha256=token_digest(token),
                kind="mfa",
                created_at=now,
                expires_at=now + timedelta(minutes=CHALLENGE_MINUTES),
                client_ip=client_ip,
            )
        )
        return token

    def _issue(
        self,
        session: Session,
        audit: AuditLog,
        member: StaffMember,
        kind: TokenKind,
        client_ip: str | None,
        now: datetime,
    ) -> IssuedToken:
        """A successful sign-in: counted (which forgives earlier failures), token, audit."""
        session.add(
            LoginAttempt(username=member.username, client_ip=client_ip, at=now, succeeded=True)
        )
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=self.clinic.settings.token_ttl_hours)
        session.add(
            AuthToken(
                staff_id=member.id,
                token_sha256=token_digest(token),
                kind=kind,
                created_at=now,
                expires_at=expires,
                client_ip=client_ip,
            )
        )
        audit.record(
            "login",
            "staff",
            member.id,
            username=member.username,
            client_ip=client_ip,
            detail={"kind": kind},
        )
        return IssuedToken(
            token=token,
            expires_at=expires,
            staff_id=member.id,
            username=member.username,
            role=Role(member.role),
        )

    def authenticate(
        self, token: str, kind: TokenKind, client_ip: str | None, *, enrolling: bool = False
    ) -> Actor:
        """The actor a token belongs to, or :class:`NotAuthenticated`.

        An account whose role must use MFA (``mfa_required_roles``) and has none set up gets
        :class:`MfaEnrolmentDue` for everything but setting it up (``enrolling``).

        Every request asks this, so it only reads: a reading transaction takes no write lock,
        and requests do not queue behind each other (or behind a writer) to be recognised.
        """
        with self.clinic.db.reading() as session:
            row = session.execute(
                select(AuthToken, StaffMember, StaffMfa.confirmed_at)
                .join(StaffMember, StaffMember.id == AuthToken.staff_id)
                .outerjoin(StaffMfa, StaffMfa.staff_id == StaffMember.id)
                .where(AuthToken.token_sha256 == token_digest(token), AuthToken.kind == kind)
            ).one_or_none()
            if row is None:
                raise NotAuthenticated("invalid or expired credentials")
            auth, member, confirmed_at = row
            if auth.revoked_at is not None or auth.expires_at <= self.clinic.now():
                raise NotAuthenticated("invalid or expired credentials")
            if not member.active:
                raise NotAuthenticated("this account is deactivated")
            role = Role(member.role)
            if not enrolling and enrolment_due(
                self.clinic.settings, role, confirmed_at is not None
            ):
                raise MfaEnrolmentDue()
            return Actor(member.id, member.username, role, client_ip, auth.id, member.full_name)

    def logout(self, token: str) -> None:
        with self.clinic.db.transaction() as session:
            auth = session.scalar(
                select(AuthToken).where(AuthToken.token_sha256 == token_digest(token))
            )
            if auth is not None and auth.revoked_at is None:
                auth.revoked_at = self.clinic.now()
                AuditLog(session, None).record(
                    "logout", "staff", auth.staff_id, client_ip=auth.client_ip
                )
