"""docs/clinic.md documents every setting and every clinic command (a test fails otherwise)."""

from __future__ import annotations

from pathlib import Path

from microneedling.clinic import ClinicSettings

DOCS = Path(__file__).parents[3] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "clinic.md").read_text()
    for name in ClinicSettings.model_fields:
        variable = "DATABASE_URL" if name == "database_url" else f"MICRONEEDLING_{name.upper()}"
        assert f"`{variable}`" in text, variable


def test_every_clinic_command_is_documented() -> None:
    from microneedling.cli.db import db_app

    text = (DOCS / "clinic.md").read_text()
    assert (
        "microneedling serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR] [--demo] "
        "[--workers N]" in text
    )
    for command in db_app.registered_commands:
        assert f"`microneedling db {command.name}" in text, command.name
