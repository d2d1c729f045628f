"""Devices and cartridge lots: what the clinic owns, what may be used today, and recalls.

Admins register devices and lots and recall lots; the recall lists every patient treated
with the lot (the device service's report). Practitioners see the lists.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from microneedling.clinic.paging import PageRequest
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn, RecallIn
from microneedling.web.deps import RecordId
from microneedling.web.pages._forms import as_dict, stripped, submit
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import Signed, SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _devices_page(
    page: Signed,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    which: str = "",
) -> Response:
    service = page.service(DeviceService)
    kb = page.clinic.kb
    types = [(d.id, d.name) for d in kb.devices.values()]
    cartridges = sorted({c.id: c.name for d in kb.devices.values() for c in d.cartridges}.items())
    return render(
        page.ctx, "devices.html", status_code, nav="devices", title="Devices and lots",
        devices=service.devices(PageRequest(limit=200)).items,
        lots=service.lots(PageRequest(limit=200)).items,
        type_names=dict(types), types=types, cartridges=cartridges,
        may_manage=page.may(Permission.MANAGE_DEVICES), may_recall=page.may(Permission.RECALL_LOTS),
        form=form or {}, errors=errors or {}, which=which,
    )  # fmt: skip


@router.get("/devices", name="device_list")
def device_list(page: SignedDep) -> Response:
    return _devices_page(page)


@router.post("/devices", name="device_register")
async def device_register(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    keys = ("device_type", "serial_number", "label")
    data = stripped(form, *keys)
    return submit(
        lambda: page.service(DeviceService).register_device(DeviceIn.model_validate(data)),
        then=str(request.url_for("device_list").path),
        again=lambda errors: _devices_page(page, form, errors, 422, "device"),
    )


@router.post("/lots", name="lot_register")
async def lot_register(request: Request, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    keys = ("lot_number", "device_type", "cartridge_id", "needle_count", "needle_length_mm",
            "expires_on", "received_on")  # fmt: skip
    data = stripped(form, *keys)
    data["device_type"] = (form.get("lot_device_type") or "").strip() or None
    return submit(
        lambda: page.service(DeviceService).register_lot(LotIn.model_validate(data)),
        then=str(request.url_for("device_list").path) + "#lots",
        again=lambda errors: _devices_page(page, form, errors, 422, "lot"),
        rename={"device_type": "lot_device_type"},
    )


@router.post("/lots/{lot_id}/recall", name="lot_recall")
async def lot_recall(request: Request, lot_id: RecordId, page: SignedDep) -> Response:
    form = as_dict(await request.form())
    service = page.service(DeviceService)
    reason = (form.get("reason") or "").strip()
    return submit(
        lambda: service.recall(lot_id, RecallIn(reason=reason)),
        # The recall's report (sessions and patients that had the lot) is shown once, here.
        then=lambda report: render(
            page.ctx, "recall.html", nav="devices", title="Lot recalled", report=report
        ),
        # Each lot is a row of the list: its problems are said together on that row.
        again=lambda errors: _devices_page(
            page, form, {f"recall.{lot_id}": " ".join(errors.values())}, 422
        ),
    )


@router.get("/lots/{lot_id}/recall", name="lot_recall_report")
def lot_recall_report(lot_id: RecordId, page: SignedDep) -> Response:
    report = page.service(DeviceService).recall_report(lot_id)
    return render(page.ctx, "recall.html", nav="devices", title="Recall report", report=report)
