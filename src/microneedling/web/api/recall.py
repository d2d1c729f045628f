"""The recall list: patients due for maintenance and lapsed series, as JSON or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from microneedling.clinic.services.recall import (
    RecallEntry,
    RecallFilter,
    RecallReason,
    RecallService,
    recall_csv,
)
from microneedling.iso_dates import IsoDate
from microneedling.web.deps import service

router = APIRouter(prefix="/recall", tags=["recall"])
Recall = Annotated[RecallService, Depends(service(RecallService))]


def recall_filter(
    reason: Annotated[RecallReason | None, Query()] = None,
    due_by: Annotated[
        IsoDate | None, Query(description="maintenance due by (default: notice)")
    ] = None,
    with_prediction: Annotated[bool, Query(description="add the model's predicted date")] = False,
) -> RecallFilter:
    return RecallFilter(reason=reason, due_by=due_by, with_prediction=with_prediction)


Where = Annotated[RecallFilter, Depends(recall_filter)]


@router.get("", summary="Patients to call back (maintenance due, series lapsed)")
def recall_list(recall: Recall, where: Where) -> list[RecallEntry]:
    return recall.due(where)


@router.get("/csv", summary="The recall list as CSV", response_class=Response)
def recall_list_csv(recall: Recall, where: Where) -> Response:
    return Response(
        recall_csv(recall.due(where)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="recall.csv"'},
    )
