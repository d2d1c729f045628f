"""The outbox page: messages by state, with retry (failed) and cancel (pending) buttons."""

from __future__ import annotations

from typing import get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from microneedling.clinic.messages import MESSAGE_STATES, MessageState
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.messages import CancelMessageIn, OutboxService
from microneedling.errors import InvalidInput
from microneedling.web.deps import RecordId
from microneedling.web.pages._locations import report_location
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _outbox_page(
    page: Signed, state: str | None, location_id: str | None, status_code: int = 200
) -> Response:
    chosen: MessageState | None = None
    errors = {}
    place = report_location(page, location_id)
    if place.error:
        errors["location_id"] = place.error
        status_code = 422
    if state in get_args(MessageState):
        chosen = state  # type: ignore[assignment]
    elif state:
        errors["state"] = f"choose one of: {', '.join(MESSAGE_STATES)}"
        status_code = 422
    messages = page.service(OutboxService).find(chosen, PageRequest(limit=200), place.location_id)
    return render(
        page.ctx, "outbox.html", status_code, nav="messages", title="Messages",
        messages=messages.items, total=messages.total,
        state_choices=[(s, s) for s in MESSAGE_STATES],
        state=chosen or "", errors=errors, place=place,
    )  # fmt: skip


@router.get("/messages", name="outbox_page")
def outbox_page(
    page: SignedDep, state: str | None = None, location_id: str | None = None
) -> Response:
    return _outbox_page(page, state, location_id)


def _shown(form: FormData, key: str) -> str | None:
    value = form.get(key)
    return value if isinstance(value, str) and value else None


def _back(request: Request, form: FormData) -> Response:
    """Back to the outbox as it was filtered (state and location)."""
    target = str(request.url_for("outbox_page").path)
    query = {k: v for k in ("state", "location_id") if (v := _shown(form, k))}
    return RedirectResponse(f"{target}?{urlencode(query)}" if query else target, 303)


@router.post("/messages/{message_id}/retry", name="outbox_retry")
async def outbox_retry(request: Request, message_id: RecordId, page: SignedDep) -> Response:
    form = await request.form()
    # A refusal here is about the message, not a field: a notice over the outbox.
    try:
        page.service(OutboxService).retry(message_id)
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        return _outbox_page(page, _shown(form, "state"), _shown(form, "location_id"), 422)
    return _back(request, form)


@router.post("/messages/{message_id}/cancel", name="outbox_cancel")
async def outbox_cancel(request: Request, message_id: RecordId, page: SignedDep) -> Response:
    form = await request.form()
    # A refusal here is about the message, not a field: a notice over the outbox.
    try:
        page.service(OutboxService).cancel(message_id, CancelMessageIn())
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        return _outbox_page(page, _shown(form, "state"), _shown(form, "location_id"), 422)
    return _back(request, form)
