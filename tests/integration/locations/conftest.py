"""A clinic in Berlin whose settings name it, give its phone and address (seeded on start)."""

from __future__ import annotations

from pathlib import Path

import pytest

from microneedling.clinic import ClinicSettings


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> ClinicSettings:
    return ClinicSettings(
        environment="test", secret_key="locations-tests-secret-" + "z" * 40,  # type: ignore[arg-type]
        data_dir=tmp_path / "data", database_url=db_url, opening_hours="mon-sun 07:00-21:00",
        rooms=["room-1", "room-2"], timezone="Europe/Berlin", clinic_name="Riverside Skin Clinic",
        clinic_phone="+49 30 1234567", clinic_address="1 River Street, Berlin",
    )  # fmt: skip
