"""Who may oversee: only a medical director examines, approves plans and reviews charts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from microneedling.clinic.roles import PERMISSIONS, PRESCRIBERS, TREATING, Permission, Role
from microneedling.clinic.settings import ClinicSettings

OVERSIGHT = {Permission.RECORD_GFE, Permission.APPROVE_PLANS, Permission.REVIEW_CHARTS}


def test_only_the_medical_director_oversees() -> None:
    for role, allowed in PERMISSIONS.items():
        assert (allowed >= OVERSIGHT) == (role is Role.MEDICAL_DIRECTOR), role
        if role is not Role.MEDICAL_DIRECTOR:
            assert not OVERSIGHT & allowed, role
    assert {Role.MEDICAL_DIRECTOR} == PRESCRIBERS


def test_the_medical_director_may_do_all_a_practitioner_may() -> None:
    assert PERMISSIONS[Role.PRACTITIONER] < PERMISSIONS[Role.MEDICAL_DIRECTOR]
    assert Role.MEDICAL_DIRECTOR in TREATING
    assert Permission.MANAGE_STAFF not in PERMISSIONS[Role.MEDICAL_DIRECTOR]


def test_front_desk_sees_no_oversight() -> None:
    assert Permission.READ_CLINICAL not in PERMISSIONS[Role.FRONT_DESK]


@pytest.mark.parametrize(
    ("field", "value"),
    [("chart_review_share", 1.5), ("chart_review_share", -0.1), ("gfe_valid_days", 0),
     ("gfe_valid_days", "a year"), ("require_gfe", "perhaps")],
)  # fmt: skip
def test_oversight_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        ClinicSettings(**{field: value})  # type: ignore[arg-type]
    errors = caught.value.errors()
    assert len(errors) == 1
    assert errors[0]["loc"] == (field,)


def test_oversight_settings_default_off() -> None:
    settings = ClinicSettings()
    assert not settings.require_gfe
    assert not settings.require_md_approval
    assert settings.gfe_valid_days == 365
    assert settings.chart_review_share == 0.1
