"""Patient links: issued by staff, opened by the patient, rate-limited, audited as the patient.

A link's token is ``secrets.token_urlsafe(32)`` (32 random bytes); the clinic keeps only its
SHA-256, so the token is shown once (the address and its QR code) and a copy of the database
opens nothing. A link has one scope (:data:`LinkScope`) and one patient, expires after
``MICRONEEDLING_PATIENT_LINK_VALID_HOURS`` and can be revoked; intake and consent links are
spent once their purpose is done.

Opening a link (:meth:`PatientLinks.open`) answers every unusable token the same way
(:class:`LinkUnusable`, no reason given), looked up by hash so an unknown token costs what a
known one does. Two limits count requests in ``MICRONEEDLING_PATIENT_LINK_WINDOW_MINUTES``:
unusable tokens per client address (guessing) and all requests per link (a leaked link).
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Literal

import segno
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from microneedling.clinic.actor import PatientActor
from microneedling.clinic.audit import AuditLog
from microneedling.clinic.clinic import Clinic, Service, Unit
from microneedling.clinic.errors import NotFound, PermissionDenied
from microneedling.clinic.locations import clinic_contact
from microneedling.clinic.messages.outbox import Outbox
from microneedling.clinic.models import ConsentDocument, PatientLink, PatientLinkRequest
from microneedling.clinic.models.base import stamped_by
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.lookups import live_patient
from microneedling.errors import RequestRefused

LinkScope = Literal["intake", "consent", "patient_page"]
ALL_SCOPES: frozenset[str] = frozenset({"intake", "consent", "patient_page"})
#: Random bytes in a token (``secrets.token_urlsafe``): 256 bits, never guessed.
TOKEN_BYTES = 32
#: Where a link is opened, under the app's root.
LINK_PATH = "/p/"
#: Scopes whose link is spent once its one purpose is done.
SINGLE_USE: frozenset[str] = frozenset({"intake", "consent"})


class LinkUnusable(Exception):
    """Unknown, expired, revoked, spent or of another scope: deliberately not said which."""


class TooManyLinkRequests(Exception):
    """A rate limit on patient links was reached; try again after ``retry_after_s`` [s]."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many requests; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


#: What each kind of link lets the patient do, in the message that carries it.
LINK_PURPOSES = {
    "intake": "answer the health questions before your visit",
    "consent": "read and sign your consent",
    "patient_page": "see your appointments, aftercare and whom to call",
}


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: LinkScope = Field(description="intake, consent (one document) or patient_page")
    consent_document_id: int | None = Field(
        default=None, ge=1, description="the document to sign (scope consent only)"
    )
    send_by_email: bool = Field(
        default=False,
        description="also queue the link by email (patients who consent to messages only)",
    )


class LinkOut(BaseModel):
    """A link as staff see it later: never its token."""

    id: int
    patient_id: int
    scope: LinkScope
    consent_document_id: int | None
    created_at: datetime
    created_by: int
    expires_at: datetime
    revoked_at: datetime | None
    used_at: datetime | None
    usable: bool


class IssuedLink(BaseModel):
    """A new link: its address and QR code (SVG) are shown once, then only its record."""

    link: LinkOut
    url: str = Field(description="the address the patient opens (holds the token)")
    qr_svg: str = Field(description="the address as a QR code, SVG, for the desk's screen")
    emailed: bool = Field(
        default=False, description="queued in the outbox (false: not asked, or no consent)"
    )


def token_digest(token: str) -> str:
    """SHA-256 of a token, hex: what the clinic stores and looks links up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def qr_svg(url: str) -> str:
    """``url`` as a QR code (SVG markup, dark modules on white, 4 px a module)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


def _usable(link: PatientLink, now: datetime) -> bool:
    if link.revoked_at is not None or link.expires_at <= now:
        return False
    return not (link.scope in SINGLE_USE and link.used_at is not None)


def link_out(link: PatientLink, now: datetime) -> LinkOut:
    return LinkOut(
        id=link.id,
        patient_id=link.patient_id,
        scope=link.scope,
        consent_document_id=link.consent_document_id,
        created_at=link.created_at,
        created_by=link.created_by,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        used_at=link.used_at,
        usable=_usable(link, now),
    )


