"""Sending mail over SMTP with the standard library (``smtplib`` and ``email``).

The settings name the server (``smtp_host``, ``smtp_port``), the security (``none``,
``starttls`` or ``tls``), optional credentials and the From address. One connection per batch
of messages; a connection refused or dropped raises :class:`MailError`, which the worker turns
into a failed attempt to retry.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from types import TracebackType
from typing import Protocol, Self

from microneedling.clinic.settings import ClinicSettings


class MailError(Exception):
    """A message could not be handed to the mail server; the text says why."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    params: dict[str, str] | None = None


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


class MailTransport(Protocol):
    """Something that delivers emails; :class:`SmtpTransport` is the one built in."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...

    def send(self, email: OutgoingEmail) -> str:
        """Deliver one email; returns its Message-ID; raises :class:`MailError`."""
        ...


def build_email(email: OutgoingEmail, sender: str, domain: str) -> EmailMessage:
    """A MIME message: plain text, with each attachment (``text/calendar`` for .ics)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(email.body)
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename,
            params=attachment.params or {},
        )  # fmt: skip
    return message


class SmtpTransport:
    """An SMTP connection for a batch of messages (``with SmtpTransport(settings) as smtp``)."""

    def __init__(self, settings: ClinicSettings) -> None:
        if not settings.smtp_host:
            raise MailError("no mail server: set MICRONEEDLING_SMTP_HOST")
        self._settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Self:
        s = self._settings
        assert s.smtp_host is not None
        try:
            if s.smtp_security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
                if s.smtp_security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"mail server {s.smtp_host}:{s.smtp_port}: {error}") from None
        self._smtp = smtp
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def send(self, email: OutgoingEmail) -> str:
        if self._smtp is None:
            raise MailError("not connected")
        s = self._settings
        message = build_email(email, s.mail_from, s.calendar_domain)
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"{email.to}: {error}") from None
        return str(message["Message-ID"])
