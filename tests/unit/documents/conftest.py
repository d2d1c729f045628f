"""A real plan from the core (screening + planner) for the document tests."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from microneedling.planning import PlanRequest, TreatmentPlan, make_plan
from microneedling.screening import Intake, screen

TODAY = date(2026, 11, 21)


def eligible_intake(areas: list[str]) -> Intake:
    return Intake(
        age_years=42,
        sex="female",
        pregnant=False,
        breastfeeding=False,
        fitzpatrick_type=3,
        areas=areas,
        conditions=[],
        medications=[],
        procedures=[],
        allergies=[],
        skin_findings=[],
    )


@pytest.fixture(scope="session")
def plan() -> TreatmentPlan:
    intake = eligible_intake(["cheeks", "forehead"])
    request = PlanRequest.model_validate(
        {
            "intake": intake.model_dump(mode="json"),
            "areas": [
                {
                    "site": "cheeks",
                    "concerns": [{"concern": "acne_scars_rolling", "severity": "moderate"}],
                },
                {"site": "forehead", "concerns": [{"concern": "fine_lines", "severity": "mild"}]},
            ],
            "device": "generic_pen_12",
            "cartridge": "12",
            "start_date": (TODAY + timedelta(days=3)).isoformat(),
            "contact": {"name": "Harbour Skin Clinic", "phone": "01234 567890"},
        }
    )
    return make_plan(request, screen(intake, today=TODAY), today=TODAY)


def _pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


@pytest.fixture(scope="session")
def pdf_text() -> Callable[[bytes], str]:
    """Read a PDF's text back from its bytes (poppler's pdftotext), whitespace collapsed."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils to read PDFs back")
    return _pdf_text
