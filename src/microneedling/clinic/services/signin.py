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
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from microneedling.clinic.actor import Actor
from microneedling.clinic.audit import AuditLog
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.db import LOCK_LOGIN
from microneedling.clinic.errors import NotAuthenticated
from microneedling.clinic.models import AuthToken, LoginAttempt, StaffMember
from microneedling.clinic.roles import Role
from microneedling.clinic.services.passwords import hash_password, needs_rehash, verify_password
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


class SignIn:
    """Authentication does not need an actor; it produces one."""

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic

    def login(
        self, username: str, password: str, client_ip: str | None, kind: TokenKind = "api"
    ) -> IssuedToken:
        settings = self.clinic.settings
        now = self.clinic.now()
        policy = ThrottlePolicy(
            account_free=settings.login_free_failures,
            address_free=settings.login_address_free_failures,
            delay_max_s=settings.login_delay_max_seconds,
            window=timedelta(minutes=settings.login_window_minutes),
        )
        issued: IssuedToken | None = None
        with self.clinic.db.transaction() as session:
            self.clinic.db.lock(session, LOCK_LOGIN)
            check_throttle(session, policy, username[:64], client_ip, now)
            member = session.scalar(select(StaffMember).where(StaffMember.username == username))
            ok = verify_password(member.password_hash if member else None, password)
            ok = ok and member is not None and member.active
            session.add(
                LoginAttempt(username=username[:64], client_ip=client_ip, at=now, succeeded=ok)
            )
            audit = AuditLog(session, None)
            if not ok or member is None:
                audit.record(
                    "login_failed", "staff", None, username=username[:64], client_ip=client_ip
                )
            else:
                if needs_rehash(member.password_hash):
                    member.password_hash = hash_password(password)
                token = secrets.token_urlsafe(32)
                expires = now + timedelta(hours=settings.token_ttl_hours)
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
                issued = IssuedToken(
                    token=token,
                    expires_at=expires,
                    staff_id=member.id,
                    username=member.username,
                    role=Role(member.role),
                )
        # The failed attempt is committed above, so it counts even though we refuse here.
        if issued is None:
            raise NotAuthenticated("wrong username or password")
        return issued

    def authenticate(self, token: str, kind: TokenKind, client_ip: str | None) -> Actor:
        """The actor a token belongs to, or :class:`NotAuthenticated`.

        Every request asks this, so it only reads: a reading transaction takes no write lock,
        and requests do not queue behind each other (or behind a writer) to be recognised.
        """
        with self.clinic.db.reading() as session:
            row = session.execute(
                select(AuthToken, StaffMember)
                .join(StaffMember, StaffMember.id == AuthToken.staff_id)
                .where(AuthToken.token_sha256 == token_digest(token), AuthToken.kind == kind)
            ).one_or_none()
            if row is None:
                raise NotAuthenticated("invalid or expired credentials")
            auth, member = row
            if auth.revoked_at is not None or auth.expires_at <= self.clinic.now():
                raise NotAuthenticated("invalid or expired credentials")
            if not member.active:
                raise NotAuthenticated("this account is deactivated")
            return Actor(member.id, member.username, Role(member.role), client_ip, auth.id)

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
