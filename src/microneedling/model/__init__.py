"""The skin-response model: from device settings to what happens in the skin, with sources.

``simulate_course(course)`` follows one patient through a course of sessions (penetration,
channels, barrier and closure, redness, the healing cascade, age-related collagen loss and the
outcome on the concern's own scale); ``simulate_cohort(course, n)`` does it for a virtual cohort
drawn from the parameters' spreads and returns 5-50-95 % bands.
"""

from microneedling.model.cohort import (
    Bands,
    CohortResult,
    PatientMix,
    draw_parameters,
    parameter_space,
    simulate_cohort,
)
from microneedling.model.course import Course, CoursePatient, CourseSession
from microneedling.model.from_plan import course_from_plan, courses_from_plan
from microneedling.model.laws.channels import ChannelGeometry
from microneedling.model.parameters import (
    Parameter,
    ParameterSet,
    Source,
    Spread,
    full_parameter_set,
)
from microneedling.model.result import CourseResult, Milestones, SessionOutcome
from microneedling.model.simulation import SkinResponseModel, simulate_course

__all__ = [
    "Bands",
    "ChannelGeometry",
    "CohortResult",
    "Course",
    "CoursePatient",
    "CourseResult",
    "CourseSession",
    "Milestones",
    "Parameter",
    "ParameterSet",
    "PatientMix",
    "SessionOutcome",
    "SkinResponseModel",
    "Source",
    "Spread",
    "course_from_plan",
    "courses_from_plan",
    "draw_parameters",
    "full_parameter_set",
    "parameter_space",
    "simulate_cohort",
    "simulate_course",
]
