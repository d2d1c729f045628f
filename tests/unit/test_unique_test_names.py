"""pytest's default import mode needs unique test-module basenames across the tree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_module_names_are_unique() -> None:
    names = Counter(p.name for p in TESTS.rglob("test_*.py"))
    assert [n for n, c in names.items() if c > 1] == []


def test_no_test_imports_from_a_conftest_module() -> None:
    """'conftest' names several modules; shared helpers live in tests/clinic_support.py."""
    offenders = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if p != Path(__file__).resolve()
        and "from conftest import" in p.read_text(encoding="utf-8")
        or "\nimport conftest" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
