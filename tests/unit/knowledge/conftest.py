"""Fixtures for the knowledge-base tests: the packaged base and editable copies of its data."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from microneedling.knowledge import KnowledgeBase, load_knowledge


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged YAML files, for tests that break one on purpose."""
    source = resources.files("microneedling.knowledge") / "data"
    target = tmp_path / "data"
    with resources.as_file(source) as directory:
        shutil.copytree(directory, target)
    return target
