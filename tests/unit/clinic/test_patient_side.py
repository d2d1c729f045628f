"""Pure pieces of the patient's side: what a patient's answers may hold, the signature form,
signature images, and link tokens."""

from __future__ import annotations

import base64
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from starlette.datastructures import FormData

from microneedling.clinic.services.econsent import check_signature
from microneedling.clinic.services.intake_drafts import patient_reported
from microneedling.clinic.services.patient_links import qr_svg, token_digest
from microneedling.errors import InvalidInput
from microneedling.screening import Intake
from microneedling.web.patient.signing import DATA_URL_PREFIX, read_signature


def _png(draw: bool, kind: str = "PNG") -> bytes:
    image = Image.new("RGBA", (200, 80), (255, 255, 255, 0))
    if draw:
        ImageDraw.Draw(image).line([(10, 60), (100, 10), (190, 60)], fill="black", width=4)
    out = io.BytesIO()
    image.convert("RGB" if kind == "JPEG" else "RGBA").save(out, format=kind)
    return out.getvalue()


def test_a_patient_cannot_report_an_examination_or_classify_an_allergy() -> None:
    typed = Intake.model_validate({
        "areas": ["cheeks"], "skin_findings": [{"site": "cheeks", "finding": "naevus"}],
        "other_allergies": [{"description": "plasters", "classified_as": "unrelated"}],
        "allergies": ["lidocaine"]})  # fmt: skip
    reported = patient_reported(typed)
    assert reported.skin_findings is None
    assert [(a.description, a.classified_as) for a in reported.other_allergies or []] == [
        ("plasters", None)
    ]
    assert reported.allergies == ["lidocaine"]
    assert reported.areas == ["cheeks"]


def test_a_drawn_signature_passes_and_an_empty_or_other_image_does_not() -> None:
    check_signature(_png(True))
    with pytest.raises(InvalidInput, match="empty") as caught:
        check_signature(_png(False))
    assert caught.value.field == "signature"
    with pytest.raises(InvalidInput, match="PNG"):
        check_signature(_png(True, "JPEG"))
    with pytest.raises(InvalidInput, match="readable"):
        check_signature(b"not an image")


def _form(**fields: str) -> FormData:
    return FormData(list(fields.items()))


def test_the_signature_form_names_the_field_that_is_missing() -> None:
    drawn = DATA_URL_PREFIX + base64.b64encode(_png(True)).decode()
    good = read_signature(_form(signature=drawn, photo_consent="no", signer_name="Ann Lee"))
    assert good.photo_consent is False
    assert good.signature_png == _png(True)
    for fields, field in (
        ({"photo_consent": "no", "signer_name": "Ann Lee"}, "signature"),
        ({"signature": DATA_URL_PREFIX + "%%%", "photo_consent": "no", "signer_name": "A"},
         "signature"),
        ({"signature": drawn, "signer_name": "Ann Lee"}, "photo_consent"),
        ({"signature": drawn, "photo_consent": "yes"}, "signer_name"),
    ):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            read_signature(_form(**fields))
        assert caught.value.field == field


@given(st.text(min_size=1, max_size=80))
def test_a_token_digest_is_its_sha256_and_never_the_token(token: str) -> None:
    digest = token_digest(token)
    assert len(digest) == 64
    assert digest != token
    assert digest == token_digest(token)
    assert digest != token_digest(token + "x")


def test_the_qr_code_is_an_svg_image() -> None:
    svg = qr_svg("https://clinic.example/p/" + "a" * 43)
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
