"""Bind the model, its parameters and a course, and solve: ``simulate_course(course)``.

:class:`SkinResponseModel` only stores its settings (parameter set, knowledge base); solving
returns a separate :class:`~microneedling.model.result.CourseResult`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase, load_knowledge
from microneedling.model.course import Course
from microneedling.model.laws import outcome, penetration
from microneedling.model.laws.barrier import hours_until_closed, hours_until_recovered
from microneedling.model.laws.channels import ChannelGeometry
from microneedling.model.laws.healing import STATES
from microneedling.model.laws.pigmentation import PIH_PER_SESSION, course_pih_chance
from microneedling.model.parameters import ParameterSet, check_values, full_parameter_set
from microneedling.model.result import (
    ConcernScale,
    CourseResult,
    Milestones,
    SessionOutcome,
)
from microneedling.model.solver import engine
from microneedling.model.solver.inputs import (
    DERMIS,
    STRATUM_CORNEUM,
    VIABLE_EPIDERMIS,
    PatientArrays,
    course_parameters,
    patient_arrays,
)

FloatArray = NDArray[np.float64]

#: Share of the eventual peak improvement at which results count as visible.
VISIBLE_SHARE_OF_PEAK = 0.5
#: Barrier counts as mostly resealed when this share of its starting deficit is left.
BARRIER_RECOVERED_SHARE = 0.1
#: Water loss counts as back to baseline when this share is left (within the day-to-day
#: scatter of water-loss readings, which is a few percent of the post-needling rise).
BARRIER_RESTORED_SHARE = 0.01


class SkinResponseModel:
    """The skin-response model with a parameter set; :meth:`solve` simulates one course."""

    def __init__(
        self, parameters: ParameterSet | None = None, knowledge: KnowledgeBase | None = None
    ) -> None:
        self.parameters = parameters
        self.knowledge = knowledge

    def solve(self, course: Course, values: Mapping[str, float] | None = None) -> CourseResult:
        """Simulate ``course``; ``values`` replaces nominal parameter values by name."""
        kb = self.knowledge or load_knowledge()
        base = self.parameters or full_parameter_set()
        resolved, pset = course_parameters(course, kb, base)
        chosen = {name: float(p.value) for name, p in pset.items()}
        if values:
            unknown = sorted(set(values) - set(chosen))
            if unknown:
                raise InvalidInput("parameters", f"unknown parameter(s): {', '.join(unknown)}")
            chosen.update({k: float(v) for k, v in values.items()})
        arrays_in = {k: np.array([v]) for k, v in chosen.items()}
        try:
            check_values(pset, arrays_in)
        except ValueError as exc:
            raise InvalidInput("parameters", str(exc)) from None
        arrays = patient_arrays(course, resolved.concern, arrays_in)
        horizon = course.horizon
        solver = engine.DailySolver(arrays, block_days=horizon + 1)
        block = next(solver.blocks(horizon))
        daily = {k: v[:, 0].copy() for k, v in block.outputs.items()}
        daily.update({k: block.states[k][:, 0].copy() for k in STATES})
        concern = resolved.concern
        severity = course.patient.severity
        daily["expected_grade"] = outcome.expected_grade(
            daily["improvement_fraction"], concern, severity
        )
        sessions = tuple(_session_outcomes(course, arrays, chosen, solver.modes))
        scale = ConcernScale(
            concern_id=concern.id,
            concern_name=concern.name,
            response=concern.response,
            scale_name=concern.scale.name,
            best=concern.scale.best,
            worst=concern.scale.worst,
            baseline_grade=outcome.baseline_grade(concern, severity),
        )
        return CourseResult(
            course=course,
            scale=scale,
            days=np.arange(horizon + 1, dtype=np.int64),
            daily=daily,
            sessions=sessions,
            milestones=_milestones(course, daily, arrays),
            parameters=chosen,
            sources={name: p.source.label() for name, p in pset.items()},
            pih_chance=course_pih_chance(
                chosen[PIH_PER_SESSION], len(course.sessions), course.patient.fitzpatrick_type
            ),
        )


def simulate_course(
    course: Course,
    parameters: ParameterSet | None = None,
    knowledge: KnowledgeBase | None = None,
    values: Mapping[str, float] | None = None,
) -> CourseResult:
    """Simulate one patient's course with the full parameter set (or ``parameters``)."""
    return SkinResponseModel(parameters, knowledge).solve(course, values)


