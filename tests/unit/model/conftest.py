"""Fixtures for the skin-response model tests."""

from __future__ import annotations

from types import ModuleType

import pytest
from model_helpers import load_reference


@pytest.fixture(scope="session")
def reference() -> ModuleType:
    return load_reference()
