"""Treatment planning: an eligible screening and a request become an explained plan."""

from microneedling.planning.aftercare_sheet import aftercare_sheet, sheet_for_session
from microneedling.planning.explained import DepthStep, Explained, NeedleDepth, Provenance
from microneedling.planning.plan import make_plan
from microneedling.planning.request import (
    AreaRequest,
    ClinicContact,
    ConcernRequest,
    PlanRequest,
    RequestedCourse,
    Weekday,
)
from microneedling.planning.treatment_plan import (
    AftercareSheet,
    AreaPlan,
    ConcernPlan,
    Maintenance,
    PlanDevice,
    PlannedMilestone,
    PlanPatient,
    SessionArea,
    SessionDuration,
    SessionPlan,
    SheetDay,
    SheetInstruction,
    SheetPrecaution,
    SheetWarning,
    TreatmentPlan,
)

__all__ = [
    "AftercareSheet",
    "AreaPlan",
    "AreaRequest",
    "ClinicContact",
    "ConcernPlan",
    "ConcernRequest",
    "DepthStep",
    "Explained",
    "Maintenance",
    "NeedleDepth",
    "PlanDevice",
    "PlanPatient",
    "PlanRequest",
    "PlannedMilestone",
    "Provenance",
    "RequestedCourse",
    "SessionArea",
    "SessionDuration",
    "SessionPlan",
    "SheetDay",
    "SheetInstruction",
    "SheetPrecaution",
    "SheetWarning",
    "TreatmentPlan",
    "Weekday",
    "aftercare_sheet",
    "make_plan",
    "sheet_for_session",
]
