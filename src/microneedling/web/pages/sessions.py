"""The treatment session in the room: pre-treatment check, numbing timer, areas, end-point,
adverse events, and the aftercare sheet given.

The treatment service enforces every limit (lot expired or recalled, device type, depth beyond
the device label, the lot's needles, the plan or today's screening cap) and re-screens a
positive pre-treatment check with the core; this page shows its refusals beside the field.
The numbing timer counts from the recorded start against the knowledge base's visit minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.schemas.treatments import (
    AdverseEventIn,
    AreaIn,
    SessionCompletion,
    SessionOut,
    SessionStart,
)
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.devices import DeviceService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.clinic.services.upcoming import UpcomingService
from microneedling.knowledge.contraindications import MEDICATION_CLASSES
from microneedling.reports import AftercareDocument, TreatedArea, aftercare_html, aftercare_pdf
from microneedling.reports.words import day_date
from microneedling.screening.result import cite
from microneedling.web.deps import RecordId
from microneedling.web.logo import letterhead_logo
from microneedling.web.pages._forms import as_dict, submit, values
from microneedling.web.pages._intake_fields import label
from microneedling.web.pages._printout import printout_page
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
END_POINTS = (
    ("pinpoint_bleeding", "pinpoint bleeding"),
    ("uniform_erythema", "uniform erythema"),
    ("not_reached", "not reached"),
)
SEVERITIES = (("mild", "mild"), ("moderate", "moderate"), ("severe", "severe"))
CHECK_QUESTIONS = (
    ("new_medication", "Any new medication since the last visit?"),
    ("pregnant", "Pregnant, or could be?"),
    ("cold_sore", "A cold sore today?"),
    ("breakout", "An acne breakout in the areas today?"),
)


def _local_input(moment: datetime) -> str:
    """A moment as a ``datetime-local`` input value, to the minute."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _moment(page: Signed, value: str | None) -> datetime | None:
    """A ``datetime-local`` value read as clinic wall-clock time."""
    if not value:
        return None
    try:
        return page.clinic.local(datetime.fromisoformat(value))
    except ValueError:
        return None


