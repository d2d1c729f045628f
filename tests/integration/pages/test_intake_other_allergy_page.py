"""The intake page records an allergy in the patient's words and its classification; the
screening beside the form stays incomplete until it is classified."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE, csrf_token

if TYPE_CHECKING:
    from clinic_support import ApiWorld

PASSWORD = "correct horse battery staple"
ANSWERED = {
    "sex": "female", "pregnant": "no", "breastfeeding": "no", "fitzpatrick_type": "2",
    "date_of_birth": "1984-05-01", "areas": "cheeks", "conditions_asked": "yes",
    "medications_asked": "yes", "procedures_asked": "yes", "allergies_asked": "yes",
    "skin_findings_asked": "yes",
}  # fmt: skip


@pytest.fixture
def browser(api_world: ApiWorld) -> Iterator[tuple[httpx.Client, str]]:
    issued = SignIn(api_world.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=api_world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        yield client, csrf_token(api_world.clinic, issued.token)


def _preview(browser: tuple[httpx.Client, str], world: ApiWorld, **extra: str) -> str:
    client, csrf = browser
    url = f"/patients/{world.ids['patient']}/intake/preview"
    response = client.post(url, data={"csrf_token": csrf, **ANSWERED, **extra})
    assert response.status_code < 500, response.text
    return " ".join(response.text.split())


def test_an_unclassified_other_allergy_is_incomplete_and_a_classified_one_is_read(
    api_world: ApiWorld, browser: tuple[httpx.Client, str]
) -> None:
    words = {"other_allergy.0.description": "rash from a watch strap"}
    waiting = _preview(browser, api_world, **words)
    assert "field-error" not in waiting
    assert "Classify the allergy &#39;rash from a watch strap&#39;" in waiting
    done = _preview(browser, api_world, **words, **{"other_allergy.0.classified_as": "nickel"})
    assert "field-error" not in done
    assert "Classify the allergy" not in done
    assert "Allergy to a metal" in done


def test_a_classification_without_a_description_is_refused_beside_the_field(
    api_world: ApiWorld, browser: tuple[httpx.Client, str]
) -> None:
    page = _preview(browser, api_world, **{"other_allergy.1.classified_as": "gold"})
    assert "Please describe the allergy." in page
