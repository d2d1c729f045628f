"""The plan builder as a browser form, turned into the planner's RequestedCourse.

Field names are the request's own dotted paths (``areas.0.site``,
``areas.0.concerns.1.severity``), so the planner's and the clinic's errors land beside the
field they name. Blank rows are dropped; a rename map keeps errors on the row that was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase
from microneedling.planning import RequestedCourse
from microneedling.web.pages._forms import field_errors, text

AREA_ROWS = 4
CONCERNS_PER_AREA = 2
SEVERITIES = (("mild", "mild"), ("moderate", "moderate"), ("severe", "severe"))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class ParsedCourse:
    course: RequestedCourse | None
    errors: dict[str, str] = field(default_factory=dict)
    rename: dict[str, str] = field(default_factory=dict)

    def errors_from(self, exc: ValidationError | InvalidInput) -> dict[str, str]:
        errors = field_errors(exc, rename=self.rename)
        # The planner names a whole area or concern ("areas.0"): show it on that row's site.
        return {self.rename.get(k, k): v for k, v in errors.items()}


def device_choices(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """One choice per device and cartridge: ``device|cartridge`` (rollers have none)."""
    choices: list[tuple[str, str]] = []
    for device in kb.devices.values():
        reach = f"up to {device.max_needle_length_mm:g} mm"
        if device.kind == "roller":
            choices.append((f"{device.id}|", f"{device.name} (roller, {reach})"))
        for cartridge in device.cartridges:
            choices.append(
                (
                    f"{device.id}|{cartridge.id}",
                    f"{device.name}, {cartridge.needle_count}-needle cartridge ({reach})",
                )
            )
    return choices


def read_course(form: FormData) -> ParsedCourse:
    rename: dict[str, str] = {}
    areas: list[dict[str, Any]] = []
    for row in range(AREA_ROWS):
        site = text(form, f"areas.{row}.site")
        concerns: list[dict[str, Any]] = []
        for slot in range(CONCERNS_PER_AREA):
            concern = text(form, f"areas.{row}.concerns.{slot}.concern")
            if concern is None:
                continue
            j = len(concerns)
            for part in ("concern", "severity"):
                rename[f"areas.{len(areas)}.concerns.{j}.{part}"] = (
                    f"areas.{row}.concerns.{slot}.{part}"
                )
            rename[f"areas.{len(areas)}.concerns.{j}"] = f"areas.{row}.concerns.{slot}.concern"
            concerns.append(
                {
                    "concern": concern,
                    "severity": text(form, f"areas.{row}.concerns.{slot}.severity"),
                }
            )
        depth = text(form, f"areas.{row}.depth_mm")
        if site is None and not concerns and depth is None:
            continue
        i = len(areas)
        for part in ("site", "depth_mm", "passes"):
            rename[f"areas.{i}.{part}"] = f"areas.{row}.{part}"
        rename[f"areas.{i}"] = f"areas.{row}.site"
        rename[f"areas.{i}.concerns"] = f"areas.{row}.concerns.0.concern"
        areas.append({"site": site, "concerns": concerns, "depth_mm": depth})
    device, _, cartridge = (text(form, "device") or "").partition("|")
    data: dict[str, Any] = {
        "areas": areas,
        "device": device,
        "cartridge": cartridge or None,
        "start_date": text(form, "start_date"),
        "sessions": text(form, "sessions"),
        "interval_weeks": text(form, "interval_weeks"),
        "preferred_weekday": text(form, "preferred_weekday"),
    }
    rename["cartridge"] = "device"
    try:
        course = RequestedCourse.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        errors = field_errors(exc, rename=rename)
        if "areas" in errors:
            errors["areas.0.site"] = errors.pop("areas")
        return ParsedCourse(None, errors, rename)
    return ParsedCourse(course, {}, rename)
