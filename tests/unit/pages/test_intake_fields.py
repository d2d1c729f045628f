"""The intake form read into the core's Intake: 'no' and 'not asked' stay apart."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import FormData, UploadFile

from microneedling.errors import InvalidInput
from microneedling.screening import Intake
from microneedling.web.pages._intake_fields import intake_as_form, read_intake


def form(**fields: str | list[str]) -> FormData:
    items: list[tuple[str, str | UploadFile]] = []
    for key, value in fields.items():
        name = key.replace("__", ".")
        items += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return FormData(items)


def test_nothing_answered_is_not_asked() -> None:
    parsed = read_intake(form())
    assert parsed.intake == Intake()


def test_asked_with_nothing_marked_is_no() -> None:
    parsed = read_intake(
        form(conditions_asked="yes", medications_asked="yes", allergies_asked="yes")
    )
    assert parsed.intake is not None
    assert parsed.intake.conditions == []
    assert parsed.intake.medications == []
    assert parsed.intake.allergies == []
    assert parsed.intake.procedures is None


def test_marked_answers_become_records() -> None:
    parsed = read_intake(
        FormData(
            [
                ("areas", "cheeks"),
                ("areas", "forehead"),
                ("pregnant", "no"),
                ("fitzpatrick_type", "5"),
                ("condition.herpes_simplex", "past"),
                ("medication.isotretinoin", "stopped"),
                ("medication.isotretinoin.stopped_on", "2026-09-01"),
                ("procedure.dermal_filler", "yes"),
                ("procedure.dermal_filler.performed_on", "2026-06-01"),
                ("procedure.dermal_filler.in_area", "yes"),
                ("finding.1.site", "cheeks"),
                ("finding.1.finding", "active_acne"),
            ]
        )
    )
    intake = parsed.intake
    assert intake is not None
    assert intake.areas == ["cheeks", "forehead"]
    assert intake.pregnant is False
    assert intake.fitzpatrick_type == 5
    assert intake.conditions is not None
    assert [(c.code, c.current) for c in intake.conditions] == [("herpes_simplex", False)]
    assert intake.medications is not None
    assert intake.medications[0].stopped_on == date(2026, 9, 1)
    assert intake.procedures is not None
    assert intake.procedures[0].sites == ["cheeks", "forehead"]
    assert intake.skin_findings is not None
    assert intake.skin_findings[0].finding == "active_acne"


def test_core_errors_land_on_the_form_field_that_was_typed() -> None:
    parsed = read_intake(
        form(
            medication__topical_retinoid="stopped",
            medication__topical_retinoid__stopped_on="2026-01-05",
            finding__2__site="cheeks",
            finding__2__finding="sunburn",
        )
    )
    exc = InvalidInput("medications.0.stopped_on", "2099-01-01 is in the future")
    assert parsed.errors_from(exc) == {
        "medication.topical_retinoid.stopped_on": "2099-01-01 is in the future."
    }
    exc = InvalidInput("skin_findings.0.site", "unknown site")
    assert parsed.errors_from(exc) == {"finding.2.site": "Unknown site."}


def test_bad_values_are_named_in_words() -> None:
    parsed = read_intake(form(fitzpatrick_type="7", medication__isotretinoin="stopped"))
    assert parsed.intake is None
    assert parsed.errors == {
        "medication.isotretinoin.stopped_on": "Please give the date it was stopped."
    }
    parsed = read_intake(form(fitzpatrick_type="7"))
    assert parsed.errors["fitzpatrick_type"].startswith("Must be less than or equal to 6")


def test_a_stored_intake_reads_back_the_same_through_the_form() -> None:
    intake = Intake.model_validate(
        {
            "date_of_birth": "1984-03-02",
            "sex": "female",
            "pregnant": False,
            "breastfeeding": False,
            "fitzpatrick_type": 3,
            "areas": ["cheeks"],
            "conditions": [{"code": "herpes_simplex", "current": False, "sites": []}],
            "medications": [{"code": "isotretinoin", "stopped_on": "2026-01-01"}],
            "procedures": [],
            "allergies": ["lidocaine"],
            "skin_findings": [{"site": "cheeks", "finding": "naevus"}],
        }
    )
    single, multi = intake_as_form(intake)
    items: list[tuple[str, str | UploadFile]] = list(single.items())
    items += [(k, v) for k, vs in multi.items() for v in vs]
    assert read_intake(FormData(items)).intake == intake
