"""Microneedling devices: pens with cartridges, and rollers with fixed needles."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from microneedling.knowledge.base import Frozen, Range, Sourced

NeedleMaterial = Literal["stainless_steel", "titanium", "silicon", "gold_plated", "polymer"]
#: What the part holding the needles (a pen cartridge, a roller drum) is made of.
HolderMaterial = Literal["polymer", "latex", "stainless_steel"]

#: The allergy codes (screening vocabulary) each material contains. Stainless steels used for
#: needles are nickel-bearing, chromium alloys (Haudrechy et al. 1993, reference
#: ``haudrechy1993``); a gold-plated needle carries gold. Titanium, silicon and polymer
#: contain none of the listed allergens.
MATERIAL_ALLERGENS: dict[str, tuple[str, ...]] = {
    "stainless_steel": ("stainless_steel", "nickel", "chromium"),
    "gold_plated": ("gold",),
    "latex": ("latex",),
    "titanium": (),
    "silicon": (),
    "polymer": (),
}


def cartridge_name(needle_count: int) -> str:
    """A cartridge as clinics and makers call it: ``14-needle cartridge`` (the knowledge base's
    cartridge ids are keys, not names)."""
    return f"{needle_count}-needle cartridge"


class Cartridge(Frozen):
    """A pen cartridge: how many needles strike together."""

    id: str = Field(min_length=1)
    needle_count: int = Field(gt=0)
    needle_diameter_mm: float | None = Field(default=None, gt=0)

    @property
    def name(self) -> str:
        return cartridge_name(self.needle_count)


class Device(Sourced):
    """A device as labelled by its maker.

    ``labelled_max_depth_mm`` is a hard limit (21 CFR 878.4430 labelling): no plan or session
    may exceed it. Pens have an adjustable needle length and cartridges; rollers have one fixed
    needle length, a needle count and rows.
    """

    kind: Literal["pen", "roller"]
    manufacturer: str | None = None
    needle_material: NeedleMaterial
    holder_material: HolderMaterial | None = Field(
        default=None,
        description="cartridge (pen) or drum (roller) material; null: not stated in the sources",
    )
    labelled_max_depth_mm: float = Field(gt=0)
    needle_length_mm: Range = Field(description="settable range (pen) or the fixed length (roller)")
    stamp_rate_hz: Range | None = None
    cartridges: list[Cartridge] = Field(default_factory=list)
    roller_needle_count: int | None = Field(default=None, gt=0)
    roller_rows: int | None = Field(default=None, gt=0)
    roller_width_cm: float | None = Field(default=None, gt=0)
    needle_diameter_mm: float | None = Field(default=None, gt=0)
    note: str | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Self:
        if self.kind == "pen":
            if not self.cartridges:
                raise ValueError("a pen needs at least one cartridge")
            if self.stamp_rate_hz is None:
                raise ValueError("a pen needs stamp_rate_hz")
        else:
            if self.needle_length_mm.low != self.needle_length_mm.high:
                raise ValueError("a roller has one fixed needle length (low == high)")
            if self.roller_needle_count is None or self.roller_rows is None:
                raise ValueError("a roller needs roller_needle_count and roller_rows")
        if self.needle_length_mm.low > self.labelled_max_depth_mm:
            raise ValueError("shortest needle length is beyond the labelled maximum depth")
        return self

    def cartridge(self, cartridge_id: str) -> Cartridge:
        for c in self.cartridges:
            if c.id == cartridge_id:
                return c
        known = ", ".join(c.id for c in self.cartridges) or "none"
        raise KeyError(f"device '{self.id}' has no cartridge '{cartridge_id}' (known: {known})")

    def allergens(self) -> dict[str, list[str]]:
        """Allergy code -> the parts that contain it, e.g. {'nickel': ['needles']}."""
        found: dict[str, list[str]] = {}
        parts: list[tuple[str, str]] = [("needles", self.needle_material)]
        if self.holder_material is not None:
            parts.append(("cartridge" if self.kind == "pen" else "drum", self.holder_material))
        for part, material in parts:
            for code in MATERIAL_ALLERGENS[material]:
                found.setdefault(code, []).append(f"{part} ({material.replace('_', ' ')})")
        return found

    @property
    def max_needle_length_mm(self) -> float:
        """The longest setting the device allows [mm]: its range capped by the label."""
        return min(self.needle_length_mm.high, self.labelled_max_depth_mm)
