"""The clinic's name and logo from its profile on every page header and printed document, on
the demo clinic served over real HTTP: the logo linked by its checksum on pages, embedded in the
PDFs (nothing fetched), and gone everywhere once removed."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterator

import httpx
import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select

from clinic_support import PASSWORD, demo_clinic_at
from microneedling.clinic import Actor, Clinic, Role
from microneedling.clinic.models import Patient, PlanRecord, StaffMember, TreatmentSession
from microneedling.clinic.services.econsent import ConsentDocumentService
from microneedling.clinic.services.locations import LocationService, ProfileIn
from microneedling.clinic.services.signin import SignIn
from microneedling.web import create_app
from microneedling.web.auth import SESSION_COOKIE, csrf_token

#: Not the settings' name: what is printed must come from the profile.
PROFILE_NAME = "Harbourside Skin Rooms"


@pytest.fixture(scope="module")
def demo_clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    root = tmp_path_factory.mktemp("letterhead")
    with demo_clinic_at(root, "head.admin", "Hana Head", clinic_name="Settings Name Clinic") as c:
        yield c


@pytest.fixture
def admin(demo_clinic: Clinic) -> Actor:
    with demo_clinic.db.transaction() as session:
        staff = session.scalar(select(StaffMember).where(StaffMember.username == "head.admin"))
        assert staff is not None
        return Actor(staff.id, staff.username, Role.ADMIN, "test")


@pytest.fixture
def client(demo_clinic: Clinic, live_server: Callable[[object], str]) -> Iterator[httpx.Client]:
    issued = SignIn(demo_clinic).login("head.admin", PASSWORD, None, "cookie")
    with httpx.Client(base_url=live_server(create_app(clinic=demo_clinic)), timeout=120) as http:
        http.cookies.set(SESSION_COOKIE, issued.token)
        yield http


def _logo() -> bytes:
    """A two-colour logo whose pixels are easy to find again."""
    image = Image.new("RGB", (96, 40), (20, 90, 160))
    ImageDraw.Draw(image).rectangle((10, 8, 50, 30), fill=(240, 200, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _images(pdf: bytes) -> list[np.ndarray]:
    """Each distinct image in the PDF as RGB pixels."""
    found = {im.name: im.image for page in PdfReader(io.BytesIO(pdf)).pages for im in page.images}
    return [np.asarray(im.convert("RGB")) for im in found.values()]


def _has_logo(pdf: bytes) -> bool:
    logo = np.asarray(Image.open(io.BytesIO(_logo())).convert("RGB"))
    return any(im.shape == logo.shape and np.array_equal(im, logo) for im in _images(pdf))


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _signature() -> str:
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 90), (140, 30), (280, 80)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _first_plan_and_session(clinic: Clinic) -> tuple[int, int]:
    with clinic.db.transaction() as session:
        row = session.execute(
            select(PlanRecord.id, TreatmentSession.id)
            .join(Patient, Patient.id == PlanRecord.patient_id)
            .join(TreatmentSession, TreatmentSession.patient_id == Patient.id)
            .order_by(TreatmentSession.id)
            .limit(1)
        ).one()
        return int(row[0]), int(row[1])


def test_pages_show_the_logo_by_its_checksum_only_when_the_clinic_has_one(
    demo_clinic: Clinic, admin: Actor, client: httpx.Client
) -> None:
    profile = LocationService(demo_clinic, admin)
    profile.remove_logo()
    for path in ("/patients", "/login"):
        assert 'class="clinic-logo"' not in client.get(path).text
    sha = profile.set_logo(_logo()).logo_sha256
    assert sha is not None
    page = client.get("/patients").text
    name = profile.profile().name
    img = re.search(r'<img class="clinic-logo" src="([^"]+)" alt="([^"]+)"', page)
    assert img is not None
    assert img.group(1).endswith(f"/clinic-logo?v={sha[:12]}")
    assert img.group(2) == f"{name} logo"
    assert 'class="clinic-logo"' in client.get("/login").text  # signed out, too
    served = client.get(img.group(1))
    assert served.status_code == 200
    assert "immutable" in served.headers["cache-control"]  # a new logo is a new URL
    assert "immutable" not in client.get("/clinic-logo").headers["cache-control"]
    profile.remove_logo()
    assert 'class="clinic-logo"' not in client.get("/patients").text


def test_printed_documents_carry_the_profile_name_and_the_embedded_logo(
    demo_clinic: Clinic, admin: Actor, client: httpx.Client
) -> None:
    profile = LocationService(demo_clinic, admin)
    profile.update_profile(ProfileIn(name=PROFILE_NAME))
    profile.set_logo(_logo())
    plan_id, session_id = _first_plan_and_session(demo_clinic)
    summary = client.get(f"/plans/{plan_id}/summary.pdf")
    assert summary.status_code == 200
    sheet = client.get(f"/sessions/{session_id}/aftercare.pdf")
    assert sheet.status_code == 200
    for pdf in (summary.content, sheet.content):
        assert _has_logo(pdf)
        assert PROFILE_NAME in _text(pdf)
        assert "Settings Name Clinic" not in _text(pdf)
    printed = client.get(f"/plans/{plan_id}/summary").text
    assert 'src="data:image/png;base64,' in printed  # the printed page fetches nothing either

    doc = ConsentDocumentService(demo_clinic, admin).prepare(plan_id)
    signed = client.post(
        f"/consent-documents/{doc.id}/sign",
        data={"signer_name": "Pat Patient", "photo_consent": "no", "signature": _signature(),
              "csrf_token": csrf_token(demo_clinic, client.cookies[SESSION_COOKIE])},
    )  # fmt: skip
    assert signed.status_code in (200, 303), signed.text
    consent = ConsentDocumentService(demo_clinic, admin).pdf(doc.id)
    assert _has_logo(consent)
    assert len(_images(consent)) == 2  # the logo and the drawn signature
    assert PROFILE_NAME in _text(consent)

    profile.remove_logo()
    plain = client.get(f"/plans/{plan_id}/summary.pdf").content
    assert _images(plain) == []
    assert PROFILE_NAME in _text(plain)
