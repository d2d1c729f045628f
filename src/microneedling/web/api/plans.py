"""Treatment plans: create from the core planner, edit within its limits, consent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.schemas.plans import (
    ConsentIn,
    PlanEdit,
    PlanFilter,
    PlanIn,
    PlanOut,
    PlanSchedule,
    PlanStatus,
)
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.predictions import PredictionService
from microneedling.planning import TreatmentPlan
from microneedling.web.deps import PageDep, RecordId, service

router = APIRouter(tags=["plans"])
Plans = Annotated[PlanService, Depends(service(PlanService))]


@router.post(
    "/patients/{patient_id}/plans",
    status_code=status.HTTP_201_CREATED,
    summary="Plan a course from the current intake's screening",
)
def create_plan(patient_id: RecordId, body: PlanIn, plans: Plans) -> PlanOut:
    return plans.create(patient_id, body)


@router.get("/patients/{patient_id}/plans", summary="A patient's plans, newest first")
def list_plans(
    patient_id: RecordId,
    plans: Plans,
    page: PageDep,
    status: Annotated[PlanStatus | None, Query()] = None,
) -> Page[PlanOut]:
    return plans.plan_page(patient_id, PlanFilter(status=status), page)


@router.get(
    "/patients/{patient_id}/plan-schedules",
    summary="Session dates and visit lengths of a patient's plans that are not cancelled",
)
def list_plan_schedules(patient_id: RecordId, plans: Plans, page: PageDep) -> Page[PlanSchedule]:
    return plans.schedule_page(patient_id, page)


@router.get("/plans/{plan_id}/schedule", summary="A plan's session dates and visit lengths")
def get_plan_schedule(plan_id: RecordId, plans: Plans) -> PlanSchedule:
    return plans.schedule(plan_id)


@router.get("/plans/{plan_id}", summary="A plan: current version, history and consents")
def get_plan(plan_id: RecordId, plans: Plans) -> PlanOut:
    return plans.get(plan_id)


@router.get("/plans/{plan_id}/versions/{version}", summary="One version of a plan")
def get_plan_version(plan_id: RecordId, version: RecordId, plans: Plans) -> TreatmentPlan:
    return plans.version(plan_id, version)


@router.post("/plans/{plan_id}/edits", summary="Edit a plan (re-validated by the core)")
def edit_plan(plan_id: RecordId, body: PlanEdit, plans: Plans) -> PlanOut:
    return plans.edit(plan_id, body)


@router.post("/plans/{plan_id}/consents", summary="Record the patient's consent to a version")
def consent_to_plan(plan_id: RecordId, body: ConsentIn, plans: Plans) -> PlanOut:
    return plans.consent(plan_id, body)


@router.post("/plans/{plan_id}/cancel", summary="Cancel a plan")
def cancel_plan(plan_id: RecordId, plans: Plans) -> PlanOut:
    return plans.cancel(plan_id)


@router.get(
    "/plans/{plan_id}/prediction",
    summary="Predicted course of one area and concern, from the skin-response model",
)
def predict_plan(
    plan_id: RecordId,
    predictions: Annotated[PredictionService, Depends(service(PredictionService))],
    site: Annotated[str | None, Query(max_length=64)] = None,
    concern: Annotated[str | None, Query(max_length=64)] = None,
    series: Annotated[bool, Query(description="include the daily series")] = False,
) -> dict[str, Any]:
    return predictions.predict(plan_id, site, concern, series)
