"""Sign-in throttling: a progressive, bounded delay per account and per client address.

OWASP ASVS 4.0 section 2.2 asks for anti-automation that does not let an attacker lock the
owner of the right password out. So nothing here is a lockout: a username (or an address)
may fail ``free`` times within the window at full speed; after that, each further failure
makes the next attempt wait ``2 ** (failures - free)`` seconds after the last failure, capped
at ``delay_max_s``. An attempt made during the wait is not evaluated (and not counted, so
hammering does not lengthen the wait); the first attempt after it is evaluated, and the right
password then signs in. Failures of a username older than its last success are forgotten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from microneedling.clinic.errors import TooManyAttempts
from microneedling.clinic.models import LoginAttempt


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failures free of delay per account and per address, and the longest delay [s]."""

    account_free: int
    address_free: int
    delay_max_s: float
    window: timedelta


def delay_after(failures: int, free: int, delay_max_s: float) -> float:
    """Seconds the next attempt waits after ``failures`` recent failures (0 while free)."""
    if failures < free:
        return 0.0
    return float(min(delay_max_s, 2.0 ** min(failures - free, 62)))


def _wait(session: Session, where: ColumnElement[bool], since: datetime) -> tuple[int, datetime]:
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            where, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False)
        )
    ).one()
    return int(count), last


def check_throttle(
    session: Session,
    policy: ThrottlePolicy,
    username: str,
    client_ip: str | None,
    now: datetime,
) -> None:
    """Raise :class:`TooManyAttempts` while this username or address must still wait."""
    since = now - policy.window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.succeeded.is_(True)
        )
    )
    checks = [
        (LoginAttempt.username == username, max(since, last_success or since), policy.account_free)
    ]
    if client_ip:
        checks.append((LoginAttempt.client_ip == client_ip, since, policy.address_free))
    wait_s = 0.0
    for where, start, free in checks:
        failures, last = _wait(session, where, start)
        if last is None:
            continue
        delay = delay_after(failures, free, policy.delay_max_s)
        wait_s = max(wait_s, (last + timedelta(seconds=delay) - now).total_seconds())
    if wait_s > 0:
        raise TooManyAttempts(max(1, math.ceil(wait_s)))
