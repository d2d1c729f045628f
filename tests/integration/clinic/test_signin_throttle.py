"""Sign-in slows a guesser without locking out the owner of the right password (ASVS 2.2).

Each of these failed before the throttle became a bounded delay: five wrong passwords locked a
username for 15 minutes even against the right one, and twenty failures from one address
locked every account signing in from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microneedling.clinic import Clinic, NotAuthenticated, Role, TooManyAttempts
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.signin import SignIn
from microneedling.clinic.services.signin_throttle import delay_after
from microneedling.clinic.services.staff import StaffChange, StaffService

if TYPE_CHECKING:
    from clinic_support import Clock, Team

PASSWORD = "correct horse battery staple"  # the team fixture's password
WRONG = "wrong password!!"


def _fail(clinic: Clinic, username: str, ip: str) -> None:
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).login(username, WRONG, ip)


def test_the_right_password_signs_in_after_a_short_wait_not_a_lockout(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    free = clinic.settings.login_free_failures
    for _ in range(free):
        _fail(clinic, "admin", "10.0.0.9")
    with pytest.raises(TooManyAttempts) as caught:
        SignIn(clinic).login("admin", PASSWORD, "10.0.0.9")  # not evaluated during the wait
    assert caught.value.retry_after_s == 1
    clock.advance(seconds=caught.value.retry_after_s)
    assert SignIn(clinic).login("admin", PASSWORD, "10.0.0.9").role is Role.ADMIN
    trail = AuditService(clinic, team.admin).query(
        AuditFilter(action="login_failed"), PageRequest()
    )
    assert trail.total == free
    assert {e.client_ip for e in trail.items} == {"10.0.0.9"}


def test_the_wait_doubles_per_failure_up_to_the_cap_and_hammering_does_not_lengthen_it(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    cap = clinic.settings.login_delay_max_seconds
    free = clinic.settings.login_free_failures
    for _ in range(free):
        _fail(clinic, "practitioner", "10.0.0.7")
    waits = []
    for _ in range(10):
        with pytest.raises(TooManyAttempts) as throttled:
            SignIn(clinic).login("practitioner", WRONG, "10.0.0.7")
        # Attempts inside the wait are refused unevaluated: the wait does not grow.
        with pytest.raises(TooManyAttempts) as again:
            SignIn(clinic).login("practitioner", WRONG, "10.0.0.7")
        assert again.value.retry_after_s == throttled.value.retry_after_s
        waits.append(throttled.value.retry_after_s)
        clock.advance(seconds=throttled.value.retry_after_s)
        _fail(clinic, "practitioner", "10.0.0.7")
    assert waits[:7] == [1, 2, 4, 8, 16, 32, cap]
    assert waits[7:] == [cap] * 3
    with pytest.raises(TooManyAttempts) as last:
        SignIn(clinic).login("practitioner", PASSWORD, "10.0.0.7")
    clock.advance(seconds=last.value.retry_after_s)
    assert SignIn(clinic).login("practitioner", PASSWORD, "10.0.0.7").role is Role.PRACTITIONER


def test_a_sprayed_address_slows_but_still_lets_the_admin_in(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    per_address = clinic.settings.login_address_free_failures
    for n in range(per_address):
        _fail(clinic, f"guess-{n}", "10.0.0.5")  # a different username each time
    with pytest.raises(TooManyAttempts) as throttled:
        SignIn(clinic).login("admin", PASSWORD, "10.0.0.5")
    assert throttled.value.retry_after_s == 1
    clock.advance(seconds=throttled.value.retry_after_s)
    assert SignIn(clinic).login("admin", PASSWORD, "10.0.0.5").role is Role.ADMIN
    # Another address is not slowed by this one's failures.
    _fail(clinic, "guess-0", "10.0.0.6")


@given(
    failures=st.integers(min_value=0, max_value=10_000),
    free=st.integers(min_value=1, max_value=100),
    cap=st.floats(min_value=0.5, max_value=3600),
)
def test_the_delay_is_bounded_and_never_shrinks_with_more_failures(
    failures: int, free: int, cap: float
) -> None:
    delay = delay_after(failures, free, cap)
    assert 0 <= delay <= cap
    assert delay_after(failures + 1, free, cap) >= delay
    assert (delay == 0) == (failures < free)


def test_password_or_role_change_ends_the_accounts_other_sessions(
    clinic: Clinic, team: Team
) -> None:
    staff = StaffService(clinic, team.admin)
    api = SignIn(clinic).login("front-desk", PASSWORD, None)
    page = SignIn(clinic).login("front-desk", PASSWORD, None, "cookie")
    staff.change(team.front_desk.staff_id, StaffChange(full_name="Renamed Desk"))
    SignIn(clinic).authenticate(api.token, "api", None)  # a name change ends nothing
    staff.change(team.front_desk.staff_id, StaffChange(password="a brand new passphrase"))
    for token, kind in ((api.token, "api"), (page.token, "cookie")):
        with pytest.raises(NotAuthenticated):
            SignIn(clinic).authenticate(token, kind, None)  # type: ignore[arg-type]
    fresh = SignIn(clinic).login("front-desk", "a brand new passphrase", None)
    staff.change(team.front_desk.staff_id, StaffChange(role=Role.PRACTITIONER))
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(fresh.token, "api", None)
    # An admin changing their own password keeps the session they did it from.
    mine = SignIn(clinic).login("admin", PASSWORD, None)
    other = SignIn(clinic).login("admin", PASSWORD, None)
    me = SignIn(clinic).authenticate(mine.token, "api", None)
    StaffService(clinic, me).change(me.staff_id, StaffChange(password="the admin's new phrase"))
    assert SignIn(clinic).authenticate(mine.token, "api", None).staff_id == me.staff_id
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(other.token, "api", None)
