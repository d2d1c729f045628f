"""Sites as a hierarchy: a rule reads a site's containing regions and the sites within it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from screening_cases import TODAY, intake
from test_screening_properties import past_days

from microneedling.knowledge import UnknownEntry, load_knowledge
from microneedling.knowledge.contraindications import (
    CONDITION_CODES,
    PROCEDURE_KINDS,
    SKIN_FINDING_CODES,
)
from microneedling.screening import screen

KB = load_knowledge()
BODY = KB.anatomy
NESTED = [s for s in KB.sites if BODY.ancestors(s)]


def test_decolletage_lies_within_chest_and_the_trunk() -> None:
    assert BODY.ancestors("decolletage") == ["chest", "trunk"]
    assert BODY.ancestors("periorbital") == ["face"]
    assert BODY.overlaps("chest", "decolletage")
    assert BODY.overlaps("face", "cheeks")
    assert not BODY.overlaps("cheeks", "forehead")


def test_radiotherapy_to_the_chest_fires_irradiated_skin_for_the_decolletage() -> None:
    result = screen(
        intake(
            areas=["decolletage"],
            procedures=[{"kind": "radiotherapy", "performed_on": "2019-01-01", "sites": ["chest"]}],
        ),
        KB,
        TODAY,
    )
    fired = {f.rule_id: f for f in result.findings}
    assert "irradiated_area" in fired
    assert fired["irradiated_area"].sites == ["decolletage"]


def test_a_finding_on_the_face_concerns_treated_cheeks_but_not_treated_hands() -> None:
    wart = [{"site": "face", "finding": "wart"}]
    on_face = screen(intake(areas=["cheeks"], skin_findings=wart), KB, TODAY)
    on_hands = screen(intake(areas=["hands"], skin_findings=wart), KB, TODAY)
    assert "wart_in_area" in {f.rule_id for f in on_face.findings}
    assert "wart_in_area" not in {f.rule_id for f in on_hands.findings}


def test_a_region_is_accepted_where_the_body_is_described_but_not_as_a_treated_area() -> None:
    screen(intake(conditions=[{"code": "psoriasis", "sites": ["trunk"]}]), KB, TODAY)
    with pytest.raises(UnknownEntry) as caught:
        screen(intake(areas=["face"]), KB, TODAY)
    assert caught.value.field == "areas.0"


def _record(kind: str, code: str, where: str, when: Any) -> dict[str, Any]:
    if kind == "conditions":
        return {"conditions": [{"code": code, "sites": [where]}]}
    if kind == "procedures":
        return {"procedures": [{"kind": code, "performed_on": when, "sites": [where]}]}
    return {"skin_findings": [{"site": where, "finding": code, "since": when}]}


@settings(max_examples=300, deadline=None)
@given(
    site=st.sampled_from(NESTED),
    data=st.data(),
    when=past_days.map(lambda d: d.isoformat()),
)
def test_a_rule_fires_the_same_for_a_site_and_for_the_region_containing_it(
    site: str, data: st.DataObject, when: str
) -> None:
    region = data.draw(st.sampled_from(BODY.ancestors(site)))
    kind, codes = data.draw(
        st.sampled_from(
            [
                ("conditions", CONDITION_CODES),
                ("procedures", PROCEDURE_KINDS),
                ("skin_findings", SKIN_FINDING_CODES),
            ]
        )
    )
    code = data.draw(st.sampled_from(codes))
    at_site = screen(intake(areas=[site], **_record(kind, code, site, when)), KB, TODAY)
    at_region = screen(intake(areas=[site], **_record(kind, code, region, when)), KB, TODAY)
    assert at_site.decision == at_region.decision
    assert at_site.deferred_until == at_region.deferred_until
    assert [f.rule_id for f in at_site.findings] == [f.rule_id for f in at_region.findings]
    if region in KB.sites:  # a treated region reads what is recorded on a site within it
        inside = screen(intake(areas=[region], **_record(kind, code, site, when)), KB, TODAY)
        assert [f.rule_id for f in inside.findings] == [f.rule_id for f in at_site.findings]
