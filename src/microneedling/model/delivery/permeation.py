"""Microneedle-enhanced permeation studies as data: schema, loader and the fit/check rule.

``permeation_studies.yaml`` holds one row per study, compound and condition, each number read
from the paper itself (a field not read is ``null``). A row is either ``fit`` (a parameter was
fitted to it: the parameter's ``fitted_to`` names the row) or ``check`` (nothing was fitted to
it). :func:`role_problems` lists every breach of that rule; the validation tests plant one.

Inputs a run needs but the paper's readable text does not give (device, membrane thickness)
come from an ``assumed`` bracket whose ``basis`` says so; the runner
(:mod:`microneedling.model.delivery.permeation_runner`) reports the model over the whole
bracket, never a value chosen inside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from microneedling.model.parameters import Parameter

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Citation(BaseModel):
    """Where a row was read. DOI, PMID and PMCID only as read on the paper's own page."""

    model_config = _FROZEN
    text: str = Field(min_length=10)
    doi: str | None = None
    pmid: int | None = None
    pmcid: str | None = None
    read_from: Literal["abstract", "full_text", "figure", "table"]


class StudyCompound(BaseModel):
    """The permeant: molecular weight [Da] and log Kow with their sources (null: not read)."""

    model_config = _FROZEN
    name: str
    molecular_weight_da: float | None = Field(default=None, gt=1.0)
    molecular_weight_source: str
    log_kow: float | None = Field(default=None, ge=-8.0, le=10.0)
    log_kow_source: str
    ionised_at_donor_ph: bool | None


class Membrane(BaseModel):
    model_config = _FROZEN
    species: Literal["human", "porcine", "rat", "mouse"]
    site: str
    preparation: str


class Device(BaseModel):
    model_config = _FROZEN
    kind: str
    needle_length_um: float | None = Field(default=None, gt=0.0)
    density_per_cm2: float | None = Field(default=None, gt=0.0)
    passes: int | None = Field(default=None, ge=1)


class Donor(BaseModel):
    model_config = _FROZEN
    dose: Literal["infinite", "finite", "not_read"]
    concentration_ug_per_ml: float | None = Field(default=None, gt=0.0)
    vehicle: str


class Measured(BaseModel):
    """A reported mean and the ± the paper gives with it (same unit)."""

    model_config = _FROZEN
    mean: float = Field(gt=0.0)
    spread: float = Field(ge=0.0)


class Reported(BaseModel):
    """What the paper reports, treated and untreated, with its uncertainty."""

    model_config = _FROZEN
    measure: Literal["steady_state_flux", "cumulative_amount"]
    unit: str
    treated: Measured
    untreated: Measured
    spread_kind: Literal["sd", "se", "not_read"]
    n: int | None = Field(default=None, ge=1)
    stated_ratio: float | None = Field(default=None, gt=0.0)
    note: str = ""

    @property
    def ratio(self) -> float:
        """Enhancement ratio, treated over untreated."""
        return self.treated.mean / self.untreated.mean

    @property
    def log_ratio_standard_error(self) -> float:
        """Standard error of ln(ratio), the two means independent.

        With ``se`` the ± is the standard error; with ``sd`` and n it is ``sd / sqrt(n)``; when
        the kind or n is not read, the ± itself is taken as the standard error, the widest
        reading (an SD of n = 1).
        """
        scale = 1.0
        if self.spread_kind == "sd" and self.n is not None:
            scale = 1.0 / math.sqrt(self.n)
        rel_t = scale * self.treated.spread / self.treated.mean
        rel_u = scale * self.untreated.spread / self.untreated.mean
        return math.hypot(rel_t, rel_u)


class Bracket(BaseModel):
    """An input the paper does not give: the range assumed for it, and why."""

    model_config = _FROZEN
    low: float = Field(gt=0.0)
    high: float = Field(gt=0.0)
    basis: str = Field(min_length=20)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        if not self.basis.startswith("assumption"):
            raise ValueError("an assumed bracket's basis must start with 'assumption'")
        return self


class Assumed(BaseModel):
    model_config = _FROZEN
    channel_depth_um: Bracket
    density_per_cm2: Bracket
    dermis_um: Bracket


class Study(BaseModel):
    """One row: one compound under one condition of one paper."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    role: Literal["fit", "check"]
    citation: Citation
    compound: StudyCompound
    membrane: Membrane
    device: Device
    donor: Donor
    duration_h: float | None = Field(default=None, gt=0.0)
    receptor: str
    reported: Reported
    assumed: Assumed | None = None
    not_run: str | None = None
    known_miss: str | None = None

    @model_validator(mode="after")
    def _runnable_or_why_not(self) -> Self:
        if self.not_run is None:
            missing = [
                name
                for name, value in (
                    ("compound.molecular_weight_da", self.compound.molecular_weight_da),
                    ("compound.log_kow", self.compound.log_kow),
                    ("assumed", self.assumed),
                )
                if value is None
            ]
            if missing:
                raise ValueError(f"{self.id}: cannot run without {', '.join(missing)}")
            if self.compound.ionised_at_donor_ph is not False:
                raise ValueError(f"{self.id}: the model has no ionised species")
        if self.not_run is not None and self.known_miss is not None:
            raise ValueError(f"{self.id}: a row that is not run cannot be a known miss")
        return self


class SetApart(BaseModel):
    """A published microneedle-enhancement figure that cannot be a check row, and why.

    Listed so the table shows what was read across molecular weights, never counted: no
    uncertainty read, a quantity the model does not output, or a compound it cannot represent.
    ``figure`` quotes what was read; ``molecular_weight_da`` only where the paper gives it.
    """

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    citation: Citation
    compound: str
    molecular_weight_da: float | None = Field(default=None, gt=1.0)
    membrane: str = Field(min_length=3)
    figure: str = Field(min_length=10)
    why_not_a_check: str = Field(min_length=20)


class StudyTable(BaseModel):
    model_config = _FROZEN
    shared: dict[str, object] = Field(default_factory=dict)
    studies: list[Study]
    set_apart: list[SetApart] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [s.id for s in self.studies] + [s.id for s in self.set_apart]
        if len(ids) != len(set(ids)):
            raise ValueError("study ids must be unique")
        return self


def studies_from_mapping(data: object) -> list[Study]:
    """Validate parsed YAML as the study table (raises pydantic's ``ValidationError``)."""
    return StudyTable.model_validate(data).studies


@cache
def _table() -> StudyTable:
    text = (
        resources.files("microneedling.model.delivery")
        .joinpath("permeation_studies.yaml")
        .read_text(encoding="utf-8")
    )
    return StudyTable.model_validate(yaml.safe_load(text))


def permeation_studies() -> tuple[Study, ...]:
    """The package's study table, validated."""
    return tuple(_table().studies)


def set_apart_observations() -> tuple[SetApart, ...]:
    """Figures read but not checkable (see :class:`SetApart`), in table order."""
    return tuple(_table().set_apart)


def role_problems(studies: tuple[Study, ...], parameters: Mapping[str, Parameter]) -> list[str]:
    """Every breach of fit/check: a check row some parameter was fitted to, or a fit row no
    parameter was fitted to."""
    fitted: dict[str, list[str]] = {}
    for name, p in parameters.items():
        for row in p.fitted_to:
            fitted.setdefault(row, []).append(name)
    out = []
    for s in studies:
        names = fitted.get(s.id, [])
        if s.role == "check" and names:
            out.append(f"{s.id} is a check but {', '.join(map(repr, names))} was fitted to it")
        if s.role == "fit" and not names:
            out.append(f"{s.id} is a fit row but no parameter names it in fitted_to")
    return out
