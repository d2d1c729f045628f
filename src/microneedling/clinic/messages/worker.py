"""The message worker: plans recalls, then sends the messages that are due, over SMTP.

``run_once`` is one round (the CLI's ``--once`` and the tests); ``run_forever`` repeats it
every ``worker_poll_seconds`` until told to stop. Each message is claimed for a few minutes
before it is sent (so two workers never send the same one), rendered from the templates,
checked again (consent, the appointment still as booked), sent, and marked sent with an audit
event in one transaction. A failed send is audited, counted and retried after a wait that
doubles each time (``message_retry_seconds``) until ``message_max_attempts``; a mail server
that is down fails the round's messages the same way, and they go once it is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from microneedling.clinic.audit import AuditLog
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.ics import calendar_bytes
from microneedling.clinic.locations import clinic_contact
from microneedling.clinic.messages.email import (
    Attachment,
    MailError,
    MailTransport,
    OutgoingEmail,
    SmtpTransport,
)
from microneedling.clinic.messages.outbox import Outbox, may_message
from microneedling.clinic.messages.recall_messages import plan_recall_messages, recalls_to_send
from microneedling.clinic.messages.templates import MessageTemplates
from microneedling.clinic.messages.wording import VISIT_NAMES, appointment_event
from microneedling.clinic.models import Appointment, OutboxMessage, Patient
from microneedling.clinic.models.base import stamped_by
from microneedling.errors import InvalidInput

log = logging.getLogger(__name__)
WORKER = "worker"
#: How long a claimed message is reserved for the worker that claimed it.
CLAIM = timedelta(minutes=5)
#: Messages sent per round at most (the rest wait for the next round).
BATCH = 100
#: Kinds that only make sense while the appointment is still booked.
BEFORE_VISIT = ("booking_confirmation", "reminder", "pre_visit")


@dataclass(frozen=True)
class Round:
    """What one round did: messages queued by the recall planner, sent, failed, cancelled."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0


class _Skip(Exception):
    """Not to be sent (now): ``cancel`` says whether for good."""

    def __init__(self, reason: str, cancel: bool) -> None:
        self.reason = reason
        self.cancel = cancel


