"""The recall list page: patients due for maintenance and lapsed series; CSV; book from it."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from microneedling.clinic.services.recall import RecallFilter, RecallService, recall_csv
from microneedling.web.pages._forms import field_errors
from microneedling.web.pages._locations import ReportLocation, report_location
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)
REASONS = (("", "any"), ("maintenance", "maintenance due"), ("lapsed_series", "series lapsed"))


def _filter(
    request: Request, page: Signed
) -> tuple[RecallFilter, dict[str, str], dict[str, str], ReportLocation]:
    query = request.query_params
    form = {k: query.get(k, "").strip() for k in ("reason", "due_by", "with_prediction")}
    place = report_location(page, query.get("location_id"))
    try:
        where = RecallFilter.model_validate(
            {"reason": form["reason"] or None, "due_by": form["due_by"] or None,
             "with_prediction": form["with_prediction"] == "yes",
             "location_id": place.location_id}
        )  # fmt: skip
    except ValidationError as exc:
        return RecallFilter(location_id=place.location_id), form, field_errors(exc), place
    return where, form, {"location_id": place.error} if place.error else {}, place


@router.get("/recall", name="recall_page")
def recall_page(request: Request, page: SignedDep) -> Response:
    where, form, errors, place = _filter(request, page)
    entries = page.service(RecallService).due(where)
    return render(
        page.ctx, "recall_list.html", 422 if errors else 200, nav="recall", title="Recall",
        entries=entries, reasons=REASONS, form=form, errors=errors, place=place,
        csv_query=urlencode({**request.query_params, "location_id": place.value}),
    )  # fmt: skip


@router.get("/recall.csv", name="recall_csv_page")
def recall_csv_page(request: Request, page: SignedDep) -> Response:
    where, _, _, _ = _filter(request, page)
    return Response(
        recall_csv(page.service(RecallService).due(where)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="recall.csv"'},
    )
