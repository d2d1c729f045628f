"""The words of a consent document as stored: fixed when the document is prepared."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class RiskLine(BaseModel):
    text: str
    frequency: str
    source: str


class ConsentContent(BaseModel):
    """The words of one consent document, fixed when it is prepared."""

    model_config = ConfigDict(frozen=True)

    clinic_name: str
    patient_name: str
    plan_id: int
    plan_version: int
    prepared_on: date
    procedure: str
    areas: list[str]
    sessions: str
    expected: list[str]
    model_statement: str
    risks: list[RiskLine]
    alternatives: list[str]
    aftercare: list[str]
    photo_question: str
    withdrawal: str
