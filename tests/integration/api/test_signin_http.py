"""Sign-in over real HTTP against ``microneedling serve``: throttle, revocation, forwarding.

Each of these failed before issue 16's change: the right password got 429 for 15 minutes after
five wrong ones; twenty failures from one address gave the admin 429 too; an admin's password
reset left the account's old token working; and a client on loopback could write any address
it liked into the audit trail (and dodge the per-address throttle) with ``X-Forwarded-For``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from served_clinic import PASSWORD, ServedClinic, make_clinic

WRONG = "wrong password!!"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data_dir: Path = tmp_path_factory.mktemp("served")
    make_clinic(data_dir)
    # Short delays keep the test quick; the growth and the cap are those of the defaults.
    server = ServedClinic(data_dir, {"MICRONEEDLING_LOGIN_DELAY_MAX_SECONDS": "2"})
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield client
    finally:
        server.stop()


def _sign_in(client: httpx.Client, username: str, password: str, **headers: str) -> httpx.Response:
    return client.post(
        "/api/auth/token", json={"username": username, "password": password}, headers=headers
    )


def _after_wait(client: httpx.Client, username: str, password: str) -> httpx.Response:
    """Sign in, waiting as long as Retry-After says (bounded by the 2 s cap) when throttled."""
    response = _sign_in(client, username, password)
    if response.status_code == 429:
        wait = int(response.headers["retry-after"])
        assert 1 <= wait <= 2
        time.sleep(wait)
        response = _sign_in(client, username, password)
    return response


def test_five_wrong_passwords_do_not_lock_out_the_right_one(served: httpx.Client) -> None:
    for _ in range(5):
        assert _sign_in(served, "front-desk", WRONG).status_code == 401
    assert _after_wait(served, "front-desk", PASSWORD).status_code == 200


def test_twenty_failures_from_one_address_do_not_lock_the_admin_out(served: httpx.Client) -> None:
    for n in range(20):
        response = _sign_in(served, f"sprayed-{n}", WRONG)
        assert response.status_code in (401, 429)
        if response.status_code == 429:
            wait = int(response.headers["retry-after"])
            assert wait <= 2  # a slowdown, not a 15-minute lockout
            time.sleep(wait)
    assert _after_wait(served, "admin", PASSWORD).status_code == 200


def test_a_password_reset_ends_the_accounts_old_token(served: httpx.Client) -> None:
    admin = _after_wait(served, "admin", PASSWORD).json()
    desk = _after_wait(served, "front-desk", PASSWORD).json()
    as_desk = {"Authorization": f"Bearer {desk['token']}"}
    assert served.get("/api/auth/me", headers=as_desk).status_code == 200
    reset = served.patch(
        f"/api/staff/{desk['staff_id']}",
        json={"password": "a new passphrase for the desk"},
        headers={"Authorization": f"Bearer {admin['token']}"},
    )
    assert reset.status_code == 200, reset.text
    assert served.get("/api/auth/me", headers=as_desk).status_code == 401
    as_admin = {"Authorization": f"Bearer {admin['token']}"}
    assert served.get("/api/auth/me", headers=as_admin).status_code == 200


def test_a_spoofed_forwarded_address_is_ignored_in_audit_and_throttle(
    served: httpx.Client,
) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.77"}
    # One address's failures slow it down whatever it claims to be forwarding for.
    statuses = []
    for n in range(21):
        statuses.append(
            _sign_in(
                served, f"spoof-{n}", WRONG, **{"X-Forwarded-For": f"198.51.100.{n}"}
            ).status_code
        )
    assert 401 in statuses  # evaluated, and audited below
    assert 429 in statuses  # slowed: one address, whatever the header says
    time.sleep(2)
    admin = _after_wait(served, "admin", PASSWORD).json()
    _sign_in(served, "spoof-audit", WRONG, **spoofed)
    trail = served.get(
        "/api/audit",
        params={"action": "login_failed", "limit": 200},
        headers={"Authorization": f"Bearer {admin['token']}"},
    ).json()
    addresses = {event["client_ip"] for event in trail["items"]}
    assert addresses == {"127.0.0.1"}
