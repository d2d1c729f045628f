"""The outbox page: messages by state, with retry (failed) and cancel (pending) buttons."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.messages import MESSAGE_STATES, MessageState
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.services.messages import CancelMessageIn, OutboxService
from microneedling.errors import InvalidInput
from microneedling.web.deps import RecordId
from microneedling.web.pages._render import Flash, render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _outbox_page(page: Signed, state: str | None, status_code: int = 200) -> Response:
    chosen: MessageState | None = None
    errors = {}
    if state in get_args(MessageState):
        chosen = state  # type: ignore[assignment]
    elif state:
        errors["state"] = f"choose one of: {', '.join(MESSAGE_STATES)}"
        status_code = 422
    messages = page.service(OutboxService).find(chosen, PageRequest(limit=200))
    return render(
        page.ctx, "outbox.html", status_code, nav="messages", title="Messages",
        messages=messages.items, total=messages.total,
        state_choices=[(s, s) for s in MESSAGE_STATES],
        state=chosen or "", errors=errors,
    )  # fmt: skip


@router.get("/messages", name="outbox_page")
def outbox_page(page: SignedDep, state: str | None = None) -> Response:
    return _outbox_page(page, state)


def _back(request: Request, state: str | None) -> Response:
    target = str(request.url_for("outbox_page").path)
    return RedirectResponse(f"{target}?state={state}" if state else target, 303)


@router.post("/messages/{message_id}/retry", name="outbox_retry")
async def outbox_retry(request: Request, message_id: RecordId, page: SignedDep) -> Response:
    form = await request.form()
    state = form.get("state")
    # A refusal here is about the message, not a field: a notice over the outbox.
    try:
        page.service(OutboxService).retry(message_id)
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        return _outbox_page(page, state if isinstance(state, str) else None, 422)
    return _back(request, state if isinstance(state, str) else None)


@router.post("/messages/{message_id}/cancel", name="outbox_cancel")
async def outbox_cancel(request: Request, message_id: RecordId, page: SignedDep) -> Response:
    form = await request.form()
    state = form.get("state")
    # A refusal here is about the message, not a field: a notice over the outbox.
    try:
        page.service(OutboxService).cancel(message_id, CancelMessageIn())
    except InvalidInput as exc:
        page.ctx.flashes.append(Flash(exc.problem, "stop"))
        return _outbox_page(page, state if isinstance(state, str) else None, 422)
    return _back(request, state if isinstance(state, str) else None)
