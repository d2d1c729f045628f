"""A male patient cannot be recorded as pregnant or breastfeeding.

The pregnancy and breastfeeding rules are not asked of male patients, so a "yes" beside
sex "male" would be silently dropped by screening; the intake refuses it instead, naming the
answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from microneedling.screening import Intake


@pytest.mark.parametrize("answer", ["pregnant", "breastfeeding"])
def test_a_yes_beside_sex_male_is_refused_naming_the_answer(answer: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Intake.model_validate({"sex": "male", answer: True})
    assert [e["loc"] for e in caught.value.errors()] == [(answer,)]


@given(
    sex=st.sampled_from([None, "female", "male"]),
    pregnant=st.sampled_from([None, False, True]),
    breastfeeding=st.sampled_from([None, False, True]),
)
def test_only_the_male_yes_combinations_are_refused(
    sex: str | None, pregnant: bool | None, breastfeeding: bool | None
) -> None:
    answers: dict[str, Any] = {"sex": sex, "pregnant": pregnant, "breastfeeding": breastfeeding}
    yes = {(k,) for k in ("pregnant", "breastfeeding") if answers[k] is True}
    if sex == "male" and yes:
        with pytest.raises(ValidationError) as caught:
            Intake.model_validate(answers)
        assert {e["loc"] for e in caught.value.errors()} == yes
    else:
        assert Intake.model_validate(answers).pregnant is pregnant
