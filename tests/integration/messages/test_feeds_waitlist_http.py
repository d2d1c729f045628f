"""Calendar feeds, the waitlist, the outbox and the recall list over real HTTP (uvicorn on
loopback), with the clinic in Europe/Berlin and a real SMTP server for the waitlist offer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import vobject

from mail_server import MailServer
from messages_support import DOMAIN, book_session, consented_course, register_patient
from microneedling.clinic import Clinic
from microneedling.clinic.messages import MessageWorker
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.locations import LocationIn, LocationService
from microneedling.clinic.services.signin import SignIn
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.web.auth import SESSION_COOKIE, csrf_token

if TYPE_CHECKING:
    from clinic_support import Clock, Team

PASSWORD = "correct horse battery staple"
NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


def _desk(api: httpx.Client) -> dict[str, str]:
    signed = api.post("/api/auth/token", json={"username": "front-desk", "password": PASSWORD})
    return {"Authorization": f"Bearer {signed.json()['token']}"}


def test_a_practitioner_feed_carries_updates_and_cancellations_and_can_be_revoked(
    clinic: Clinic, team: Team, live_api: httpx.Client, tokens: dict[str, dict[str, str]],
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    kept = book_session(clinic, team, world, "2027-03-05T10:00")
    gone = live_api.post(
        "/api/appointments", headers=tokens["front_desk"],
        json={"patient_id": world.patient_id, "practitioner_id": team.practitioner.staff_id,
              "room": "room-2", "kind": "consultation", "starts_at": "2027-03-03T15:30",
              "duration_minutes": 30},
    ).json()["id"]  # fmt: skip
    live_api.post(f"/api/appointments/{gone}/cancel", headers=tokens["front_desk"], json={})
    body = {"practitioner_id": team.practitioner.staff_id}
    refused = live_api.post("/api/calendar-feeds", headers=tokens["front_desk"], json=body)
    assert refused.status_code == 403
    made = live_api.post("/api/calendar-feeds", headers=tokens["admin"], json=body)
    assert made.status_code == 201
    path = made.json()["path"]
    assert "token" not in live_api.get("/api/calendar-feeds", headers=tokens["admin"]).json()[0]

    feed = live_api.get(path)  # no sign-in: the token is the key
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = {e.uid.value: e for e in vobject.readOne(feed.text).vevent_list}
    assert set(events) == {f"appointment-{kept}@{DOMAIN}", f"appointment-{gone}@{DOMAIN}"}
    cancelled = events[f"appointment-{gone}@{DOMAIN}"]
    assert cancelled.status.value == "CANCELLED"
    assert int(cancelled.sequence.value) == 1
    assert cancelled.dtstart.value == datetime(2027, 3, 3, 14, 30, tzinfo=UTC)
    booked = events[f"appointment-{kept}@{DOMAIN}"]
    assert booked.status.value == "CONFIRMED"
    assert booked.summary.value == "treatment session: M. M."
    assert "Mailer" not in feed.text

    revoked = live_api.post(
        f"/api/calendar-feeds/{made.json()['id']}/revoke", headers=tokens["admin"]
    )
    assert revoked.json()["revoked_at"] is not None
    assert live_api.get(path).status_code == 404
    assert live_api.get("/feeds/not-a-token.ics").status_code == 404


def test_a_cancelled_slot_is_offered_to_the_first_matching_waiting_patients(
    clinic: Clinic, team: Team, live_api: httpx.Client, tokens: dict[str, dict[str, str]],
    mail: MailServer, intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    appointment = book_session(clinic, team, world, "2027-03-05T10:00")
    first = register_patient(clinic, team, "Fay", "fay@example.org")
    second = register_patient(clinic, team, "Gus", "gus@example.org")
    elsewhere = register_patient(clinic, team, "Hal", "hal@example.org")
    desk = tokens["front_desk"]
    for patient, practitioner, earliest in (
        (first, team.practitioner.staff_id, "2027-03-04T08:00"),
        (elsewhere, team.medical_director.staff_id, "2027-03-04T08:00"),
        (second, None, "2027-03-05T09:00"),
    ):
        added = live_api.post(
            "/api/waitlist", headers=desk,
            json={"patient_id": patient, "practitioner_id": practitioner, "earliest": earliest,
                  "latest": "2027-03-06T18:00", "duration_minutes": 45},
        )  # fmt: skip
        assert added.status_code == 201, added.text
    bad = live_api.post(
        "/api/waitlist", headers=desk,
        json={"patient_id": first, "earliest": "2027-03-06T10:00", "latest": "2027-03-05T10:00"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert "latest" in bad.text

    MessageWorker(clinic).run_once()
    live_api.post(f"/api/appointments/{appointment}/cancel", headers=desk, json={})
    MessageWorker(clinic).run_once()
    offers = mail.find("An earlier time is free")
    assert sorted(str(m["To"]) for m in offers) == ["fay@example.org", "gus@example.org"]
    assert all("Friday 5 March 2027, 10:00 (Europe/Berlin)" in str(m["Subject"]) for m in offers)
    waiting = live_api.get("/api/waitlist", headers=desk).json()
    offered = {e["patient_id"]: e["offered_appointment_id"] for e in waiting}
    assert offered == {first: appointment, second: appointment, elsewhere: None}


def test_the_outbox_lists_by_state_retries_failures_and_cancels(
    clinic: Clinic, team: Team, live_api: httpx.Client, tokens: dict[str, dict[str, str]],
    mail: MailServer, intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    book_session(clinic, team, world, "2027-03-05T10:00")
    mail.stop()
    MessageWorker(clinic).run_once()
    desk = tokens["front_desk"]
    failed = live_api.get("/api/messages?state=failed", headers=desk).json()
    assert failed["total"] == 2
    assert live_api.get("/api/messages", headers=tokens["practitioner"]).status_code == 403
    scheduled = live_api.get("/api/messages?state=scheduled", headers=desk).json()["items"]
    assert {m["kind"] for m in scheduled} == {"reminder", "aftercare_check"}
    wrong = live_api.post(f"/api/messages/{scheduled[0]['id']}/retry", headers=desk)
    assert wrong.status_code == 409  # refused: the message is scheduled, not failed
    assert wrong.headers["content-type"] == "application/problem+json"
    assert "message_id" in wrong.text
    cancelled = live_api.post(
        f"/api/messages/{scheduled[0]['id']}/cancel", headers=desk, json={"reason": "asked"}
    )
    assert cancelled.json()["state"] == "cancelled"
    mail.start()
    retried = live_api.post(f"/api/messages/{failed['items'][0]['id']}/retry", headers=desk)
    assert retried.status_code == 200
    assert MessageWorker(clinic).run_once().sent == 1
    assert len(mail.messages) == 1

    issued = SignIn(clinic).login("front-desk", PASSWORD, None, "cookie")
    with httpx.Client(base_url=live_api.base_url, timeout=60) as browser:
        browser.cookies.set(SESSION_COOKIE, issued.token)
        page = browser.get("/messages?state=failed")
        assert page.status_code == 200
        assert "Retry" in page.text
        assert "mia@example.org" in page.text
        odd = browser.get("/messages?state=lost")
        assert odd.status_code == 422
        assert "choose one of" in odd.text
        other = failed["items"][1]["id"]
        posted = browser.post(
            f"/messages/{other}/cancel", data={"csrf_token": csrf_token(clinic, issued.token)}
        )
        assert posted.status_code == 303


def test_the_recall_list_shows_a_lapsed_series_and_exports_csv_and_books_from_it(
    clinic: Clinic, team: Team, clock: Clock, live_api: httpx.Client,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    day = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    appointment_id = book_session(clinic, team, world, day.isoformat())
    clock.set(day + timedelta(minutes=5))
    treat = TreatmentService(clinic, team.practitioner)
    sid = treat.start(SessionStart(appointment_id=appointment_id, device_id=world.device_id,
                                   lot_id=world.lot_id, check=NO)).id  # fmt: skip
    treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=2))
    clock.advance(minutes=40)
    treat.complete(sid, SessionCompletion(treatment_started_at=day + timedelta(minutes=10),
                                          treatment_ended_at=day + timedelta(minutes=30),
                                          end_point="pinpoint_bleeding"))  # fmt: skip
    desk = _desk(live_api)
    assert live_api.get("/api/recall", headers=desk).json() == []
    clock.set(day + timedelta(weeks=10))
    desk = _desk(live_api)  # a new token: the clock has moved past the old one's lifetime
    entries = live_api.get("/api/recall?reason=lapsed_series", headers=desk).json()
    assert [(e["patient_id"], e["reason"], e["sessions_done"]) for e in entries] == [
        (world.patient_id, "lapsed_series", 1)
    ]
    assert live_api.get("/api/recall?reason=maintenance", headers=desk).json() == []
    # Called back to where they were seen; another location's list does not have them.
    main = entries[0]["location_id"]
    assert main == live_api.get("/api/locations", headers=desk).json()[0]["id"]
    annex = LocationIn(
        name="Annex", timezone="Europe/Berlin", opening_hours="mon 09:00-12:00", rooms=["a-1"]
    )
    other = LocationService(clinic, team.admin).create(annex)
    assert len(live_api.get(f"/api/recall?location_id={main}", headers=desk).json()) == 1
    assert live_api.get(f"/api/recall?location_id={other.id}", headers=desk).json() == []
    csv = live_api.get("/api/recall/csv?reason=lapsed_series", headers=desk)
    assert csv.headers["content-type"].startswith("text/csv")
    header, row = csv.text.strip().split("\r\n")
    assert header.startswith("patient_id,patient_name,email")
    assert row.startswith(f"{world.patient_id},Mia Mailer,mia@example.org,")
    bad = live_api.get("/api/recall?due_by=soon", headers=desk)
    assert bad.status_code == 422

    issued = SignIn(clinic).login("front-desk", PASSWORD, None, "cookie")
    with httpx.Client(base_url=live_api.base_url, timeout=60) as browser:
        browser.cookies.set(SESSION_COOKIE, issued.token)
        page = browser.get("/recall")
        assert "Mia Mailer" in page.text
        assert "series lapsed" in page.text
        link = f"/patients/{world.patient_id}/book?kind=session&amp;plan_id={world.plan_id}"
        assert link in page.text
        booking = browser.get(link.replace("&amp;", "&") + "&date=2027-05-12")
        assert 'value="2027-05-12"' in booking.text
        assert browser.get("/recall.csv").text.startswith("patient_id,")
