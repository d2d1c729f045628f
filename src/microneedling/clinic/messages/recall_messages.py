"""Recall and series nudges: the worker enqueues them from the recall list.

A maintenance recall goes ``recall_notice_days`` before maintenance is due (key: the plan
and the due date); a nudge goes once a series has lapsed (key: the plan and the number of
sessions done), so each goes once however often the worker runs.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic
from microneedling.clinic.locations import clinic_contact
from microneedling.clinic.messages.outbox import Outbox
from microneedling.clinic.messages.wording import format_day
from microneedling.clinic.models import Patient
from microneedling.clinic.services.recall import recall_entries


def plan_recall_messages(session: Session, clinic: Clinic) -> int:
    """Enqueue the recall and nudge messages now due; returns how many were (re)queued."""
    outbox = Outbox(session, clinic)
    now = clinic.now()
    due_by = clinic.today() + timedelta(days=clinic.settings.recall_notice_days)
    queued = 0
    for entry in recall_entries(session, clinic, due_by):
        if entry.reason == "maintenance":
            kind, key = "maintenance_recall", f"recall:plan:{entry.plan_id}:{entry.due_on}"
        else:
            kind = "series_nudge"
            key = f"nudge:plan:{entry.plan_id}:after:{entry.sessions_done}"
        if outbox.was_sent(key):
            continue
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