def _session_outcomes(
    course: Course, arrays: PatientArrays, p: Mapping[str, float], modes: engine.Modes
) -> list[SessionOutcome]:
    s = arrays.sessions
    windows = engine.hourly_windows(arrays, modes)
    downtimes = engine.downtime(arrays, modes)
    # One call for every session and both shares: (2, sessions) hours.
    barrier_times = hours_until_recovered(
        s.barrier_half_h[:, 0],
        arrays.barrier_channel_share[0],
        s.closure_half_h[:, 0],
        np.array([[BARRIER_RECOVERED_SHARE], [BARRIER_RESTORED_SHARE]]),
    )
    out: list[SessionOutcome] = []
    for i, session in enumerate(course.sessions):
        depth = float(s.depth_um[i, 0])
        hourly = {k: v[:, 0].copy() for k, v in windows[i].items()}
        closure = float(s.closure_half_h[i, 0])

        recovered, restored = (float(h) for h in barrier_times[:, i])
        out.append(
            SessionOutcome(
                index=i,
                date=session.date,
                needle_length_mm=session.needle_length_mm,
                device_kind=session.device_kind,
                passes=session.passes,
                occluded=session.occluded,
                effective_depth_um=depth,
                deepest_layer=penetration.deepest_layer(
                    depth,
                    p[STRATUM_CORNEUM],
                    p[VIABLE_EPIDERMIS],
                    p["Papillary dermis thickness [um]"],
                    p[DERMIS],
                ),
                punctures_per_cm2=float(s.density_per_cm2[i, 0]),
                bleeding_probability=float(s.bleeding[i, 0]),
                bleeding_points_per_cm2=float(s.bleeding[i, 0] * s.density_per_cm2[i, 0]),
                channels=ChannelGeometry(
                    depth_um=depth,
                    surface_radius_um=float(s.radius_um[0]),
                    density_per_cm2=float(s.density_per_cm2[i, 0]),
                    closure_half_time_h=closure,
                    occluded=session.occluded,
                ),
                channels_closed_after_h=float(
                    hours_until_closed(np.array(closure), arrays.closed_fraction[0])
                ),
                barrier_recovered_after_h=recovered,
                barrier_restored_after_h=restored,
                downtime_days=float(downtimes[i, 0]),
                hourly=hourly,
            )
        )
    return out


def _milestones(course: Course, daily: dict[str, FloatArray], arrays: PatientArrays) -> Milestones:
    improvement = daily["improvement_fraction"][:, None]
    last = course.last_session_day

    def date_of(day: int) -> dt.date | None:
        return course.start + dt.timedelta(days=day) if day >= 0 else None

    first = int(outcome.first_day_reaching(improvement, VISIBLE_SHARE_OF_PEAK)[0])
    after = improvement[last:, 0]
    peak_day = last + int(np.argmax(after)) if after.size and after.max() > 0 else -1
    maintenance = int(outcome.maintenance_day(improvement, last, arrays.maintenance_threshold)[0])
    peak_index = int(np.argmax(daily["improvement_fraction"]))
    return Milestones(
        first_results_on=date_of(first),
        full_effect_on=date_of(peak_day),
        maintenance_due_on=date_of(maintenance),
        peak_improvement_fraction=float(daily["improvement_fraction"][peak_index]),
        peak_expected_grade=float(daily["expected_grade"][peak_index]),
    )
