"""Services import shared reads from ``lookups`` and rule modules, not from each other.

A *service module* is one that defines a ``Service`` subclass. Another service module may
import from ``lookups``, from schemas and from rule modules (no ``Service`` class), but not from
a service module: a read two services need moves to ``lookups.py``. The pairs still coupled are
listed below with why; the list may only shrink (a stale entry fails too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import microneedling.clinic.services as services_package

SERVICES = Path(services_package.__file__).parent
PREFIX = "microneedling.clinic.services."

#: (importer, imported service module): write-side rules not yet moved to a rule module.
STILL_COUPLED = {
    ("appointments", "staff_hours"),  # refuse_unavailable: the diary's own rule
    ("appointments", "waitlist"),  # after_appointment_change: offers a freed slot
    ("calendar", "staff_hours"),  # the diaries the calendar draws
    ("econsent", "patient_links"),  # the patient's side of a link
    ("intake_drafts", "patient_links"),  # the patient's side of a link
    ("mfa", "patient_links"),  # qr_svg
    ("patient_page", "econsent"),  # a consent document as the patient sees it
    ("patient_page", "patient_links"),  # the patient's side of a link
    ("patient_page", "upcoming"),  # upcoming appointments
    ("series_booking", "appointments"),  # books each visit through the appointment service
    ("series_booking", "staff_hours"),  # the diaries a series is fitted into
    ("treatments", "approvals"),  # refuse_unapproved_plan
    ("treatments", "devices"),  # lot_refusal
    ("treatments", "examinations"),  # refuse_without_valid_exam
}


def _defines_service(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    return any(
        isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id == "Service" for base in node.bases)
        for node in tree.body
    )


def _service_imports() -> set[tuple[str, str]]:
    service_modules = {p.stem for p in SERVICES.glob("*.py") if _defines_service(p)}
    pairs = set()
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PREFIX):
                imported = (node.module or "").removeprefix(PREFIX)
                if imported in service_modules and imported != path.stem:
                    pairs.add((path.stem, imported))
    return pairs


def test_lookups_and_rules_are_not_service_modules() -> None:
    assert not _defines_service(SERVICES / "lookups.py")
    assert not _defines_service(SERVICES / "intake_records.py")
    assert not _defines_service(SERVICES / "plan_consent.py")


def test_no_service_imports_another_beyond_the_listed_pairs() -> None:
    assert _service_imports() - STILL_COUPLED == set()


def test_the_listed_pairs_are_still_real() -> None:
    assert STILL_COUPLED - _service_imports() == set()
