"""``microneedling staff reset-mfa`` as the admin who lost their phone runs it on the server."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.cli._acting import staff_actor
from microneedling.cli.db import open_clinic
from microneedling.clinic import Role
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.mfa import MfaCode, MfaService
from microneedling.clinic.services.staff import StaffIn, create_staff

runner = CliRunner()
PASSWORD = "correct horse battery staple"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A clinic with an admin and a practitioner, both with two-factor sign-in on."""
    data_dir = tmp_path / "data"
    clinic = open_clinic(data_dir)
    for username, role in (("boss", Role.ADMIN), ("pat", Role.PRACTITIONER)):
        create_staff(clinic, StaffIn(username=username, full_name=username.title(), role=role,
                                     password=PASSWORD))  # fmt: skip
        service = MfaService(clinic, staff_actor(clinic, username))
        secret = service.enrol().secret
        service.confirm(MfaCode(code=pyotp.TOTP(secret).now()))
    clinic.db.dispose()
    return data_dir


def _run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["staff", "reset-mfa", *args, "--data-dir", str(data_dir)])
    return result.exit_code, " ".join(result.output.split())


def _mfa_on(data_dir: Path) -> dict[str, bool]:
    clinic = open_clinic(data_dir)
    try:
        admin = staff_actor(clinic, "boss")
        on = MfaService(clinic, admin).accounts_with_mfa()
        return {name: on.get(staff_actor(clinic, name).staff_id, False) for name in ("boss", "pat")}
    finally:
        clinic.db.dispose()


def _resets(data_dir: Path) -> list[tuple[str | None, int | None]]:
    """The audited resets: (who acted, whose account), oldest first."""
    clinic = open_clinic(data_dir)
    try:
        trail = AuditService(clinic, staff_actor(clinic, "boss")).query(
            AuditFilter(action="mfa_reset"), PageRequest()
        )
        return sorted((e.username, e.entity_id) for e in trail.items)
    finally:
        clinic.db.dispose()


def test_an_unknown_account_is_one_line_and_exit_2(data_dir: Path) -> None:
    assert _run(data_dir, "ghost") == (2, "error: username: no active staff account 'ghost'")
    assert _run(data_dir, "ghost", "--as", "boss") == (
        2,
        "error: username: no staff account 'ghost'",
    )
    assert _run(data_dir, "pat", "--as", "nobody") == (
        2,
        "error: as: no active staff account 'nobody'",
    )
    assert _mfa_on(data_dir) == {"boss": True, "pat": True}
    assert _resets(data_dir) == []


def test_only_an_admin_may_reset(data_dir: Path) -> None:
    # Without --as the account acts for itself: a practitioner may not manage staff.
    code, out = _run(data_dir, "pat")
    assert code == 2
    assert out.startswith("error: "), out
    assert "practitioner may not" in out, out
    assert _mfa_on(data_dir) == {"boss": True, "pat": True}


def test_an_admin_resets_another_account_and_their_own(data_dir: Path) -> None:
    code, out = _run(data_dir, "pat", "--as", "boss")
    assert code == 0, out
    assert "Two-factor sign-in reset for 'pat'" in out
    assert _mfa_on(data_dir) == {"boss": True, "pat": False}
    # The only admin lost their phone: they reset their own from the console.
    code, out = _run(data_dir, "boss")
    assert code == 0, out
    assert _mfa_on(data_dir) == {"boss": False, "pat": False}
    assert _resets(data_dir) == [("boss", 1), ("boss", 2)]