def retry_delay(clinic: Clinic, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: the base wait, doubled each time."""
    return timedelta(seconds=clinic.settings.message_retry_seconds * 2 ** (attempts - 1))


class MessageWorker:
    """Sends the clinic's due messages; ``transport`` makes a connection per round."""

    def __init__(
        self, clinic: Clinic, transport: Callable[[], MailTransport] | None = None
    ) -> None:
        self.clinic = clinic
        # Without a mail server (and no transport given) messages wait in the outbox.
        self._sends = transport is not None or bool(clinic.settings.smtp_host)
        self._transport = transport or (lambda: SmtpTransport(clinic.settings))
        self._templates = MessageTemplates(clinic.settings.message_templates_dir)

    def run_once(self) -> Round:
        clinic = self.clinic
        # Read the recall list without the write lock; write only what is to be queued.
        with clinic.db.reading() as session:
            due = recalls_to_send(session, clinic)
        queued = 0
        if due:
            with stamped_by(clinic.now), clinic.db.transaction() as session:
                queued = plan_recall_messages(session, clinic, due)
        if not self._sends:
            return Round(queued=queued)
        claimed = self._claim()
        if not claimed:
            return Round(queued=queued)
        sent = failed = cancelled = 0
        try:
            with self._transport() as transport:
                for message_id in claimed:
                    outcome = self._deliver(message_id, transport)
                    sent += outcome == "sent"
                    failed += outcome == "failed"
                    cancelled += outcome == "cancelled"
        except MailError as error:
            # The server is down (or dropped us): every message not yet handled fails once.
            for message_id in claimed:
                if self._fail(message_id, str(error)):
                    failed += 1
        return Round(queued=queued, sent=sent, failed=failed, cancelled=cancelled)

    def run_forever(self, stop: threading.Event, poll_seconds: float | None = None) -> None:
        """Rounds every ``poll_seconds`` (default ``worker_poll_seconds``) until ``stop`` is
        set; a round that fails is logged and the next one tries again."""
        wait = poll_seconds or self.clinic.settings.worker_poll_seconds
        while not stop.is_set():
            try:
                done = self.run_once()
                if done.sent or done.failed:
                    log.info("messages: %s", done)
            except Exception:  # the loop must outlive one bad round; the next one retries
                log.exception("message worker round failed")
            stop.wait(wait)

    def _claim(self) -> list[int]:
        clinic = self.clinic
        now = clinic.now()
        with stamped_by(clinic.now), clinic.db.transaction() as session:
            candidates = session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.send_after <= now,
                    or_(
                        OutboxMessage.state == "scheduled",
                        (OutboxMessage.state == "failed") & (OutboxMessage.next_attempt_at <= now),
                    ),
                    or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
                )
                .order_by(OutboxMessage.send_after, OutboxMessage.id)
                .limit(BATCH)
            ).all()
            claimed = []
            for message_id in candidates:
                result = session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id == message_id,
                        or_(
                            OutboxMessage.claimed_until.is_(None),
                            OutboxMessage.claimed_until < now,
                        ),
                    )
                    .values(claimed_until=now + CLAIM)
                )
                if getattr(result, "rowcount", 0) == 1:
                    claimed.append(message_id)
            return claimed

    def _deliver(self, message_id: int, transport: MailTransport) -> str:
        clinic = self.clinic
        with stamped_by(clinic.now), clinic.db.transaction() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None or message.state not in ("scheduled", "failed"):
                return "skipped"
            try:
                email = self._prepare(session, message)
            except _Skip as skip:
                if skip.cancel:
                    Outbox(session, clinic).cancel(message, skip.reason)
                    return "cancelled"
                message.claimed_until = None
                message.send_after = clinic.now() + timedelta(hours=1)
                return "skipped"
            except InvalidInput as error:
                self._record_failure(session, message, error.message)
                return "failed"
        try:
            message_ref = transport.send(email)
        except MailError as error:
            with stamped_by(clinic.now), clinic.db.transaction() as session:
                failed = session.get(OutboxMessage, message_id)
                assert failed is not None
                self._record_failure(session, failed, str(error))
            return "failed"
        with stamped_by(clinic.now), clinic.db.transaction() as session:
            done = session.get(OutboxMessage, message_id)
            assert done is not None
            done.state = "sent"
            done.sent_at = clinic.now()
            if "url" in done.context and done.kind == "patient_link":
                # A patient link is a bearer secret: once mailed, the outbox keeps no copy.
                done.context = {k: v for k, v in done.context.items() if k != "url"}
            done.subject = email.subject[:300]
            done.attempts += 1
            done.claimed_until = None
            done.next_attempt_at = None
            done.last_error = None
            AuditLog(session, None).record(
                "send", "message", done.id, patient_id=done.patient_id, username=WORKER,
                detail={"kind": done.kind, "channel": done.channel, "message_id": message_ref},
            )  # fmt: skip
        return "sent"

    def _fail(self, message_id: int, error: str) -> bool:
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None or message.state not in ("scheduled", "failed"):
                return False
            if message.claimed_until is None:
                return False  # handled in this round already
            self._record_failure(session, message, error)
            return True

    def _record_failure(self, session: Session, message: OutboxMessage, error: str) -> None:
        clinic = self.clinic
        message.attempts += 1
        message.state = "failed"
        message.last_error = error[:2000]
        message.claimed_until = None
        gives_up = message.attempts >= clinic.settings.message_max_attempts
        message.next_attempt_at = (
            None if gives_up else clinic.now() + retry_delay(clinic, message.attempts)
        )
        AuditLog(session, None).record(
            "send_failed", "message", message.id, patient_id=message.patient_id,
            username=WORKER,
            detail={"kind": message.kind, "attempt": message.attempts, "error": error[:500],
                    "gives_up": gives_up},
        )  # fmt: skip

    def _prepare(self, session: Session, message: OutboxMessage) -> OutgoingEmail:
        patient = session.get(Patient, message.patient_id)
        if not may_message(patient):
            raise _Skip("the patient no longer consents to messages (or has no email)", True)
        if message.appointment_id is not None:
            self._check_appointment(session, message)
        rendered = self._templates.render(message.template, message.context)
        attachments = tuple(self._attachment(session, spec) for spec in message.attachments)
        return OutgoingEmail(message.recipient, rendered.subject, rendered.body, attachments)

    def _check_appointment(self, session: Session, message: OutboxMessage) -> None:
        appointment = session.get(Appointment, message.appointment_id)
        if appointment is None:
            raise _Skip("the appointment is gone", True)
        if message.kind in BEFORE_VISIT:
            if appointment.status != "booked":
                raise _Skip(f"the appointment is {appointment.status}", True)
            if appointment.starts_at <= self.clinic.now():
                raise _Skip("the appointment has begun", True)
        elif message.kind == "aftercare_check" and appointment.status != "completed":
            if appointment.status != "booked" or (
                self.clinic.now() - appointment.starts_at > timedelta(days=3)
            ):
                raise _Skip("the session was not completed", True)
            raise _Skip("the session is not recorded yet", False)

    def _attachment(self, session: Session, spec: dict[str, Any]) -> Attachment:
        if spec.get("type") != "appointment_ics":
            raise InvalidInput("attachments", f"unknown attachment type {spec.get('type')!r}")
        appointment = session.get(Appointment, spec["appointment_id"])
        if appointment is None:
            raise InvalidInput("attachments", "the appointment is gone")
        method = str(spec.get("method", "REQUEST"))
        clinic = self.clinic
        visit = VISIT_NAMES.get(appointment.kind, "appointment")
        contact = clinic_contact(session, appointment=appointment)
        event = appointment_event(clinic, appointment, f"{visit} at {contact.clinic_name}", contact)
        data = calendar_bytes([event], domain=clinic.settings.calendar_domain, method=method)
        return Attachment("appointment.ics", "text/calendar", data, {"method": method})
