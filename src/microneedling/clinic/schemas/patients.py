"""What a patient request carries and what the patient service answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic.json_schema import SkipJsonSchema

from microneedling.clinic.text import Email, LongText, PersonName, Phone, ShortText
from microneedling.iso_dates import IsoDate

Sex = Literal["female", "male"]
OLDEST_YEARS = 120


class PatientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_name: PersonName
    family_name: PersonName
    date_of_birth: IsoDate
    sex: Sex | None = Field(default=None, description="as the skin data is reported (female/male)")
    email: Email | None = None
    phone: Phone | None = None
    address: ShortText | None = None
    consent_photos: StrictBool = False
    consent_messages: StrictBool = False

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth(cls, value: date) -> date:
        # "In the future" is checked by the service, against the clinic's clock.
        today = date.today()
        if today.year - value.year > OLDEST_YEARS:
            raise ValueError(f"is more than {OLDEST_YEARS} years ago")
        return value


class PatientChange(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    # Names and consents cannot be removed: null is not in their schema (and refused).
    given_name: PersonName | SkipJsonSchema[None] = None
    family_name: PersonName | SkipJsonSchema[None] = None
    email: Email | None = None
    phone: Phone | None = None
    address: ShortText | None = None
    consent_photos: StrictBool | SkipJsonSchema[None] = None
    consent_messages: StrictBool | SkipJsonSchema[None] = None


class PatientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    given_name: str
    family_name: str
    date_of_birth: date
    sex: Sex | None
    email: str | None
    phone: str | None
    address: str | None
    consent_photos: bool
    consent_messages: bool
    consent_updated_at: datetime | None
    created_at: datetime
    deleted_at: datetime | None


class PatientFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=100, description="part of either name")
    born_on: IsoDate | None = None
    include_deleted: bool = Field(default=False, description="admins only")


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: LongText


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    patient_id: int
    author_id: int
    written_at: datetime
    text: str


class DeleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ShortText
