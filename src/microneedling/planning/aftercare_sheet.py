"""The aftercare sheet a patient takes home: day by day, precautions, warning signs, whom to call.

Instructions come from the knowledge base's aftercare guide; the patient's own screening
precautions add their measures. Day 0 is the day of treatment.
"""

from __future__ import annotations

from datetime import date, timedelta

from microneedling.knowledge import AftercareInstruction, KnowledgeBase, load_knowledge
from microneedling.planning.request import ClinicContact
from microneedling.planning.treatment_plan import (
    AftercareSheet,
    SheetDay,
    SheetInstruction,
    SheetPrecaution,
    SheetWarning,
    TreatmentPlan,
)
from microneedling.screening.result import ScreeningResult, cite


def _instruction(kb: KnowledgeBase, item: AftercareInstruction) -> SheetInstruction:
    return SheetInstruction(
        topic=item.topic,
        name=item.name,
        text=item.text,
        from_day=item.from_day,
        until_day=item.until_day,
        sources=cite(kb, item.sources),
    )


def whom_to_call(contact: ClinicContact | None) -> str:
    if contact is None:
        clinic = "Call the clinic that treated you"
    else:
        clinic = f"Call {contact.name} on {contact.phone}"
        if contact.after_hours:
            clinic += f" (out of hours: {contact.after_hours})"
    return (
        f"{clinic} if you notice any of the warning signs on this sheet; for those marked "
        f"urgent, seek urgent care straight away."
    )


def aftercare_sheet(
    kb: KnowledgeBase,
    *,
    session_number: int,
    session_date: date,
    screening: ScreeningResult,
    contact: ClinicContact | None,
) -> AftercareSheet:
    """The sheet for one session, dated from ``session_date``."""
    guide = kb.aftercare
    last_day = max((i.until_day for i in guide.instructions if i.until_day is not None), default=0)
    days = [
        SheetDay(
            day=day,
            date=session_date + timedelta(days=day),
            instructions=[
                _instruction(kb, i) for i in guide.for_day(day) if i.until_day is not None
            ],
        )
        for day in range(last_day + 1)
    ]
    return AftercareSheet(
        session_number=session_number,
        session_date=session_date,
        days=days,
        throughout_course=[_instruction(kb, i) for i in guide.instructions if i.until_day is None],
        precautions=[
            SheetPrecaution(
                rule_id=f.rule_id,
                name=f.rule_name,
                reason=f.reason,
                measures=f.measures,
                sources=f.sources,
            )
            for f in screening.precautions()
        ],
        warning_signs=[
            SheetWarning(text=w.text, action=w.action, sources=cite(kb, w.sources))
            for w in guide.warning_signs
        ],
        contact=contact,
        whom_to_call=whom_to_call(contact),
    )


def sheet_for_session(
    plan: TreatmentPlan, session_number: int, kb: KnowledgeBase | None = None
) -> AftercareSheet:
    """The aftercare sheet for any session of a plan (the plan holds the first session's)."""
    matching = [s for s in plan.sessions if s.number == session_number]
    if not matching:
        raise KeyError(f"the plan has no session {session_number}")
    return aftercare_sheet(
        kb or load_knowledge(),
        session_number=session_number,
        session_date=matching[0].date,
        screening=plan.screening,
        contact=plan.requested.contact,
    )
