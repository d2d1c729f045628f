"""The outbox as staff see it: messages by state, and retrying or cancelling one.

The front desk and admins may see which messages went to whom, which failed and why, and
retry a failed one (it goes at the next worker round, its attempts counted on) or cancel one
still pending. A message's text is not kept; its kind, recipient and subject are.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import contact_locations, default_place
from microneedling.clinic.messages import MessageState, Outbox
from microneedling.clinic.models import Appointment, OutboxMessage, Patient
from microneedling.clinic.paging import Page, PageRequest, paginate
from microneedling.clinic.roles import Permission
from microneedling.clinic.text import ShortText
from microneedling.errors import RequestRefused


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    channel: str
    patient_id: int
    appointment_id: int | None
    recipient: str
    state: MessageState
    send_after: datetime
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    subject: str | None
    sent_at: datetime | None
    cancel_reason: str | None


class CancelMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ShortText | None = None


def _sent_from(
    session: Session, query: Select[OutboxMessage], location_id: int, now: datetime
) -> Select[OutboxMessage]:
    """Narrow ``query`` to the messages a location sends: one about an appointment belongs to
    the appointment's location; any other (a recall) to the patient's contact location."""
    loose = session.scalars(
        query.with_only_columns(OutboxMessage.patient_id)
        .where(OutboxMessage.appointment_id.is_(None))
        .distinct()
    ).all()
    contact = contact_locations(session, loose, now)
    default = default_place(session).id
    theirs = [p for p in loose if contact.get(p, default) == location_id]
    at_location = select(Appointment.id).where(Appointment.location_id == location_id)
    return query.where(
        or_(
            OutboxMessage.appointment_id.in_(at_location),
            and_(OutboxMessage.appointment_id.is_(None), OutboxMessage.patient_id.in_(theirs)),
        )
    )


class OutboxService(Service):
    def find(
        self, state: MessageState | None, page: PageRequest, location_id: int | None = None
    ) -> Page[MessageOut]:
        """Messages newest first; ``location_id``: only those that location sends (see
        :func:`_sent_from`). A report: the replica may serve it once it has caught up."""
        with self.reading(Permission.MANAGE_MESSAGES, replica=True) as u:
            query = (
                select(OutboxMessage)
                .join(Patient, Patient.id == OutboxMessage.patient_id)
                .where(Patient.deleted_at.is_(None))
            )
            if state is not None:
                query = query.where(OutboxMessage.state == state)
            if location_id is not None:
                query = _sent_from(u.session, query, location_id, self.clinic.now())
            rows: list[OutboxMessage]
            rows, total = paginate(
                u.session, query, page, OutboxMessage.send_after.desc(), OutboxMessage.id.desc()
            )
            u.audit.listed("message", [m.id for m in rows], [m.patient_id for m in rows])
            items = [self._out(m) for m in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def retry(self, message_id: int) -> MessageOut:
        """Send a failed message again at the next worker round."""
        with self.unit(Permission.MANAGE_MESSAGES) as u:
            message = self._get(u.session, message_id)
            if message.state != "failed":
                raise RequestRefused("message_id", f"the message is {message.state}, not failed")
            message.next_attempt_at = self.clinic.now()
            message.claimed_until = None
            u.audit.record("retry", "message", message.id, patient_id=message.patient_id)
            return self._out(message)

    def cancel(self, message_id: int, data: CancelMessageIn) -> MessageOut:
        with self.unit(Permission.MANAGE_MESSAGES) as u:
            message = self._get(u.session, message_id)
            reason = data.reason or f"cancelled by {self.actor.username}"
            if not Outbox(u.session, self.clinic).cancel(message, reason):
                raise RequestRefused("message_id", f"the message is {message.state} already")
            u.audit.record("cancel", "message", message.id, patient_id=message.patient_id)
            return self._out(message)

    def _get(self, session: Session, message_id: int) -> OutboxMessage:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            raise NotFound("message_id", "message", message_id)
        return message

    def _out(self, message: OutboxMessage) -> MessageOut:
        out = MessageOut.model_validate(message)
        local = self.clinic.local
        out.send_after = local(message.send_after)
        out.next_attempt_at = local(message.next_attempt_at) if message.next_attempt_at else None
        out.sent_at = local(message.sent_at) if message.sent_at else None
        return out
