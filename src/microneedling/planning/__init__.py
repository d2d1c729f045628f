"""Treatment planning: an eligible screening and a request become an explained plan."""

from microneedling.planning.aftercare_days import AftercareTimeline, aftercare_timeline
from microneedling.planning.aftercare_sheet import aftercare_sheet, sheet_for_session
from microneedling.planning.explained import DepthStep, Explained, NeedleDepth, Provenance
from microneedling.planning.plan import make_plan
from microneedling.planning.request import (
    LAST_PLANNABLE_DAY,
    AreaRequest,
    ClinicContact,
    ConcernRequest,
    PlannableDay,
    PlanRequest,
    RequestedCourse,
    Weekday,
)
from microneedling.planning.screen_and_plan import IntakeInvalid, ScreenedPlan, screen_and_plan
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
    "LAST_PLANNABLE_DAY",
    "AftercareSheet",
    "AftercareTimeline",
    "AreaPlan",
    "AreaRequest",
    "ClinicContact",
    "ConcernPlan",
    "ConcernRequest",
    "DepthStep",
    "Explained",
    "IntakeInvalid",
    "Maintenance",
    "NeedleDepth",
    "PlanDevice",
    "PlanPatient",
    "PlanRequest",
    "PlannableDay",
    "PlannedMilestone",
    "Provenance",
    "RequestedCourse",
    "ScreenedPlan",
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
    "aftercare_timeline",
    "make_plan",
    "screen_and_plan",
    "sheet_for_session",
]
