"""The evidence table: published observations the model is fitted to or checked against.

``clinical.yaml`` holds the rows (figure, uncertainty, n, setting, time, citation, where it was
read); ``roles.yaml`` lists the check rows and the rows set apart; the parameters name the rows
they were fitted to. :mod:`.bands` derives each check's tolerance from the paper's own
uncertainty, :mod:`.scenarios` runs each row's course, :mod:`.independence` keeps fit and check
apart, :mod:`.trial_ranges` gives the ranges the compared trials report.
"""

from microneedling.model.evidence.bands import Band, derived_band, model_error, problems
from microneedling.model.evidence.independence import dependencies, violations
from microneedling.model.evidence.scenarios import can_model, course_for, model_value
from microneedling.model.evidence.schema import Evidence, Uncertainty
from microneedling.model.evidence.table import (
    Roles,
    build_roles,
    evidence_rows,
    role_problems,
    roles,
)
from microneedling.model.evidence.trial_ranges import (
    TrialRange,
    epidermis_range,
    improvement_range,
    redness_range,
)

__all__ = [
    "Band",
    "Evidence",
    "Roles",
    "TrialRange",
    "Uncertainty",
    "build_roles",
    "can_model",
    "course_for",
    "dependencies",
    "derived_band",
    "epidermis_range",
    "evidence_rows",
    "improvement_range",
    "model_error",
    "model_value",
    "problems",
    "redness_range",
    "role_problems",
    "roles",
    "violations",
]
