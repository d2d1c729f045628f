"""Booking a plan's whole session series: a proposal that fits, then all sessions in one step.

Each session's window opens on the later of its planned date and the plan's interval after the
session before it (counted in clinic days, as the booking rule counts it), and stays open for
the slack the plan's concerns allow (the shortest of their longest intervals, less the plan's
interval; at least :data:`MIN_WINDOW_DAYS`). The proposal keeps one time of day, practitioner
and room where they are free, else takes the free slot nearest that time, and says why. A
practitioner or room asked for is kept for every session; otherwise anyone free will do, the
practitioner of the series' earlier sessions first.
Booking is all or nothing: one transaction, every row checked by the appointment rules, every
refusal named by row and field.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from microneedling.clinic.clinic import Service
from microneedling.clinic.db import LOCK_BOOKINGS
from microneedling.clinic.diary_range import LAST_DIARY_DAY
from microneedling.clinic.errors import NotFound, SeveralProblems
from microneedling.clinic.locations import place_or_default
from microneedling.clinic.models import Appointment
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.appointments import AppointmentIn, AppointmentOut
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.lookups import current_treatment_plan, get_plan, zones
from microneedling.clinic.services.staff_hours import (
    practitioner_diaries,
    room_diaries,
    treating_member,
)
from microneedling.clinic.slots import Busy, Diaries, clash, grid_minutes, nearest_slot, next_grid
from microneedling.clinic.text import Code
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.iso_dates import IsoDateTime
from microneedling.planning import AreaPlan

#: The shortest window a session is proposed in [days], when the concerns allow no slack.
MIN_WINDOW_DAYS = 7
#: The time of day proposed when the plan has no booked session to follow.
DEFAULT_TIME = time(10, 0)
#: Sessions that hold one of the plan's places.
HOLDING = ("booked", "completed")


class SeriesSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=12, description="the plan's session number")
    practitioner_id: RecordRef
    room: Code
    starts_at: IsoDateTime = Field(description="local clinic time if no zone is given")
    duration_minutes: int = Field(gt=0, le=8 * 60)


class SeriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_id: RecordRef | None = Field(
        default=None, description="where every session is; none: the default location"
    )
    sessions: list[SeriesSessionIn] = Field(min_length=1, max_length=12)


class ProposedSession(BaseModel):
    """One session: its plan date and window, and either its booking or a proposal."""

    number: int
    planned_on: date
    window_from: date
    window_until: date
    minutes: int = Field(description="visit length, rounded up to the booking grid [min]")
    booked: AppointmentOut | None = None
    starts_at: datetime | None = None
    practitioner_id: int | None = None
    room: str | None = None
    conflict: str | None = Field(
        default=None, description="why the wanted time, practitioner or room was not proposed"
    )


class SeriesProposal(BaseModel):
    plan_id: int
    patient_id: int
    interval_weeks: int
    location_id: int
    timezone: str
    sessions: list[ProposedSession]


class SeriesService(Service):
    def propose(
        self,
        plan_id: int,
        practitioner_id: int | None = None,
        room: str | None = None,
        at: time | None = None,
        start: date | None = None,
        location_id: int | None = None,
    ) -> SeriesProposal:
        """A slot for every session not yet booked, in its window (``start``: the first
        session's earliest day, when later than its own), at one location (the default one
        when none is named), in its zone."""
        clinic = self.clinic
        with self.unit(Permission.BOOK_APPOINTMENTS) as u:
            place = place_or_default(u.session, location_id)
            zone = place.zone
            rooms = list(place.rooms)
            if room is not None:
                if room not in rooms:
                    raise InvalidInput(
                        "room", f"no room '{room}' at {place.name} (rooms: {', '.join(rooms)})"
                    )
                rooms = [room]  # asked for: only that room
            record = get_plan(u.session, plan_id)
            if record.status == "cancelled":
                raise RequestRefused("plan_id", "the plan is cancelled")
            plan = current_treatment_plan(u.session, record)
            interval = timedelta(weeks=plan.interval_weeks.value)
            slack = self._slack_days(plan.interval_weeks.value, plan.areas)
            held = list(
                u.session.scalars(
                    select(Appointment)
                    .where(
                        Appointment.plan_id == plan_id,
                        Appointment.kind == "session",
                        Appointment.status.in_(HOLDING),
                    )
                    .order_by(Appointment.starts_at)
                )
            )
            u.audit.read("plan_schedule", record.id, record.patient_id)
            chosen = practitioner_id is not None
            if practitioner_id is not None:
                treating_member(u.session, practitioner_id, "practitioner_id")
            elif held:
                practitioner_id = held[-1].practitioner_id
            if at is None:
                at = place.local(held[-1].starts_at).time() if held else DEFAULT_TIME
            now = clinic.now()
            horizon_from = min([now, *[a.starts_at for a in held]])
            last = max([s.date for s in plan.sessions] + [clinic.today()])
            horizon_until = datetime.combine(
                min(last + len(plan.sessions) * (interval + timedelta(days=slack)), LAST_DIARY_DAY),
                time(),
                zone,
            )
            # Asked for: only that practitioner; else anyone, the series' own one first.
            everyone = practitioner_diaries(
                u.session, clinic, horizon_from, horizon_until,
                [practitioner_id] if chosen and practitioner_id is not None else None, place.id,
            )  # fmt: skip
            if practitioner_id is not None:
                everyone.sort(key=lambda d: d.staff_id != practitioner_id)
            patient_busy = tuple(
                Busy(a.starts_at, a.ends_at)
                for a in u.session.scalars(
                    select(Appointment).where(
                        Appointment.patient_id == record.patient_id,
                        Appointment.status == "booked",
                        Appointment.ends_at > now,
                    )
                )
            )
            diaries = Diaries(
                zone=zone,
                opening=place.hours,
                practitioners=everyone,
                rooms=room_diaries(u.session, place.id, rooms, horizon_from, horizon_until),
                patient_busy=patient_busy,
            )
            outs = AppointmentService(clinic, self.actor)
            by_location = zones(u.session)
            sessions: list[ProposedSession] = []
            previous: date | None = None
            for number, planned in enumerate(plan.sessions, start=1):
                minutes = grid_minutes(planned.duration.total_minutes)
                if number <= len(held):
                    booked = held[number - 1]
                    previous = place.local(booked.starts_at).date()
                    sessions.append(
                        ProposedSession(
                            number=number, planned_on=planned.date, window_from=previous,
                            window_until=previous, minutes=minutes,
                            booked=outs.out(booked, by_location),
                        )
                    )  # fmt: skip
                    continue
                first = max(planned.date, clinic.today())
                if previous is not None:
                    first = max(first, previous + interval)
                if number == len(held) + 1 and start is not None:
                    first = max(first, start)
                until = min(first + timedelta(days=slack), LAST_DIARY_DAY)
                row = ProposedSession(
                    number=number, planned_on=planned.date, window_from=first,
                    window_until=until, minutes=minutes,
                )  # fmt: skip
                self._fit(row, diaries, at)
                sessions.append(row)
                if row.starts_at is not None:
                    previous = row.starts_at.date()
                    if row.practitioner_id is not None and practitioner_id is None:
                        practitioner_id = row.practitioner_id
                        everyone.sort(key=lambda d: d.staff_id != practitioner_id)
                    diaries = Diaries(
                        zone=zone,
                        opening=diaries.opening,
                        practitioners=everyone,
                        rooms=diaries.rooms,
                        patient_busy=(
                            *diaries.patient_busy,
                            Busy(row.starts_at, row.starts_at + timedelta(minutes=minutes)),
                        ),
                    )
                else:
                    previous = first
            return SeriesProposal(
                plan_id=plan_id, patient_id=record.patient_id,
                interval_weeks=plan.interval_weeks.value, location_id=place.id,
                timezone=place.timezone,
                sessions=sessions,
            )  # fmt: skip

    def _slack_days(self, interval_weeks: int, areas: list[AreaPlan]) -> int:
        highs = [
            self.clinic.kb.concerns[c.concern].interval_weeks.high
            for area in areas
            for c in area.concerns
            if c.concern in self.clinic.kb.concerns
        ]
        longest = min(highs) if highs else interval_weeks
        return max(MIN_WINDOW_DAYS, (longest - interval_weeks) * 7)

    def _fit(self, row: ProposedSession, diaries: Diaries, at: time) -> None:
        """Fill the row's proposal: ``at`` on its first day with the preferred practitioner
        and room when free, else the free slot nearest ``at``, on the earliest day that has
        one."""
        zone = diaries.zone
        earliest = next_grid(self.clinic.now())
        wanted = datetime.combine(row.window_from, at, zone)
        wanted_end = wanted + timedelta(minutes=row.minutes)
        reason: str | None
        if not diaries.practitioners:
            reason = "no active practitioner"
        elif wanted < earliest:
            reason = f"{wanted:%a %Y-%m-%d %H:%M} has passed"
        else:
            reason = clash(diaries, diaries.practitioners[0], diaries.rooms[0], wanted, wanted_end)
        day = row.window_from
        while day <= row.window_until:
            slot = nearest_slot(diaries, day, at, row.minutes, earliest)
            if slot is not None:
                row.starts_at = slot.starts_at
                row.practitioner_id = slot.practitioner_id
                row.room = slot.room
                if reason is None and (
                    slot.starts_at != wanted
                    or slot.practitioner_id != diaries.practitioners[0].staff_id
                ):
                    reason = "another booking"
                row.conflict = reason
                return
            day += timedelta(days=1)
        row.conflict = (f"{reason}; " if reason else "") + (
            f"no free slot from {row.window_from.isoformat()} to {row.window_until.isoformat()}"
        )

    def book(self, plan_id: int, data: SeriesIn) -> list[AppointmentOut]:
        """Book every row or none; refusals name the row (``sessions.N.field``)."""
        appointments = AppointmentService(self.clinic, self.actor)
        with self.unit(Permission.BOOK_APPOINTMENTS) as u:
            self.clinic.db.lock(u.session, LOCK_BOOKINGS)
            record = get_plan(u.session, plan_id)
            plan = current_treatment_plan(u.session, record)
            held = (
                u.session.scalar(
                    select(func.count())
                    .select_from(Appointment)
                    .where(
                        Appointment.plan_id == plan_id,
                        Appointment.kind == "session",
                        Appointment.status.in_(HOLDING),
                    )
                )
                or 0
            )
            problems: list[InvalidInput] = []
            seen: set[int] = set()
            booked: list[Appointment] = []
            for i, row in enumerate(data.sessions):
                if row.number in seen or not held < row.number <= len(plan.sessions):
                    problems.append(
                        InvalidInput(
                            f"sessions.{i}.number",
                            f"session {row.number} is not one of the plan's sessions still to "
                            f"book ({held + 1}-{len(plan.sessions)})",
                        )
                    )
                    continue
                seen.add(row.number)
                try:
                    booked.append(
                        appointments.book_in(
                            u,
                            AppointmentIn(
                                patient_id=record.patient_id, practitioner_id=row.practitioner_id,
                                location_id=data.location_id, room=row.room, kind="session",
                                starts_at=row.starts_at,
                                duration_minutes=row.duration_minutes, plan_id=plan_id,
                            ),
                        )
                    )  # fmt: skip
                except InvalidInput as error:
                    kind = (
                        RequestRefused
                        if isinstance(error, RequestRefused | NotFound)
                        else InvalidInput
                    )
                    problems.append(kind(f"sessions.{i}.{error.field}", error.problem))
            if problems:
                raise SeveralProblems(problems)
            by_location = zones(u.session)
            return [appointments.out(a, by_location) for a in booked]
