"""Settings, migrations, staff accounts, sign-in, throttling and the append-only audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from microneedling.clinic import (
    Clinic,
    ClinicSettings,
    NotAuthenticated,
    PermissionDenied,
    Role,
)
from microneedling.clinic.models import AuditEvent, Base
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.signin import SignIn
from microneedling.clinic.services.staff import StaffChange, StaffIn, StaffService
from microneedling.errors import InvalidInput

if TYPE_CHECKING:
    from clinic_support import Clock, Team

PASSWORD = "correct horse battery staple"  # the team fixture's password
TEST_SECRET = "a-test-secret-that-is-long-enough-0123456789"


def test_settings_refuse_the_development_secret_outside_development() -> None:
    with pytest.raises(ValidationError, match="development secret"):
        ClinicSettings(environment="production")
    with pytest.raises(ValidationError, match="at least 32"):
        ClinicSettings(environment="production", secret_key="short")  # type: ignore[arg-type]
    ok = ClinicSettings(environment="production", secret_key=TEST_SECRET)  # type: ignore[arg-type]
    assert ok.secure_cookies
    assert not ClinicSettings().secure_cookies


def test_settings_read_database_url_and_refuse_bad_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert ClinicSettings().resolved_database_url == "postgresql://u@h/db"
    with pytest.raises(ValidationError, match="opening_hours"):
        ClinicSettings(opening_hours="mon-fri 18:00-09:00")


def test_migrations_match_the_models(clinic: Clinic) -> None:
    with clinic.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert clinic.db.schema_revision() is not None


def test_audit_trail_cannot_be_updated_or_deleted(clinic: Clinic, team: Team) -> None:
    StaffService(clinic, team.admin).create(
        StaffIn(username="nina", full_name="Nina N", role=Role.PRACTITIONER, password=PASSWORD)
    )
    with clinic.db.engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(AuditEvent))
    assert count is not None
    assert count >= 1
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), clinic.db.engine.begin() as conn:
            conn.execute(text(statement))
    with clinic.db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AuditEvent)) == count


def test_only_admins_manage_staff_and_denials_are_audited(clinic: Clinic, team: Team) -> None:
    new = StaffIn(username="zoe", full_name="Zoe Z", role=Role.FRONT_DESK, password=PASSWORD)
    for actor in (team.practitioner, team.front_desk):
        with pytest.raises(PermissionDenied):
            StaffService(clinic, actor).create(new)
    created = StaffService(clinic, team.admin).create(new)
    assert created.role is Role.FRONT_DESK
    with pytest.raises(InvalidInput, match="taken"):
        StaffService(clinic, team.admin).create(new)
    trail = AuditService(clinic, team.admin).query(AuditFilter(action="denied"), PageRequest())
    assert {e.username for e in trail.items} == {"practitioner", "front-desk"}
    with pytest.raises(InvalidInput, match="your own"):
        StaffService(clinic, team.admin).change(team.admin.staff_id, StaffChange(active=False))


def test_sign_in_issues_a_token_that_identifies_the_actor(clinic: Clinic, team: Team) -> None:
    issued = SignIn(clinic).login("practitioner", PASSWORD, "10.0.0.7")
    actor = SignIn(clinic).authenticate(issued.token, "api", "10.0.0.7")
    assert (actor.staff_id, actor.role) == (team.practitioner.staff_id, Role.PRACTITIONER)
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(issued.token, "cookie", None)  # wrong kind
    SignIn(clinic).logout(issued.token)
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(issued.token, "api", None)


def test_tokens_expire_and_deactivated_accounts_cannot_sign_in(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    issued = SignIn(clinic).login("front-desk", PASSWORD, None)
    clock.advance(hours=clinic.settings.token_ttl_hours - 0.01)
    SignIn(clinic).authenticate(issued.token, "api", None)
    clock.advance(hours=0.02)
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(issued.token, "api", None)
    issued = SignIn(clinic).login("front-desk", PASSWORD, None)
    StaffService(clinic, team.admin).change(team.front_desk.staff_id, StaffChange(active=False))
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).authenticate(issued.token, "api", None)
    with pytest.raises(NotAuthenticated):
        SignIn(clinic).login("front-desk", PASSWORD, None)
