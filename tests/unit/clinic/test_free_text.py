"""The free-text rule is one pattern: the server checks it and the API schema publishes it."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from microneedling.clinic.services.locations import ProfileIn
from microneedling.clinic.text import FREE_TEXT_PATTERN, LongText, ShortText

SHORT = TypeAdapter(ShortText)
LONG = TypeAdapter(LongText)
PUBLISHED = jsonschema_rs.validator_for({"type": "string", "pattern": FREE_TEXT_PATTERN})
# Text drawn around the characters the rule is about: markup openers, whitespace, controls.
TEXT = st.text(st.sampled_from("<>/!?aZ3 \t\n\r\x00\x0b\x1f\x7f\x85\xa0\u2003\u3000é;"))


def _plain_in_its_own_words(value: str) -> bool:
    """The rule as docs/security.md says it, written independently of the pattern: something
    besides whitespace, no control character, no ``<`` opening markup after any whitespace."""
    controls = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value)
    markup = re.search(r"<\s*[/!?a-zA-Z]", value)
    return bool(value.strip()) and not controls and not markup


@given(st.one_of(TEXT, st.text(max_size=40)))
def test_the_server_accepts_exactly_the_text_the_rule_allows(value: str) -> None:
    try:
        stored = SHORT.validate_python(value)
    except ValidationError:
        assert not _plain_in_its_own_words(value) or len(value) > 500
    else:
        assert _plain_in_its_own_words(value)
        assert stored == value.strip()


@given(st.one_of(TEXT, st.text(max_size=40)))
def test_the_fuzzers_engine_reads_the_published_pattern_as_the_server_does(value: str) -> None:
    # jsonschema_rs is what schemathesis validates with; Python's re is what the server runs.
    assert PUBLISHED.is_valid(value) == bool(re.fullmatch(FREE_TEXT_PATTERN, value))


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("Redness settled by day 3.", True),
        ("3 < 4 mm, 5 > 2", True),
        ("a < b", False),
        ("<3", True),
        ("  ends with a lone <", True),
        ("<script>alert(1)</script>", False),
        ("see < /b>", False),
        ("<< !-- comment", False),
        ("tab\there is fine\r\n", True),
        ("bell\x07", False),
        ("\u3000\u00a0", False),
        ("", False),
    ],
)
def test_examples_of_the_rule(value: str, allowed: bool) -> None:
    assert bool(re.fullmatch(FREE_TEXT_PATTERN, value)) is allowed
    assert PUBLISHED.is_valid(value) is allowed
    try:
        LONG.validate_python(value)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted is allowed


def test_the_refusal_names_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="contains control characters"):
        SHORT.validate_python("a\x00b")
    with pytest.raises(ValidationError, match="HTML or script markup"):
        SHORT.validate_python("<b>bold</b>")
    with pytest.raises(ValidationError, match="is empty"):
        SHORT.validate_python("   ")


def test_a_model_publishes_the_pattern_it_checks() -> None:
    name = ProfileIn.model_json_schema()["properties"]["name"]
    assert name["pattern"] == FREE_TEXT_PATTERN
