"""Server-rendered pages for the clinic (Jinja2 + htmx), over the same services as the API.

``router`` is mounted at ``/`` by :func:`microneedling.web.app.create_app`. No clinical or
booking rule lives here: every page calls a clinic service or a core function and shows what
it returns, including its refusals, beside the field they concern.
"""

from fastapi import APIRouter

from microneedling.web.pages import (
    _assets,
    account_mfa,
    appointments,
    audit,
    calendar,
    calendar_feeds,
    consent_documents,
    course,
    devices,
    followups,
    home,
    intakes,
    login,
    messages,
    oversight,
    patient_links,
    patients,
    plans,
    printouts,
    recall,
    series,
    sessions,
    staff,
    staff_hours,
    waitlist,
)

router = APIRouter(include_in_schema=False)
for _module in (
    _assets,
    home,
    login,
    account_mfa,
    appointments,
    waitlist,
    recall,
    messages,
    calendar_feeds,
    calendar,
    series,
    staff_hours,
    patients,
    intakes,
    patient_links,
    consent_documents,
    plans,
    course,
    printouts,
    sessions,
    followups,
    devices,
    staff,
    audit,
    oversight,
):
    router.include_router(_module.router)

__all__ = ["router"]
