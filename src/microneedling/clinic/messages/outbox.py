"""The outbox: the one way anything in the clinic sends a patient a message.

Call :meth:`Outbox.enqueue` inside a unit of work (a service's transaction)::

    Outbox(session, clinic).enqueue(
        "intake_link", patient_id,
        template="intake_link",             # <template>.txt in the message templates
        context={"link": url},              # the template's variables (JSON values)
        send_after=clinic.now(),            # aware datetime; the worker sends it from then
        dedupe_key=f"intake:{intake_id}",   # the same key again updates, never duplicates
        attachments=[],                     # e.g. {"type": "appointment_ics", ...}
    )

A message is queued only for a patient who consented to messages and has an email address
(``enqueue`` returns None otherwise), and the worker checks again before sending. The message
holds the template's name and variables, not its text: the text is rendered when it is sent,
from the clinic's templates of that moment. States: ``scheduled`` -> ``sent``; a failed send is
``failed`` and retried with a doubling wait until ``message_max_attempts``; ``cancelled`` is
final unless the same key is enqueued again. Sent messages are never sent again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.models import OutboxMessage, Patient

MessageState = Literal["scheduled", "sent", "failed", "cancelled"]
MESSAGE_STATES: tuple[MessageState, ...] = ("scheduled", "sent", "failed", "cancelled")
#: States in which a message may still go out.
PENDING: tuple[MessageState, ...] = ("scheduled", "failed")


def may_message(patient: Patient | None) -> bool:
    """Whether the clinic may email this patient: consent recorded and an address on file."""
    return (
        patient is not None
        and patient.deleted_at is None
        and patient.consent_messages
        and bool(patient.email)
    )


class Outbox:
    """Queues and cancels messages inside the caller's transaction (never commits)."""

    def __init__(self, session: Session, clinic: Clinic) -> None:
        self.session = session
        self.clinic = clinic

    def enqueue(
        self,
        kind: str,
        patient_id: int,
        *,
        send_after: datetime,
        dedupe_key: str,
        context: dict[str, Any],
        template: str | None = None,
        to: str | None = None,
        appointment_id: int | None = None,
        attachments: Sequence[dict[str, Any]] = (),
    ) -> OutboxMessage | None:
        """Schedule (or re-time) one message; None when the patient may not be messaged.

        ``template`` defaults to ``kind``; ``to`` to the patient's email. An existing message
        with ``dedupe_key`` that is still pending is updated in place; one already sent is
        returned unchanged; a cancelled one is scheduled again.
        """
        patient = self.session.get(Patient, patient_id)
        if patient is None or patient.email is None or not may_message(patient):
            return None
        existing = self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        ).one_or_none()
        if existing is not None and existing.state == "sent":
            return existing
        message = existing or OutboxMessage(dedupe_key=dedupe_key, attempts=0)
        message.kind = kind
        message.patient_id = patient_id
        message.appointment_id = appointment_id
        message.recipient = to or patient.email
        message.template = template or kind
        message.context = dict(context)
        message.attachments = [dict(a) for a in attachments]
        message.send_after = send_after
        if existing is None or existing.state == "cancelled":
            message.state = "scheduled"
            message.attempts = 0
            message.next_attempt_at = None
            message.last_error = None
            message.cancelled_at = None
            message.cancel_reason = None
        if existing is None:
            self.session.add(message)
        self.session.flush()
        return message

    def cancel(self, message: OutboxMessage, reason: str) -> bool:
        """Cancel a pending message; False when it was already sent or cancelled."""
        if message.state not in PENDING:
            return False
        message.state = "cancelled"
        message.cancelled_at = self.clinic.now()
        message.cancel_reason = reason
        message.next_attempt_at = None
        return True

    def pending_for_appointment(self, appointment_id: int) -> list[OutboxMessage]:
        return list(
            self.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.appointment_id == appointment_id,
                    OutboxMessage.state.in_(PENDING),
                )
            )
        )

    def cancel_for_appointment(
        self, appointment_id: int, reason: str, keep: Iterable[str] = ()
    ) -> int:
        """Cancel the appointment's pending messages except those keyed in ``keep``."""
        kept = set(keep)
        cancelled = 0
        for message in self.pending_for_appointment(appointment_id):
            if message.dedupe_key not in kept and self.cancel(message, reason):
                cancelled += 1
        return cancelled

    def was_sent(self, dedupe_key: str) -> bool:
        state = self.session.scalar(
            select(OutboxMessage.state).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        return state == "sent"