class PatientLinkService(Service):
    """What staff do with links: issue one, list a patient's, revoke one."""

    def issue(self, patient_id: int, data: LinkIn, base_url: str) -> IssuedLink:
        """A new link for the patient; ``base_url`` is used unless ``public_url`` is set."""
        needs = [Permission.ISSUE_PATIENT_LINKS]
        if data.scope == "consent":
            needs.append(Permission.WRITE_CLINICAL)
        with self.unit(*needs) as u:
            live_patient(u.session, patient_id)
            if data.scope == "consent":
                document = u.session.get(ConsentDocument, data.consent_document_id or 0)
                if document is None or document.patient_id != patient_id:
                    raise NotFound("consent_document_id", "consent document of the patient",
                                   data.consent_document_id)  # fmt: skip
                if document.status != "awaiting_signature":
                    raise RequestRefused(
                        "consent_document_id", f"the consent document is {document.status}"
                    )
            elif data.consent_document_id is not None:
                raise RequestRefused(
                    "consent_document_id", "only a consent link names a consent document"
                )
            token = secrets.token_urlsafe(TOKEN_BYTES)
            now = self.clinic.now()
            hours = self.clinic.settings.patient_link_valid_hours
            link = PatientLink(
                patient_id=patient_id,
                scope=data.scope,
                consent_document_id=data.consent_document_id,
                token_sha256=token_digest(token),
                created_by=self.actor.staff_id,
                expires_at=now + timedelta(hours=hours),
            )
            u.session.add(link)
            u.session.flush()
            u.audit.record(
                "create", "patient_link", link.id, patient_id=patient_id,
                detail={"scope": data.scope, "expires_at": link.expires_at.isoformat()},
            )  # fmt: skip
            root = (self.clinic.settings.public_url or base_url).rstrip("/")
            url = f"{root}{LINK_PATH}{token}"
            emailed = data.send_by_email and self._email(u, patient_id, link, url)
            return IssuedLink(
                link=link_out(link, now), url=url, qr_svg=qr_svg(url), emailed=emailed
            )

    def _email(self, u: Unit, patient_id: int, link: PatientLink, url: str) -> bool:
        """Queue the link in the outbox, in the issuing unit of work (the worker drops the
        address from the stored message once it is sent)."""
        patient = live_patient(u.session, patient_id)
        contact = clinic_contact(u.session, patient_id=patient_id, now=self.clinic.now())
        expires = contact.place.local(link.expires_at)
        queued = Outbox(u.session, self.clinic).enqueue(
            "patient_link",
            patient_id,
            send_after=self.clinic.now(),
            dedupe_key=f"patient-link:{link.id}",
            context={
                "clinic_name": contact.clinic_name,
                "given_name": patient.given_name,
                "purpose": LINK_PURPOSES[link.scope],
                "url": url,
                "expires": f"{expires:%A %-d %B %Y, %H:%M} ({contact.place.timezone})",
            },
        )
        return queued is not None

    def for_patient(self, patient_id: int) -> list[LinkOut]:
        """The patient's links, newest first (their tokens are not kept, so not shown)."""
        with self.reading(Permission.ISSUE_PATIENT_LINKS) as u:
            live_patient(u.session, patient_id)
            rows = u.session.scalars(
                select(PatientLink)
                .where(PatientLink.patient_id == patient_id)
                .order_by(PatientLink.id.desc())
            )
            now = self.clinic.now()
            links = [link_out(r, now) for r in rows]
            u.audit.listed("patient_link", [x.id for x in links], [patient_id])
            return links

    def revoke(self, link_id: int) -> LinkOut:
        """Revoke a link at once: the next request with it gets the same 404 as any bad link."""
        with self.unit(Permission.ISSUE_PATIENT_LINKS) as u:
            link = u.session.get(PatientLink, link_id)
            if link is None:
                raise NotFound("link_id", "patient link", link_id)
            live_patient(u.session, link.patient_id)
            if link.scope == "consent" and not self.actor.may(Permission.WRITE_CLINICAL):
                raise PermissionDenied(self.actor.role.value, Permission.WRITE_CLINICAL.value)
            if link.revoked_at is None:
                link.revoked_at = self.clinic.now()
                link.revoked_by = self.actor.staff_id
            u.audit.record("revoke", "patient_link", link.id, patient_id=link.patient_id)
            return link_out(link, self.clinic.now())


class PatientLinks:
    """Opening links: no staff actor; the result is the patient acting through the link."""

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic

    def open(self, token: str, scopes: frozenset[str], client_ip: str | None) -> PatientActor:
        """The patient behind ``token`` if it is a usable link of one of ``scopes``.

        Every request is counted; refused with :class:`TooManyLinkRequests` over a limit and
        :class:`LinkUnusable` (for every reason alike) when the link cannot be used.
        """
        settings = self.clinic.settings
        retry = int(settings.patient_link_window_minutes * 60)
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            now = self.clinic.now()
            since = now - timedelta(minutes=settings.patient_link_window_minutes)
            failures = _count(session, since, PatientLinkRequest.client_ip == client_ip,
                              PatientLinkRequest.accepted.is_(False))  # fmt: skip
            if failures >= settings.patient_link_max_failures:
                raise TooManyLinkRequests(retry)
            # Looked up by the digest alone: the same query for a known or an unknown token.
            link = session.scalar(
                select(PatientLink).where(PatientLink.token_sha256 == token_digest(token))
            )
            ok = (
                link is not None
                and link.scope in scopes
                and _usable(link, now)
                and _patient_live(session, link.patient_id)
            )
            session.add(
                PatientLinkRequest(
                    client_ip=client_ip, link_id=link.id if link and ok else None, accepted=ok
                )
            )
            actor = None
            if ok and link is not None:
                used = _count(session, since, PatientLinkRequest.link_id == link.id)
                if used > settings.patient_link_max_requests:
                    raise TooManyLinkRequests(retry)
                actor = PatientActor(link.patient_id, link.id, link.scope, client_ip)
        # Raised after the commit, so the refused request is counted against the address.
        if actor is None:
            raise LinkUnusable()
        return actor


def _count(session: Session, since: datetime, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(PatientLinkRequest)
    query = query.where(PatientLinkRequest.at >= since, *where)
    return session.scalar(query) or 0


def _patient_live(session: Session, patient_id: int) -> bool:
    try:
        live_patient(session, patient_id)
    except NotFound:
        return False
    return True


class PatientSide:
    """Base of what a patient does through a link: one unit of work, audited as the patient."""

    def __init__(self, clinic: Clinic, actor: PatientActor) -> None:
        self.clinic = clinic
        self.actor = actor

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            yield Unit(session, AuditLog(session, self.actor))

    def link(self, session: Session) -> PatientLink:
        link = session.get(PatientLink, self.actor.link_id)
        if link is None or not _usable(link, self.clinic.now()):
            raise LinkUnusable()
        return link
