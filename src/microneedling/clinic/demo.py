"""A demo clinic: staff, devices and lots, and patients at every stage of a course.

Built through the same services as real use, so every demo record passed the same rules.
Courses that lie in the past are played on a clock set back in time. Passwords are generated
and returned once, to be printed at start; nothing about them is stored but their hashes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PIL import Image

from microneedling.clinic.actor import Actor
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.roles import Role
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import NoteIn, PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanIn, PlanOut
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.approvals import ApprovalService, DecisionIn
from microneedling.clinic.services.chart_reviews import ChartReviewService, ReviewIn
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn, RecallIn
from microneedling.clinic.services.examinations import ExamIn, ExaminationService
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.locations import LocationIn, LocationService
from microneedling.clinic.services.outcomes import OutcomeIn, OutcomeService, PhotoIn
from microneedling.clinic.services.passwords import generate_password
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.staff import StaffIn, create_staff, staff_count
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NO_CHANGES = PreTreatmentCheck(
    new_medication=False, pregnant=False, cold_sore=False, breakout=False
)
CONTACT = {"name": "Demo Skin Clinic", "phone": "+44 20 7946 0999", "after_hours": "NHS 111"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    password: str


class _Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def _intake(**extra: Any) -> Intake:
    answers: dict[str, Any] = {
        "pregnant": False, "breastfeeding": False, "fitzpatrick_type": 3,
        "conditions": [], "medications": [], "procedures": [], "allergies": [],
        "skin_findings": [],
    }  # fmt: skip
    answers.update(extra)
    return Intake.model_validate(answers)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (214, 170, 150)).save(out, format="JPEG")
    return out.getvalue()


class DemoBuilder:
    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic
        self.clock = _Clock(clinic.now())
        self.past = Clinic(clinic.settings, clinic.db, clock=self.clock)
        hours = clinic.settings.hours
        self.closed = [WEEKDAYS[d] for d in range(7) if d not in hours.days]

    def staff(self) -> tuple[list[DemoAccount], dict[Role, Actor]]:
        accounts, actors = [], {}
        for username, name, role in (
            ("admin", "Alex Admin", Role.ADMIN),
            ("dr.hale", "Dr Rosa Hale", Role.PRACTITIONER),
            ("desk", "Sam Reception", Role.FRONT_DESK),
            ("dr.osei", "Dr Kwame Osei", Role.MEDICAL_DIRECTOR),
        ):
            password = generate_password()
            out = create_staff(
                self.clinic, StaffIn(username=username, full_name=name, role=role,
                                     password=password)
            )  # fmt: skip
            accounts.append(DemoAccount(username, name, role, password))
            actors[role] = Actor(out.id, username, role, "demo")
        return accounts, actors

    def devices(self, admin: Actor) -> dict[str, tuple[int, int]]:
        """One device and one good lot per knowledge-base device; one expired, one recalled."""
        service = DeviceService(self.past, admin)
        today = self.clinic.today()
        usable: dict[str, tuple[int, int]] = {}
        for number, kb_device in enumerate(self.clinic.kb.devices.values(), start=1):
            device = service.register_device(
                DeviceIn(device_type=kb_device.id, serial_number=f"DEMO-{number:03d}",
                         label=f"{kb_device.name} #{number}")
            )  # fmt: skip
            cartridge = kb_device.cartridges[-1] if kb_device.cartridges else None
            lot = {
                "device_type": kb_device.id,
                "cartridge_id": cartridge.id if cartridge else None,
                "needle_count": cartridge.needle_count if cartridge
                else kb_device.roller_needle_count,
                "needle_length_mm": kb_device.max_needle_length_mm,
            }  # fmt: skip
            good = service.register_lot(
                LotIn.model_validate({**lot, "lot_number": f"LOT-{number:03d}-A",
                                      "expires_on": today + timedelta(days=400)})
            )  # fmt: skip
            usable[kb_device.id] = (device.id, good.id)
            if number == 1:
                service.register_lot(
                    LotIn.model_validate({**lot, "lot_number": f"LOT-{number:03d}-OLD",
                                          "expires_on": today - timedelta(days=30)})
                )  # fmt: skip
                recalled = service.register_lot(
                    LotIn.model_validate({**lot, "lot_number": f"LOT-{number:03d}-RCL",
                                          "expires_on": today + timedelta(days=200)})
                )  # fmt: skip
                service.recall(recalled.id, RecallIn(reason="demo: maker's sterility recall"))
        return usable

    def _slot(self, day: date) -> datetime:
        opens, _ = self.clinic.settings.hours.days[day.weekday()]
        start = datetime.combine(day, time(opens.hour, opens.minute), self.clinic.zone)
        return start + timedelta(minutes=30)

    def _set(self, moment: datetime) -> None:
        self.clock.moment = moment.astimezone(UTC)

    def patient(self, desk: Actor, given: str, family: str, born: str, **extra: Any) -> int:
        data = {"given_name": given, "family_name": family, "date_of_birth": born, **extra}
        return PatientService(self.past, desk).register(PatientIn.model_validate(data)).id

    def plan(self, doc: Actor, patient_id: int, intake: Intake, course: dict[str, Any]) -> PlanOut:
        IntakeService(self.past, doc).record(patient_id, IntakeIn(answers=intake))
        request = RequestedCourse.model_validate(
            {**course, "closed_weekdays": self.closed, "contact": CONTACT,
             "start_date": self.clinic.local(self.clock.moment).date()}
        )  # fmt: skip
        plans = PlanService(self.past, doc)
        plan = plans.create(patient_id, PlanIn(course=request))
        name = PatientService(self.past, doc).get(patient_id)
        return plans.consent(
            plan.id,
            ConsentIn(version=1, consented_by=f"{name.given_name} {name.family_name}",
                      method="signature"),
        )  # fmt: skip

    def oversee(self, director: Actor, patient_id: int, plan: PlanOut) -> None:
        """The medical director examines the patient and approves the plan, on the clock's day."""
        day = self.clinic.local(self.clock.moment).date()
        ExaminationService(self.past, director).record(
            patient_id, ExamIn(examined_on=day, note="Good-faith examination: fit for treatment.")
        )
        ApprovalService(self.past, director).decide(
            plan.id, DecisionIn(version=plan.current_version, decision="approved")
        )

    def course(
        self,
        actors: dict[Role, Actor],
        patient_id: int,
        plan: PlanOut,
        kit: tuple[int, int],
        done: int,
        at: tuple[int, str] | None = None,
    ) -> None:
        """Play the first ``done`` sessions in the past; book the rest that lie ahead; ``at``:
        a location and one of its rooms (default: the default location's first room)."""
        doc, desk = actors[Role.PRACTITIONER], actors[Role.FRONT_DESK]
        now = self.clinic.now()
        for planned in plan.plan.sessions:
            slot = self._slot(planned.date)
            booking = AppointmentIn(
                patient_id=patient_id, practitioner_id=doc.staff_id, kind="session",
                room=at[1] if at else self.clinic.settings.rooms[0], plan_id=plan.id,
                starts_at=slot, duration_minutes=60, location_id=at[0] if at else None,
            )  # fmt: skip
            if planned.number > done:
                if slot > now:
                    AppointmentService(self.clinic, desk).book(booking)
                continue
            self._set(slot - timedelta(hours=1))
            appointment = AppointmentService(self.past, desk).book(booking)
            self._set(slot + timedelta(minutes=5))
            treat = TreatmentService(self.past, doc)
            session = treat.start(
                SessionStart(appointment_id=appointment.id, device_id=kit[0], lot_id=kit[1],
                             check=NO_CHANGES, anaesthetic_started_at=slot)
            )  # fmt: skip
            for area in planned.areas:
                treat.record_area(
                    session.id, AreaIn(site=area.site, depth_mm=area.depth_mm, passes=area.passes)
                )
            self._set(slot + timedelta(minutes=70))
            treat.complete(
                session.id,
                SessionCompletion(
                    treatment_started_at=slot + timedelta(minutes=35),
                    treatment_ended_at=slot + timedelta(minutes=60),
                    end_point="pinpoint_bleeding",
                    products_after=["hyaluronic acid serum", "mineral sunscreen SPF 50"],
                ),
            )

    def follow_up(self, actors: dict[Role, Actor], patient_id: int, plan: PlanOut) -> None:
        doc, desk = actors[Role.PRACTITIONER], actors[Role.FRONT_DESK]
        last = plan.plan.sessions[-1].date
        day = last + timedelta(weeks=6)
        while day.weekday() not in self.clinic.settings.hours.days:
            day += timedelta(days=1)
        slot = self._slot(day)
        self._set(slot - timedelta(hours=1))
        appointment = AppointmentService(self.past, desk).book(
            AppointmentIn(
                patient_id=patient_id, practitioner_id=doc.staff_id, kind="follow_up",
                room=self.clinic.settings.rooms[-1], plan_id=plan.id, starts_at=slot,
                duration_minutes=20,
            )
        )  # fmt: skip
        self._set(slot + timedelta(minutes=20))
        outcomes = OutcomeService(self.past, doc)
        for area in plan.plan.areas:
            for concern in area.concerns:
                scale = self.clinic.kb.concerns[concern.concern].scale
                score = scale.best + 0.4 * (scale.worst - scale.best)
                outcome = outcomes.record(
                    patient_id,
                    OutcomeIn(plan_id=plan.id, appointment_id=appointment.id,
                              assessed_on=day, concern=concern.concern,
                              clinician_score=round(score, 1), patient_satisfaction=8),
                )  # fmt: skip
        outcomes.add_photo(
            patient_id, PhotoIn(stage="follow_up", site=plan.plan.areas[0].site, view="front",
                                outcome_id=outcome.id, taken_on=day), _photo()
        )  # fmt: skip


