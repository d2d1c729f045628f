"""Recall and series nudges: the worker enqueues them from the recall list.

A maintenance recall goes ``recall_notice_days`` before maintenance is due (key: the plan
and the due date); a nudge goes once a series has lapsed (key: the plan and the number of
sessions done), so each goes once however often the worker runs.

The recall list is read without the write lock (:func:`recalls_to_send`, in a reading
transaction): it reads every course, which takes a while with thousands of patients, and on
SQLite a writing transaction that long would hold up every write (reads' audit rows included)
for all of it. Only the few entries not yet sent are then enqueued in a short writing
transaction (:func:`plan_recall_messages`), which checks again that each is unsent and that the
patient has booked nothing since.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.locations import clinic_contact
from microneedling.clinic.messages.outbox import Outbox
from microneedling.clinic.messages.wording import format_day
from microneedling.clinic.models import Patient
from microneedling.clinic.services.recall import RecallEntry, booked_ahead, recall_entries


def _kind_and_key(entry: RecallEntry) -> tuple[str, str]:
    if entry.reason == "maintenance":
        return "maintenance_recall", f"recall:plan:{entry.plan_id}:{entry.due_on}"
    return "series_nudge", f"nudge:plan:{entry.plan_id}:after:{entry.sessions_done}"


def recalls_to_send(session: Session, clinic: Clinic) -> list[RecallEntry]:
    """The recall and nudge entries due now whose message has not been sent (a read)."""
    outbox = Outbox(session, clinic)
    due_by = clinic.today() + timedelta(days=clinic.settings.recall_notice_days)
    return [
        entry
        for entry in recall_entries(session, clinic, due_by)
        if not outbox.was_sent(_kind_and_key(entry)[1])
    ]


def plan_recall_messages(session: Session, clinic: Clinic, entries: list[RecallEntry]) -> int:
    """Enqueue the messages of ``entries`` (from :func:`recalls_to_send`) in the writing
    ``session``; returns how many were (re)queued."""
    outbox = Outbox(session, clinic)
    now = clinic.now()
    booked = booked_ahead(session, clinic)
    queued = 0
    for entry in entries:
        kind, key = _kind_and_key(entry)
        if entry.patient_id in booked or outbox.was_sent(key):
            continue  # booked or sent since the list was read
        patient = session.get(Patient, entry.patient_id)
        assert patient is not None
        due = f"{entry.due_on:%A} {entry.due_on.day} {entry.due_on:%B %Y}"
        contact = clinic_contact(session, patient_id=entry.patient_id, now=now)
        context = {
            "clinic_name": contact.clinic_name,
            "given_name": patient.given_name,
            "due_on": due,
            "today": format_day(contact.place, now),
            "place": contact.address_line,
            "phone": contact.phone or "",
        }
        if outbox.enqueue(kind, entry.patient_id, send_after=now, dedupe_key=key,
                          context=context) is not None:  # fmt: skip
            queued += 1
    return queued
