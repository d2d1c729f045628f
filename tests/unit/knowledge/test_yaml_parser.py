"""libyaml's parser reads every document as PyYAML's safe_load does, errors with their line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import microneedling.knowledge
from microneedling.knowledge.load import parse_yaml

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = sorted(
    [
        *(Path(microneedling.knowledge.__file__).parent / "data").rglob("*.yaml"),
        *(ROOT / "examples").rglob("*.yaml"),
    ]
)


def test_libyaml_is_there() -> None:
    # PyYAML's wheels carry it; without it parse_yaml falls back to the slow parser.
    assert yaml.__with_libyaml__


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_shipped_document_parses_as_safe_load_parses_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse_yaml(text) == yaml.safe_load(text)


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20),
    st.floats(allow_nan=False), st.dates(),
)  # fmt: skip
DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(DATA)
@settings(max_examples=200, deadline=None)
def test_any_document_parses_the_same(data: object) -> None:
    for style in (False, True, None):
        text = yaml.safe_dump(data, default_flow_style=style, allow_unicode=True)
        assert parse_yaml(text) == yaml.safe_load(text)


def test_a_malformed_document_fails_with_its_line() -> None:
    text = "a: 1\nb: [2, 3\nc: 4\n"
    with pytest.raises(yaml.YAMLError) as ours:
        parse_yaml(text)
    with pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(text)
    ours_mark = getattr(ours.value, "problem_mark", None)
    theirs_mark = getattr(theirs.value, "problem_mark", None)
    assert ours_mark is not None
    assert theirs_mark is not None
    assert ours_mark.line == theirs_mark.line


def test_python_objects_are_refused_as_safe_load_refuses_them() -> None:
    with pytest.raises(yaml.YAMLError):
        parse_yaml("!!python/object/apply:os.system ['true']")
