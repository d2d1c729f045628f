"""The outbox of messages to patients: list by state, retry a failed one, cancel one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from microneedling.clinic.messages import MessageState
from microneedling.clinic.paging import Page
from microneedling.clinic.services.messages import CancelMessageIn, MessageOut, OutboxService
from microneedling.web.deps import PageDep, RecordId, RecordIdFilter, service

router = APIRouter(prefix="/messages", tags=["messages"])
Messages = Annotated[OutboxService, Depends(service(OutboxService))]


@router.get("", summary="Messages in the outbox, newest first (filter by state)")
def list_messages(
    messages: Messages,
    page: PageDep,
    state: Annotated[MessageState | None, Query()] = None,
    location_id: RecordIdFilter = None,
) -> Page[MessageOut]:
    return messages.find(state, page, location_id)


@router.post("/{message_id}/retry", summary="Send a failed message again at the next round")
def retry_message(message_id: RecordId, messages: Messages) -> MessageOut:
    return messages.retry(message_id)


@router.post("/{message_id}/cancel", summary="Cancel a message not yet sent")
def cancel_message(message_id: RecordId, body: CancelMessageIn, messages: Messages) -> MessageOut:
    return messages.cancel(message_id, body)