def _start_page(
    page: Signed,
    appointment_id: int,
    form: dict[str, str],
    multi: list[str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    appointment = page.service(AppointmentService).get(appointment_id)
    patient = page.service(PatientService).get(appointment.patient_id)
    plan = page.service(PlanService).get(appointment.plan_id).plan if appointment.plan_id else None
    devices = page.service(DeviceService)
    kind = plan.device.id if plan else None
    device_options = [
        (str(d.id), f"{d.label} ({d.serial_number})")
        for d in devices.devices(PageRequest(limit=200), active=True).items
        if kind is None or d.device_type == kind
    ]
    lot_options = [
        (
            str(lot.id),
            f"lot {lot.lot_number}: {lot.needle_length_mm:g} mm, expires {day_date(lot.expires_on)}"
            + ("" if lot.usable else " (not usable)"),
        )
        for lot in devices.lots(PageRequest(limit=200), device_type=kind).items
    ]
    return render(
        page.ctx, "session_start.html", status_code, nav="schedule", title="Start the session",
        appointment=appointment, patient=patient, plan=plan, form=form, multi=multi,
        errors=errors or {}, devices=device_options, lots=lot_options,
        questions=CHECK_QUESTIONS, medication_classes=[(c, label(c)) for c in MEDICATION_CLASSES],
    )  # fmt: skip


@router.get("/appointments/{appointment_id}/session", name="session_start_form")
def session_start_form(appointment_id: RecordId, page: SignedDep) -> Response:
    now = page.clinic.now().astimezone(page.clinic.zone)
    return _start_page(page, appointment_id, {"anaesthetic_started_at": _local_input(now)}, [])


@router.post("/appointments/{appointment_id}/session", name="session_start")
async def session_start(request: Request, appointment_id: RecordId, page: SignedDep) -> Response:
    posted = await request.form()
    form = as_dict(posted)
    classes = values(posted, "medication_classes")
    answers: dict[str, Any] = {
        q: {"yes": True, "no": False}.get(form.get(q, "")) for q, _ in CHECK_QUESTIONS
    }
    data = {
        "appointment_id": appointment_id,
        "device_id": form.get("device_id") or None,
        "lot_id": form.get("lot_id") or None,
        "check": answers | {"medication_classes": classes},
        "anaesthetic_started_at": _moment(page, form.get("anaesthetic_started_at")),
    }
    rename = {"check": "new_medication", "check.medication_classes": "medication_classes"}
    rename |= {f"check.{q}": q for q, _ in CHECK_QUESTIONS}
    return submit(
        lambda: page.service(TreatmentService).start(SessionStart.model_validate(data)),
        then=lambda started: _session_path(request, started.id),
        again=lambda errors: _start_page(page, appointment_id, form, classes, errors, 422),
        rename=rename,
    )


def _session_page(
    page: Signed,
    treatment: SessionOut,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    plan = page.service(PlanService).version(treatment.plan_id, treatment.plan_version)
    patient = page.service(PatientService).get(treatment.patient_id)
    visit = page.clinic.kb.aftercare.visit
    now = page.clinic.now().astimezone(page.clinic.zone)
    numbing = treatment.anaesthetic_started_at
    numbing_local = numbing.astimezone(page.clinic.zone) if numbing else None
    numbed_minutes = (now - numbing).total_seconds() / 60 if numbing else None
    defaults = {
        "treatment_started_at": _local_input(
            min(numbing_local + timedelta(minutes=visit.anaesthetic_minutes), now)
            if numbing_local
            else now
        ),
        "treatment_ended_at": _local_input(now),
        "noticed_at": _local_input(now),
    }
    remaining = [a for a in plan.areas if a.site not in {x.site for x in treatment.areas}]
    if remaining:
        defaults |= {
            "site": remaining[0].site,
            "depth_mm": f"{remaining[0].depth.value_mm:g}",
            "passes": str(remaining[0].passes.value),
        }
    return render(
        page.ctx, "session.html", status_code, nav="schedule", title="Treatment session",
        treatment=treatment, plan=plan, patient=patient, form=defaults | (form or {}),
        errors=errors or {}, visit=visit, visit_sources=cite(page.clinic.kb, visit.sources),
        numbing_local=numbing_local,
        numbed_minutes=numbed_minutes, end_points=END_POINTS, severities=SEVERITIES,
        area_options=[(a.site, f"{a.name} (plan: {a.depth.value_mm:g} mm × {a.passes.value})")
                      for a in remaining],
    )  # fmt: skip


@router.get("/sessions/{session_id}", name="session_view")
def session_view(session_id: RecordId, page: SignedDep) -> Response:
    return _session_page(page, page.service(TreatmentService).get(session_id))


@router.post("/sessions/{session_id}/areas", name="session_area")
async def session_area(request: Request, session_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(TreatmentService)
    data = {k: form.get(k) or None for k in ("site", "depth_mm", "passes")}
    return submit(
        lambda: service.record_area(session_id, AreaIn.model_validate(data)),
        then=_session_path(request, session_id),
        again=lambda errors: _session_page(page, service.get(session_id), form, errors, 422),
    )


@router.post("/sessions/{session_id}/events", name="session_event")
async def session_event(request: Request, session_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(TreatmentService)
    data = {
        "kind": (form.get("kind") or "").strip().lower().replace(" ", "_") or None,
        "severity": form.get("severity") or None,
        "description": (form.get("description") or "").strip() or None,
        "noticed_at": _moment(page, form.get("noticed_at")),
    }
    return submit(
        lambda: service.record_adverse_event(session_id, AdverseEventIn.model_validate(data)),
        then=_session_path(request, session_id),
        again=lambda errors: _session_page(page, service.get(session_id), form, errors, 422),
    )


@router.post("/sessions/{session_id}/complete", name="session_complete")
async def session_complete(request: Request, session_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(TreatmentService)
    products = [p.strip() for p in (form.get("products_after") or "").split(",") if p.strip()]
    data = {
        "treatment_started_at": _moment(page, form.get("treatment_started_at")),
        "treatment_ended_at": _moment(page, form.get("treatment_ended_at")),
        "end_point": form.get("end_point") or None,
        "products_after": products,
        "aftercare_given": form.get("aftercare_given") == "yes",
    }
    return submit(
        lambda: service.complete(session_id, SessionCompletion.model_validate(data)),
        then=_session_path(request, session_id),
        again=lambda errors: _session_page(
            page, service.get(session_id), form, {k: _in_words(v) for k, v in errors.items()}, 422
        ),
        rename={"session_id": "_form"},
    )


def _session_path(request: Request, session_id: int) -> str:
    return str(request.url_for("session_view", session_id=session_id).path)


def _in_words(problem: str) -> str:
    """The service names fields by their keys; say them as the form's labels do."""
    for key, words in (
        ("treatment_started_at", "the time needling started"),
        ("treatment_ended_at", "the time needling ended"),
    ):
        problem = problem.replace(key, words)
    return problem


def _sheet(page: Signed, session_id: int) -> AftercareDocument:
    service = page.service(TreatmentService)
    treatment = service.get(session_id)
    sheet = service.aftercare(session_id)
    patient = page.service(PatientService).get(treatment.patient_id)
    kb = page.clinic.kb
    return AftercareDocument(
        clinic_name=page.ctx.clinic_name,
        logo=letterhead_logo(page.clinic),
        patient_name=f"{patient.given_name} {patient.family_name}",
        session_date=sheet.session_date,
        session_number=sheet.session_number,
        areas=[
            TreatedArea(
                site=a.site,
                name=kb.sites[a.site].name if a.site in kb.sites else a.site,
                depth_mm=a.depth_mm,
                passes=a.passes,
            )
            for a in treatment.areas
        ],
        sheet=sheet,
        next_session_date=page.service(UpcomingService).next_session_after(
            treatment.patient_id, sheet.session_date
        ),
    )


@router.get("/sessions/{session_id}/aftercare", name="session_aftercare_sheet")
def session_aftercare(session_id: RecordId, page: SignedDep) -> Response:
    return printout_page(aftercare_html(_sheet(page, session_id)))


@router.get("/sessions/{session_id}/aftercare.pdf", name="session_aftercare_sheet_pdf")
def session_aftercare_pdf(session_id: RecordId, page: SignedDep) -> Response:
    sheet = _sheet(page, session_id)
    # Named by the session's number in the course, as the sheet itself says it.
    headers = {
        "Cache-Control": "no-store",
        "Content-Disposition": f'inline; filename="aftercare-session-{sheet.session_number}.pdf"',
    }
    pdf = aftercare_pdf(sheet)
    return Response(pdf, media_type="application/pdf", headers=headers)
