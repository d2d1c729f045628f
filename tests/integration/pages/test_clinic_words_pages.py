"""Pages in people's words, on the demo clinic served over real HTTP: session numbers as the
patient counts them, ages beside dates of birth, one date format, knowledge-base names instead of
ids, and a plan's sources listed once in a disclosure."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from html import unescape

import httpx
import pytest
from sqlalchemy import select

from clinic_support import PASSWORD, demo_clinic_at
from microneedling.clinic import Actor, Clinic, Role
from microneedling.clinic.models import Patient, PlanRecord, StaffMember, TreatmentSession
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.signin import SignIn
from microneedling.reports.plan_summary import plan_citations
from microneedling.reports.words import born_with_age, day_date
from microneedling.web import create_app
from microneedling.web.auth import SESSION_COOKIE

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def demo_clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    """The demo clinic (patients at every stage of a course) in a zone far from UTC."""
    with demo_clinic_at(tmp_path_factory.mktemp("words"), "words.admin", "Wendy Words") as c:
        yield c


@pytest.fixture
def client(demo_clinic: Clinic, live_server: Callable[[object], str]) -> Iterator[httpx.Client]:
    issued = SignIn(demo_clinic).login("words.admin", PASSWORD, None, "cookie")
    with httpx.Client(base_url=live_server(create_app(clinic=demo_clinic)), timeout=120) as http:
        http.cookies.set(SESSION_COOKIE, issued.token)
        yield http


def _text(html: str, start: str = "<main") -> str:
    """What a reader sees from ``start`` on (a page's own content, after its navigation): the
    page without its tags (attributes and all)."""
    body = html.split(start, 1)[-1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _patient(clinic: Clinic, family: str) -> Patient:
    with clinic.db.transaction() as session:
        found = session.scalar(select(Patient).where(Patient.family_name == family))
        assert found is not None
        session.expunge(found)
        return found


def _sessions(clinic: Clinic, patient_id: int) -> list[int]:
    with clinic.db.transaction() as session:
        return list(
            session.scalars(
                select(TreatmentSession.id)
                .where(TreatmentSession.patient_id == patient_id)
                .order_by(TreatmentSession.id)
            )
        )


def _plan(clinic: Clinic, patient_id: int) -> int:
    with clinic.db.transaction() as session:
        found = session.scalar(select(PlanRecord.id).where(PlanRecord.patient_id == patient_id))
        assert found is not None
        return found


def test_sessions_are_numbered_as_the_patient_counts_them(
    demo_clinic: Clinic, client: httpx.Client
) -> None:
    tom = _patient(demo_clinic, "Okafor")
    first, second = _sessions(demo_clinic, tom.id)
    # Another patient's course came first: the database ids are not Tom's session numbers.
    assert first > 2
    record = _text(client.get(f"/patients/{tom.id}").text)
    assert "Session 1 " in record
    assert "Session 2 " in record
    assert f"Session {first} " not in record
    page = client.get(f"/sessions/{second}")
    assert page.status_code == 200
    assert "Treatment session 2" in _text(page.text)
    pdf = client.get(f"/sessions/{first}/aftercare.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-disposition"] == 'inline; filename="aftercare-session-1.pdf"'
    # A printed sheet's heading (whose session) sits above its <main>.
    sheet = _text(client.get(f"/sessions/{second}/aftercare").text, start="<body")
    assert "Session: 2," in sheet


def test_dates_of_birth_carry_the_age(demo_clinic: Clinic, client: httpx.Client) -> None:
    helen = _patient(demo_clinic, "Marsh")
    expected = born_with_age(helen.date_of_birth, demo_clinic.today())
    assert expected in _text(client.get(f"/patients/{helen.id}").text)
    assert expected in _text(client.get("/patients", params={"q": "Marsh"}).text)


def test_the_session_page_names_sites_not_their_ids(
    demo_clinic: Clinic, client: httpx.Client
) -> None:
    tom = _patient(demo_clinic, "Okafor")
    text = _text(client.get(f"/sessions/{_sessions(demo_clinic, tom.id)[0]}").text)
    assert demo_clinic.kb.sites["cheeks"].name in text
    assert " cheeks " not in text


def test_the_plan_lists_each_source_once_in_a_disclosure(
    demo_clinic: Clinic, client: httpx.Client
) -> None:
    helen = _patient(demo_clinic, "Marsh")
    plan_id = _plan(demo_clinic, helen.id)
    html = client.get(f"/plans/{plan_id}").text
    text = _text(html)
    assert html.count('<details class="sources source-list">') == 1
    assert "cite" in html
    with demo_clinic.db.transaction() as session:
        staff = session.scalar(select(StaffMember).where(StaffMember.username == "words.admin"))
        assert staff is not None
        actor = Actor(staff.id, staff.username, Role.ADMIN, "test")
    plan = PlanService(demo_clinic, actor).get(plan_id).plan
    _, references = plan_citations(plan)
    assert references
    listed = Counter(s.label for s in references)
    for label, times in listed.items():
        assert text.count(label) == times, label
    # The cartridge by its name, the dates in the one format.
    assert plan.device.cartridge_name is not None
    assert plan.device.cartridge_name in text
    assert f"cartridge {plan.device.cartridge}" not in text
    assert ISO_DATE.findall(text) == []
    for planned in plan.sessions:
        assert day_date(planned.date) in text


def test_the_course_page_says_dates_as_every_page_does(
    demo_clinic: Clinic, client: httpx.Client
) -> None:
    helen = _patient(demo_clinic, "Marsh")
    page = client.get(f"/plans/{_plan(demo_clinic, helen.id)}/course")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Maintenance due" in text
    assert '<details class="sources"><summary>Sources (' in page.text
    assert ISO_DATE.findall(text) == []
