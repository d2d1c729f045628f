"""Fixtures for the planning tests; factories live in planning_factories.py."""

from __future__ import annotations

import pytest
from planning_factories import build_kb

from microneedling.knowledge import KnowledgeBase


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return build_kb()
