"""Values survive the trip through FHIR: intake answers through QuestionnaireResponse answers,
clinic values and documents through extensions (Hypothesis over JSON-shaped values)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from microneedling.clinic.interop.fhir_fields import Fields
from microneedling.clinic.interop.map_care import _answer, read_answer
from microneedling.clinic.interop.resources import ext, parse_moment

SCALARS = st.one_of(
    st.booleans(), st.integers(-(2**31), 2**31 - 1), st.text(max_size=30),
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
DOCUMENTS = st.recursive(
    st.one_of(st.none(), SCALARS),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip


@given(DOCUMENTS.filter(lambda v: v is not None))
def test_an_intake_answer_reads_back_as_written(value: Any) -> None:
    assert read_answer(_answer(value)) == value


@given(DOCUMENTS.filter(lambda v: isinstance(v, list | dict)))
def test_a_document_extension_reads_back_as_written(document: Any) -> None:
    resource = {"resourceType": "Basic", "id": "x", "extension": [ext("doc", document)]}
    assert Fields(resource, "test").doc("doc") == document


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)))  # fmt: skip
def test_a_moment_reads_back_to_the_microsecond(moment: datetime) -> None:
    written = ext("at", moment)["valueDateTime"]
    assert parse_moment(written) == moment
