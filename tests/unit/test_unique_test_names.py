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
    me = Path(__file__).resolve()
    offenders = []
    for path in TESTS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path != me and ("from conftest import" in text or "\nimport conftest" in text):
            offenders.append(str(path.relative_to(TESTS)))
    assert offenders == []
