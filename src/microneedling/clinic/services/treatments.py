"""Treatment sessions: pre-treatment check, lot and depth rules, timeline, adverse events.

The pre-treatment check asks four questions on the day. Any "yes" becomes a new intake version
and is re-screened by the core; if the patient may no longer be treated the session is recorded
as stopped, with the reasons, and goes no further. A session refuses a recalled or expired lot,
a lot or device of another type than the plan's, and any depth beyond the device's labelled
maximum, the lot's needle length, the plan's depth for the area or a new screening cap. Where
the clinic asks for them, a session also needs the patient's valid good-faith examination and a
medical director's approval of the plan (``services/examinations.py``, ``services/approvals.py``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import clinic_contact
from microneedling.clinic.models import (
    AdverseEvent,
    Appointment,
    ScreeningRecord,
    TreatedArea,
    TreatmentSession,
)
from microneedling.clinic.paging import Page, PageRequest, every_item, paginate
from microneedling.clinic.past_only import not_after_now
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.treatments import (
    AdverseEventIn,
    AdverseEventOut,
    AreaIn,
    AreaOut,
    SessionCompletion,
    SessionFilter,
    SessionOut,
    SessionStart,
)
from microneedling.clinic.services.approvals import refuse_unapproved_plan
from microneedling.clinic.services.consent_rules import refuse_unsigned_consent
from microneedling.clinic.services.course_number import course_number
from microneedling.clinic.services.devices import lot_refusal
from microneedling.clinic.services.examinations import refuse_without_valid_exam
from microneedling.clinic.services.intake_records import (
    treatable_screening,
)
from microneedling.clinic.services.lookups import (
    current_treatment_plan,
    get_appointment,
    get_device,
    get_lot,
    get_plan,
    get_treatment,
    live_patient,
)
from microneedling.clinic.services.pre_treatment_check import recheck
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import (
    AftercareSheet,
    aftercare_sheet,
)
from microneedling.planning.depth import DepthLimit, first_exceeded


class TreatmentService(Service):
    def start(self, data: SessionStart) -> SessionOut:
        clinic = self.clinic
        today = clinic.today()
        with self.unit(Permission.TREAT) as u:
            appointment = get_appointment(u.session, data.appointment_id)
            if appointment.kind != "session" or appointment.plan_id is None:
                raise InvalidInput("appointment_id", "the appointment is not a treatment session")
            if appointment.status != "booked":
                raise RequestRefused("appointment_id", f"the appointment is {appointment.status}")
            if clinic.local(appointment.starts_at).date() != today:
                raise RequestRefused("appointment_id", "the appointment is not today")
            if u.session.scalar(
                select(TreatmentSession.id).where(TreatmentSession.appointment_id == appointment.id)
            ):
                raise RequestRefused("appointment_id", "a session is already recorded for it")
            record = get_plan(u.session, appointment.plan_id)
            refuse_unsigned_consent(u.session, clinic, record, "appointment_id")
            if record.status != "consented":
                raise RequestRefused(
                    "appointment_id",
                    f"the patient has not consented to the plan's current version "
                    f"{record.current_version}",
                )
            treatable_screening(u.session, appointment.patient_id, "appointment_id", self.clinic)
            refuse_without_valid_exam(u.session, clinic, appointment.patient_id, "appointment_id")
            refuse_unapproved_plan(u.session, clinic, record, "appointment_id")
            plan = current_treatment_plan(u.session, record)
            device = get_device(u.session, data.device_id)
            if not device.active:
                raise RequestRefused("device_id", f"device {device.serial_number} is retired")
            if device.device_type != plan.device.id:
                raise RequestRefused(
                    "device_id", f"the plan is for a {plan.device.name}, not {device.device_type}"
                )
            lot = get_lot(u.session, data.lot_id)
            refusal = lot_refusal(lot, today)
            if refusal:
                raise RequestRefused("lot_id", refusal)
            if lot.device_type != device.device_type:
                raise RequestRefused("lot_id", f"lot {lot.lot_number} is for {lot.device_type}")
            if plan.device.cartridge is not None and lot.cartridge_id != plan.device.cartridge:
                raise RequestRefused(
                    "lot_id",
                    f"lot {lot.lot_number} holds cartridge {lot.cartridge_id}; the plan uses "
                    f"{plan.device.cartridge}",
                )
            if data.anaesthetic_started_at is not None:
                not_after_now("anaesthetic_started_at", data.anaesthetic_started_at, clinic)
            treatment = TreatmentSession(
                appointment_id=appointment.id,
                patient_id=appointment.patient_id,
                plan_id=record.id,
                plan_version=record.current_version,
                practitioner_id=self.actor.staff_id,
                device_id=device.id,
                lot_id=lot.id,
                status="in_progress",
                pre_treatment_check=data.check,
                anaesthetic_started_at=data.anaesthetic_started_at,
                created_at=clinic.now(),
            )
            if data.check.positive:
                recheck(u.session, clinic, treatment, data.check, plan, self.actor.staff_id)
            u.session.add(treatment)
            u.session.flush()
            u.audit.record(
                "create", "treatment_session", treatment.id, patient_id=treatment.patient_id,
                detail={"status": treatment.status, "lot_id": lot.id},
            )  # fmt: skip
            return self._out(u.session, treatment)

    def record_area(self, session_id: int, data: AreaIn) -> SessionOut:
        with self.unit(Permission.TREAT) as u:
            treatment = self._in_progress(u.session, session_id)
            patient_id = treatment.patient_id
            current = treatable_screening(u.session, patient_id, "session_id", self.clinic)
            plan = current_treatment_plan(u.session, get_plan(u.session, treatment.plan_id))
            try:
                planned = plan.area(data.site)
            except KeyError:
                raise RequestRefused("site", f"the plan does not treat '{data.site}'") from None
            lot = get_lot(u.session, treatment.lot_id)
            limits = [
                DepthLimit(
                    plan.device.labelled_max_depth_mm, f"the {plan.device.name} labelled maximum"
                ),
                DepthLimit(lot.needle_length_mm, f"lot {lot.lot_number}'s needle length"),
                DepthLimit(
                    planned.depth.value_mm, f"the plan's depth for the {planned.name.lower()}"
                ),
                *self._caps(u.session, treatment, current, data.site),
            ]
            exceeded = first_exceeded(data.depth_mm, limits)
            if exceeded is not None:
                raise RequestRefused(
                    "depth_mm",
                    f"{data.depth_mm} mm is beyond {exceeded.what} ({exceeded.limit_mm} mm)",
                )
            if u.session.scalar(
                select(TreatedArea.id).where(
                    TreatedArea.session_id == treatment.id, TreatedArea.site == data.site
                )
            ):
                raise RequestRefused("site", f"'{data.site}' is already recorded")
            u.session.add(TreatedArea(session_id=treatment.id, **data.model_dump()))
            u.session.flush()
            u.audit.record(
                "update", "treatment_session", treatment.id, patient_id=treatment.patient_id,
                detail={"area": data.site},
            )  # fmt: skip
            return self._out(u.session, treatment)

    def _caps(
        self, session: Session, treatment: TreatmentSession, current: ScreeningRecord, site: str
    ) -> list[DepthLimit]:
        """Depth caps [mm] from today's pre-treatment screening and the current screening."""
        caps: list[DepthLimit] = []
        if treatment.check_screening_id is not None:
            check = session.get(ScreeningRecord, treatment.check_screening_id)
            assert check is not None
            cap = check.result.depth_cap_mm(site)
            if cap is not None:
                caps.append(DepthLimit(cap, "the cap set by today's pre-treatment screening"))
        if current.id != treatment.check_screening_id:
            result = current.result
            cap = result.depth_cap_mm(site)
            if cap is not None:
                caps.append(
                    DepthLimit(cap, f"the cap set by the current screening ({result.screened_on})")
                )
        return caps

    def record_adverse_event(self, session_id: int, data: AdverseEventIn) -> SessionOut:
        with self.unit(Permission.TREAT) as u:
            treatment = get_treatment(u.session, session_id)
            not_after_now("noticed_at", data.noticed_at, self.clinic)
            event = AdverseEvent(
                session_id=treatment.id,
                patient_id=treatment.patient_id,
                recorded_by=self.actor.staff_id,
                **data.model_dump(),
            )
            u.session.add(event)
            u.session.flush()
            u.audit.record(
                "create", "adverse_event", event.id, patient_id=treatment.patient_id,
                detail={"severity": data.severity, "kind": data.kind},
            )  # fmt: skip
            return self._out(u.session, treatment)

    def complete(self, session_id: int, data: SessionCompletion) -> SessionOut:
        clinic = self.clinic
        with self.unit(Permission.TREAT) as u:
            treatment = self._in_progress(u.session, session_id)
            if not self._areas(u.session, treatment):
                raise RequestRefused("session_id", "record at least one treated area first")
            start, end = data.treatment_started_at, data.treatment_ended_at
            if end <= start:
                raise InvalidInput("treatment_ended_at", "is not after treatment_started_at")
            not_after_now("treatment_ended_at", end, clinic)
            numbing = treatment.anaesthetic_started_at
            if numbing is not None and numbing > start:
                raise InvalidInput("treatment_started_at", "is before the anaesthetic started")
            record = get_plan(u.session, treatment.plan_id)
            plan = current_treatment_plan(u.session, record)
            number = course_number(u.session, treatment)
            screening = plan.screening
            if treatment.check_screening_id is not None:
                check = u.session.get(ScreeningRecord, treatment.check_screening_id)
                assert check is not None
                screening = check.result
            appointment = u.session.get(Appointment, treatment.appointment_id)
            assert appointment is not None
            # A contact typed on an older plan stays; otherwise the clinic's own, at the
            # session's location (one rule: clinic_contact).
            contact = plan.requested.contact or (
                clinic_contact(u.session, appointment=appointment).aftercare()
            )
            sheet = aftercare_sheet(
                clinic.kb,
                session_number=number,
                session_date=clinic.local(start).date(),
                screening=screening,
                contact=contact,
            )
            treatment.treatment_started_at = start
            treatment.treatment_ended_at = end
            treatment.end_point = data.end_point
            treatment.products_after = list(data.products_after)
            treatment.aftercare_sheet = sheet
            treatment.aftercare_given_at = clinic.now() if data.aftercare_given else None
            treatment.status = "completed"
            appointment.status = "completed"
            appointment.status_changed_at = clinic.now()
            appointment.status_changed_by = self.actor.staff_id
            u.audit.record(
                "complete", "treatment_session", treatment.id, patient_id=treatment.patient_id
            )
            return self._out(u.session, treatment)

    def get(self, session_id: int) -> SessionOut:
        with self.reading(Permission.READ_CLINICAL) as u:
            treatment = get_treatment(u.session, session_id)
            u.audit.read("treatment_session", treatment.id, treatment.patient_id)
            return self._out(u.session, treatment)

    def aftercare(self, session_id: int) -> AftercareSheet:
        with self.reading(Permission.READ_CLINICAL) as u:
            treatment = get_treatment(u.session, session_id)
            if treatment.aftercare_sheet is None:
                raise NotFound("session_id", "aftercare sheet for session", session_id)
            u.audit.read("aftercare_sheet", treatment.id, treatment.patient_id)
            return treatment.aftercare_sheet

    def for_patient(self, patient_id: int) -> list[SessionOut]:
        """All the patient's sessions, in appointment order (earliest first)."""
        return every_item(lambda page: self.session_page(patient_id, SessionFilter(), page))

    def session_page(
        self, patient_id: int, where: SessionFilter, page: PageRequest
    ) -> Page[SessionOut]:
        """One page of the patient's sessions, in appointment order (earliest first)."""
        with self.reading(Permission.READ_CLINICAL) as u:
            if where.date_from and where.date_to and where.date_to < where.date_from:
                raise InvalidInput(
                    "date_to",
                    f"{where.date_to.isoformat()} is before date_from "
                    f"{where.date_from.isoformat()}",
                )
            live_patient(u.session, patient_id)
            query = (
                select(TreatmentSession)
                .join(Appointment, Appointment.id == TreatmentSession.appointment_id)
                .where(TreatmentSession.patient_id == patient_id)
            )
            if where.status is not None:
                query = query.where(TreatmentSession.status == where.status)
            if where.date_from is not None:
                query = query.where(Appointment.starts_at >= self._midnight(where.date_from))
            if where.date_to is not None:
                day_after = self._midnight(where.date_to + timedelta(days=1))
                query = query.where(Appointment.starts_at < day_after)
            rows: list[TreatmentSession]
            rows, total = paginate(
                u.session, query, page, Appointment.starts_at, TreatmentSession.id
            )
            u.audit.listed("treatment_session", [t.id for t in rows], [patient_id])
            items = [self._out(u.session, t) for t in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def _midnight(self, day: date) -> datetime:
        """The start of ``day`` in clinic time."""
        return datetime.combine(day, time.min, self.clinic.zone)

    def _in_progress(self, session: Session, session_id: int) -> TreatmentSession:
        treatment = get_treatment(session, session_id)
        if treatment.status != "in_progress":
            raise RequestRefused("session_id", f"the session is {treatment.status}")
        return treatment

    def _areas(self, session: Session, treatment: TreatmentSession) -> list[TreatedArea]:
        return list(
            session.scalars(
                select(TreatedArea)
                .where(TreatedArea.session_id == treatment.id)
                .order_by(TreatedArea.id)
            )
        )

    def _out(self, session: Session, treatment: TreatmentSession) -> SessionOut:
        events = session.scalars(
            select(AdverseEvent)
            .where(AdverseEvent.session_id == treatment.id)
            .order_by(AdverseEvent.id)
        )
        check_result = None
        if treatment.check_screening_id is not None:
            check = session.get(ScreeningRecord, treatment.check_screening_id)
            assert check is not None
            check_result = check.result
        return SessionOut(
            id=treatment.id,
            course_number=course_number(session, treatment),
            appointment_id=treatment.appointment_id,
            patient_id=treatment.patient_id,
            plan_id=treatment.plan_id,
            plan_version=treatment.plan_version,
            practitioner_id=treatment.practitioner_id,
            device_id=treatment.device_id,
            lot_id=treatment.lot_id,
            status=treatment.status,
            check=treatment.pre_treatment_check,
            check_screening=check_result,
            stop_reason=treatment.stop_reason,
            anaesthetic_started_at=treatment.anaesthetic_started_at,
            treatment_started_at=treatment.treatment_started_at,
            treatment_ended_at=treatment.treatment_ended_at,
            end_point=treatment.end_point,
            products_after=treatment.products_after,
            areas=[AreaOut.model_validate(a) for a in self._areas(session, treatment)],
            adverse_events=[AdverseEventOut.model_validate(e) for e in events],
            aftercare_given_at=treatment.aftercare_given_at,
        )
