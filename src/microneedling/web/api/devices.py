"""Devices and cartridge lots; recalls with the list of patients treated with a lot."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.services.devices import (
    DeviceIn,
    DeviceOut,
    DeviceService,
    LotIn,
    LotOut,
    RecallIn,
    RecallReport,
)
from microneedling.web.deps import PageDep, RecordId, service

router = APIRouter(tags=["devices"])
Devices = Annotated[DeviceService, Depends(service(DeviceService))]


@router.post("/devices", status_code=status.HTTP_201_CREATED, summary="Register a device")
def register_device(body: DeviceIn, devices: Devices) -> DeviceOut:
    return devices.register_device(body)


@router.get("/devices", summary="List the clinic's devices")
def list_devices(
    devices: Devices, page: PageDep, active: Annotated[bool | None, Query()] = None
) -> Page[DeviceOut]:
    return devices.devices(page, active)


@router.post("/devices/{device_id}/retire", summary="Take a device out of service")
def retire_device(device_id: RecordId, devices: Devices) -> DeviceOut:
    return devices.set_active(device_id, False)


@router.post("/lots", status_code=status.HTTP_201_CREATED, summary="Register a cartridge lot")
def register_lot(body: LotIn, devices: Devices) -> LotOut:
    return devices.register_lot(body)


@router.get("/lots", summary="List cartridge lots, soonest expiry first")
def list_lots(
    devices: Devices,
    page: PageDep,
    device_type: Annotated[str | None, Query(max_length=64)] = None,
    usable: Annotated[bool | None, Query(description="neither expired nor recalled")] = None,
) -> Page[LotOut]:
    return devices.lots(page, device_type, usable)


@router.post("/lots/{lot_id}/recall", summary="Recall a lot and list every patient treated")
def recall_lot(lot_id: RecordId, body: RecallIn, devices: Devices) -> RecallReport:
    return devices.recall(lot_id, body)


@router.get("/lots/{lot_id}/patients", summary="Every patient treated with a lot")
def lot_patients(lot_id: RecordId, devices: Devices) -> RecallReport:
    return devices.recall_report(lot_id)