def seed_demo(clinic: Clinic) -> list[DemoAccount]:
    """Fill an empty clinic with demo records; refuse if any staff account exists."""
    if staff_count(clinic) > 0:
        raise ValueError("the clinic already has staff accounts; the demo needs an empty one")
    build = DemoBuilder(clinic)
    accounts, actors = build.staff()
    doc, desk = actors[Role.PRACTITIONER], actors[Role.FRONT_DESK]
    today = clinic.today()
    pen = {"device": "generic_pen_12", "cartridge": "36"}
    face = {"areas": [
        {"site": "cheeks", "concerns": [{"concern": "fine_lines", "severity": "moderate"}]},
        {"site": "forehead", "concerns": [{"concern": "wrinkles", "severity": "mild"}]},
    ], **pen}  # fmt: skip
    scars = {"areas": [{"site": "cheeks", "concerns": [
        {"concern": "acne_scars_rolling", "severity": "moderate"}]}], **pen}  # fmt: skip

    # Finished: the course played 40 weeks ago, followed up, scored and photographed.
    build._set(build._slot(today - timedelta(weeks=40)) - timedelta(hours=2))
    kit = build.devices(actors[Role.ADMIN])
    done = build.patient(desk, "Helen", "Marsh", "1971-04-12", sex="female",
                         email="helen.marsh@example.org", consent_photos=True)  # fmt: skip
    plan = build.plan(doc, done, _intake(areas=["cheeks", "forehead"]), face)
    director = actors[Role.MEDICAL_DIRECTOR]
    build.oversee(director, done, plan)
    build.course(actors, done, plan, kit["generic_pen_12"], done=len(plan.plan.sessions))
    build.follow_up(actors, done, plan)
    first = TreatmentService(build.past, doc).for_patient(done)[0]
    ChartReviewService(build.past, director).review(
        first.id, ReviewIn(finding="acceptable", comment="Depths and end-point as planned.")
    )

    # Mid-course: two sessions done, the rest booked.
    build._set(build._slot(today - timedelta(weeks=5)) - timedelta(hours=2))
    mid = build.patient(desk, "Tom", "Okafor", "1993-08-30", sex="male",
                        phone="+44 7700 900123", consent_messages=True)  # fmt: skip
    plan = build.plan(doc, mid, _intake(areas=["cheeks"], fitzpatrick_type=5), scars)
    build.oversee(director, mid, plan)
    build.course(actors, mid, plan, kit["generic_pen_12"], done=2)
    PatientService(build.past, doc).add_note(
        mid, NoteIn(text="Fitzpatrick V: conservative depth; tolerating well so far.")
    )

    # Planned, sessions booked from next week at the second location; the plan waits for the
    # medical director.
    build._set(clinic.now())
    riverside = LocationService(clinic, actors[Role.ADMIN]).create(
        LocationIn(name="Riverside", address="2 Riverside Walk, London SE1",
                   phone="+44 20 7946 0998", timezone=clinic.settings.timezone,
                   opening_hours=clinic.settings.opening_hours, rooms=["river-1"])
    )  # fmt: skip
    planned = build.patient(desk, "Grace", "Lindqvist", "1985-02-17", sex="female",
                            email="grace.l@example.org")  # fmt: skip
    plan = build.plan(doc, planned, _intake(areas=["cheeks", "forehead"]),
                      {**face, "start_date": today + timedelta(days=7)})  # fmt: skip
    build.course(actors, planned, plan, kit["generic_pen_12"], done=0, at=(riverside.id, "river-1"))

    # Screened (cold-sore history: eligible with precautions), not yet planned.
    screened = build.patient(desk, "Priya", "Nair", "1988-11-03", sex="female")
    IntakeService(clinic, doc).record(
        screened,
        IntakeIn(answers=_intake(areas=["perioral"], conditions=[
            {"code": "herpes_simplex", "current": False}])),
    )  # fmt: skip
    # New: registered at the desk only.
    build.patient(desk, "Jonas", "Weber", "1999-06-21", phone="+49 30 1234567")
    return accounts
