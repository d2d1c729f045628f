"""The predicted course of a plan, from the skin-response model (:mod:`microneedling.model`).

One (area, concern) of the plan's current version at a time; the model's own result is
returned as it reports it (daily series optional), with units and parameter sources.
"""

from __future__ import annotations

from typing import Any

from microneedling.clinic.clinic import Service
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.lookups import current_treatment_plan, get_plan
from microneedling.model import course_from_plan, simulate_course


class PredictionService(Service):
    def predict(
        self, plan_id: int, site: str | None, concern: str | None, series: bool
    ) -> dict[str, Any]:
        with self.reading(Permission.READ_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            plan = current_treatment_plan(u.session, record)
            u.audit.read("plan_prediction", record.id, record.patient_id)
        course = course_from_plan(plan, site, concern)
        result = simulate_course(course, knowledge=self.clinic.kb)
        out = result.to_dict(series)
        out["plan_id"] = plan_id
        out["plan_version"] = record.current_version
        return out
