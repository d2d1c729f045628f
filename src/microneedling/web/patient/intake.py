"""The pre-visit intake on the patient's phone: one topic per step, the clinic's own checks.

The form uses the clinic intake form's field names, so :func:`~microneedling.web.pages.
_intake_fields.read_intake` reads it into the core's Intake exactly as it reads the staff form;
the service then applies the clinic's own rules and keeps a draft. There is no examination
step: that is the practitioner's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from microneedling.clinic.services.intake_drafts import IntakeOpening, PatientIntake
from microneedling.web.pages._forms import as_dict, read_or_refuse, submit
from microneedling.web.pages._intake_fields import (
    CHOICES,
    OTHER_ALLERGY_ROWS,
    multi_values,
    read_intake,
)
from microneedling.web.pages._render import render
from microneedling.web.patient._access import PatientRoute, PatientVisit, visit

router = APIRouter(route_class=PatientRoute, include_in_schema=False)
INTAKE = frozenset({"intake"})
#: The Fitzpatrick types in the patient's words (how their skin reacts to the sun).
SKIN_TYPES = (
    ("1", "I always burn and never tan"),
    ("2", "I usually burn and tan a little"),
    ("3", "I sometimes burn and tan slowly"),
    ("4", "I rarely burn and tan easily"),
    ("5", "I very rarely burn and tan very easily"),
    ("6", "I never burn (deeply pigmented skin)"),
)


def _page(
    seen: PatientVisit,
    opening: IntakeOpening,
    form: dict[str, str],
    multi: dict[str, list[str]],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    sites = [(s.id, s.name, s.region) for s in seen.clinic.kb.sites.values()]
    return render(
        seen.ctx, "patient_intake.html", status_code, title="Before your visit",
        opening=opening, form=form, multi=multi, errors=errors or {}, sites=sites,
        choices=CHOICES, skin_types=SKIN_TYPES, other_allergy_rows=range(OTHER_ALLERGY_ROWS),
    )  # fmt: skip


@router.get("/p/intake", name="patient_intake")
async def patient_intake(request: Request) -> Response:
    seen = await visit(request, INTAKE)
    opening = PatientIntake(seen.clinic, seen.actor).opening()
    return _page(seen, opening, {}, {"areas": [], "allergies": []})


@router.post("/p/intake", name="patient_intake_send")
async def patient_intake_send(request: Request) -> Response:
    seen = await visit(request, INTAKE)
    posted = await request.form()
    service = PatientIntake(seen.clinic, seen.actor)
    opening = service.opening()
    parsed = read_intake(posted)
    return submit(
        lambda: service.submit(read_or_refuse(parsed.intake, parsed.errors)),
        then=lambda _: render(seen.ctx, "patient_thanks.html", title="Thank you", opening=opening),
        again=lambda errors: _page(
            seen, opening, as_dict(posted), multi_values(posted), errors, 422
        ),
        errors_from=parsed.errors_from,
    )
