"""Two-factor sign-in over real HTTP against ``microneedling serve`` (the operator's server).

``test_a_role_that_must_use_mfa_is_sent_to_enrol_then_signs_in_with_a_code`` failed before MFA
existed: with ``MICRONEEDLING_MFA_REQUIRED_ROLES=["front_desk"]`` the front desk's password
alone opened the patient list (200, not 403).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest

from served_clinic import PASSWORD, ServedClinic, make_clinic

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("mfa")
    make_clinic(data_dir)
    server = ServedClinic(data_dir, {"MICRONEEDLING_MFA_REQUIRED_ROLES": '["front_desk"]'})
    try:
        yield server.start()
    finally:
        server.stop()


def _sign_in(api: httpx.Client, username: str, code: str | None = None) -> httpx.Response:
    body = {"username": username, "password": PASSWORD}
    if code is not None:
        body["code"] = code
    return api.post("/api/auth/token", json=body)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_role_that_must_use_mfa_is_sent_to_enrol_then_signs_in_with_a_code(served: str) -> None:
    with httpx.Client(base_url=served, timeout=30) as api:
        signed = _sign_in(api, "front-desk")
        assert signed.status_code == 200
        desk = _bearer(signed.json()["token"])
        refused = api.get("/api/patients", headers=desk)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json()["type"] == "/problems/mfa-enrolment-due"
        assert api.get("/api/auth/mfa", headers=desk).json()["required"] is True
        # The admin's role is not listed: a password alone is enough there.
        admin = _bearer(_sign_in(api, "admin").json()["token"])
        assert api.get("/api/patients", headers=admin).status_code == 200

        enrolled = api.post("/api/auth/mfa/enrol", headers=desk)
        assert enrolled.status_code == 201
        totp = pyotp.TOTP(enrolled.json()["secret"])
        confirmed = api.post("/api/auth/mfa/confirm", headers=desk, json={"code": totp.now()})
        assert confirmed.status_code == 200
        assert len(confirmed.json()["codes"]) == 10
        assert api.get("/api/patients", headers=desk).status_code == 200

        asked = _sign_in(api, "front-desk")
        assert asked.status_code == 401
        assert asked.headers["content-type"] == PROBLEM
        assert "code" in asked.json()["detail"]
        # The next step's code (inside the drift window): the confirming one is spent.
        code = totp.at(time.time() + 30)
        assert _sign_in(api, "front-desk", code).status_code == 200
        replayed = _sign_in(api, "front-desk", code)
        assert replayed.status_code == 401
        assert replayed.json()["detail"] == "wrong one-time code"


def test_an_admin_reset_ends_the_accounts_tokens_and_turns_mfa_off(served: str) -> None:
    with httpx.Client(base_url=served, timeout=30) as api:
        admin = _bearer(_sign_in(api, "admin").json()["token"])
        me = api.get("/api/auth/me", headers=admin).json()
        enrolled = api.post("/api/auth/mfa/enrol", headers=admin).json()
        totp = pyotp.TOTP(enrolled["secret"])
        codes = api.post("/api/auth/mfa/confirm", headers=admin, json={"code": totp.now()})
        recovery = codes.json()["codes"]
        # A recovery code in place of the app's code, once.
        second = _sign_in(api, "admin", recovery[0])
        assert second.status_code == 200
        assert _sign_in(api, "admin", recovery[0]).status_code == 401
        other = _bearer(second.json()["token"])
        reset = api.post(f"/api/staff/{me['id']}/mfa/reset", headers=admin)
        assert reset.status_code == 204
        assert api.get("/api/auth/me", headers=other).status_code == 401  # ended
        assert api.get("/api/auth/me", headers=admin).status_code == 200  # the one it came from
        assert api.get("/api/auth/mfa", headers=admin).json()["enabled"] is False
        assert _sign_in(api, "admin").status_code == 200
        # An account that does not exist is named as such.
        missing = api.post("/api/staff/999999/mfa/reset", headers=admin)
        assert missing.status_code == 404
