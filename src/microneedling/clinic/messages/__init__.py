"""Messages to patients: the outbox, its templates, the SMTP worker, and the SMS interface.

Other parts of the clinic send a patient something with :class:`Outbox` (see its module for
the contract); :class:`MessageWorker` delivers what is due.
"""

from microneedling.clinic.messages.appointment_messages import sync_appointment_messages
from microneedling.clinic.messages.email import MailError, OutgoingEmail, SmtpTransport
from microneedling.clinic.messages.outbox import MESSAGE_STATES, MessageState, Outbox, may_message
from microneedling.clinic.messages.sms import SmsSender
from microneedling.clinic.messages.templates import MessageTemplates
from microneedling.clinic.messages.worker import MessageWorker, Round

__all__ = [
    "MESSAGE_STATES",
    "MailError",
    "MessageState",
    "MessageTemplates",
    "MessageWorker",
    "Outbox",
    "OutgoingEmail",
    "Round",
    "SmsSender",
    "SmtpTransport",
    "may_message",
    "sync_appointment_messages",
]
