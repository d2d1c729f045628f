"""The staff page's "Reset two-factor" button and the header's link to one's own two-factor page.

The reset is the MFA service's (the API's call): admins only, with the CSRF token, audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pyotp
import pytest

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.mfa import MfaCode, MfaService

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def _turn_on(world: ApiWorld) -> None:
    """The practitioner sets up an authenticator app."""
    service = MfaService(world.clinic, world.team.practitioner)
    secret = service.enrol().secret
    service.confirm(MfaCode(code=pyotp.TOTP(secret).at(world.clock())))
    world.clock.advance(seconds=30)


def _on(world: ApiWorld) -> bool:
    return MfaService(world.clinic, world.team.practitioner).status().enabled


def _text(response: httpx.Response) -> str:
    return " ".join(response.text.split())


@pytest.mark.parametrize("role", ["practitioner", "front_desk", "medical_director"])
def test_only_an_admin_may_reset_two_factor(api_world: ApiWorld, role: str) -> None:
    url = f"/admin/users/{api_world.team.practitioner.staff_id}/mfa/reset"
    with api_world.browser(role) as (client, csrf):
        # Signed in first: the practitioner's own reset attempt needs no code then.
        if not _on(api_world):
            _turn_on(api_world)
        refused = client.post(url, data={"csrf_token": csrf})
        assert refused.status_code == 403
        assert client.get("/admin/users").status_code == 403
    assert _on(api_world)


def test_an_admin_resets_two_factor_from_the_staff_page(api_world: ApiWorld) -> None:
    if not _on(api_world):
        _turn_on(api_world)
    practitioner = api_world.team.practitioner.staff_id
    url = f"/admin/users/{practitioner}/mfa/reset"
    with api_world.browser("admin") as (client, csrf):
        listed = client.get("/admin/users")
        assert listed.status_code == 200
        # Offered inside a disclosure that says what it does, with the form's CSRF token.
        assert f'{url}">' in listed.text
        assert "Reset two-factor…</summary>" in listed.text
        assert "signs them out everywhere" in listed.text
        # Without the token nothing changes.
        assert client.post(url, data={}).status_code == 403
        assert _on(api_world)
        done = client.post(url, data={"csrf_token": csrf}, follow_redirects=False)
        assert done.status_code == 303
        assert done.headers["location"] == "/admin/users"
        assert not _on(api_world)
        after = _text(client.get("/admin/users"))
        assert f'{url}">' not in after  # nothing left to reset
        unknown = client.post("/admin/users/999999/mfa/reset", data={"csrf_token": csrf})
        assert unknown.status_code == 422
        assert "No staff member with id 999999." in _text(unknown)
    trail = AuditService(api_world.clinic, api_world.team.admin).query(
        AuditFilter(action="mfa_reset"), PageRequest()
    )
    assert [(e.username, e.entity_id, (e.detail or {})["had_mfa"]) for e in trail.items] == [
        ("admin", practitioner, True)
    ]
    # The world's API token at least (and the cookie session of the role test when it ran).
    assert (trail.items[0].detail or {})["sessions_ended"] >= 1


def test_every_signed_in_page_links_to_ones_own_two_factor_page(api_world: ApiWorld) -> None:
    assert not _on(api_world)  # reset above: the practitioner signs in with a password
    for role in ("admin", "practitioner", "front_desk", "medical_director"):
        with api_world.browser(role) as (client, _):
            home = client.get("/", follow_redirects=True)
            assert '/account/mfa">Two-factor sign-in</a>' in home.text, role
            own = client.get("/account/mfa")
            assert '/account/mfa" aria-current="page">Two-factor sign-in</a>' in own.text
