"""One "is in the future" check for every service, on the clinic's clock, in one wording."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from microneedling.clinic import Clinic
from microneedling.clinic.past_only import not_after_now
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.patients import PatientService
from microneedling.errors import InvalidInput

if TYPE_CHECKING:
    from clinic_support import Clock, Team


def test_dates_and_moments_after_the_clinics_now_are_refused_in_one_wording(
    clinic: Clinic, clock: Clock
) -> None:
    today = clinic.today()
    now = clinic.now()
    not_after_now("assessed_on", today, clinic)
    not_after_now("noticed_at", now, clinic)
    not_after_now("noticed_at", clinic.local(now).replace(tzinfo=None), clinic)  # naive: local
    for field, value in (
        ("assessed_on", today + timedelta(days=1)),
        ("noticed_at", now + timedelta(minutes=1)),
        ("noticed_at", (clinic.local(now) + timedelta(minutes=1)).replace(tzinfo=None)),
    ):
        with pytest.raises(InvalidInput, match="is in the future") as caught:
            not_after_now(field, value, clinic)
        assert caught.value.field == field
        assert caught.value.problem.endswith("a past event must be dated on or before it")


def test_a_birth_date_is_checked_against_the_clinics_today_not_the_computers(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    # The test clinic's clock says 2027-03-01, later than the computer's date: a patient
    # born yesterday by the clinic's clock is registered, one born tomorrow is refused.
    desk = PatientService(clinic, team.front_desk)
    person = {"given_name": "Neo", "family_name": "Natus"}
    born = desk.register(PatientIn.model_validate({**person, "date_of_birth": "2027-02-28"}))
    assert born.date_of_birth == date(2027, 2, 28)
    with pytest.raises(InvalidInput, match="2027-03-02 is in the future") as caught:
        desk.register(PatientIn.model_validate({**person, "date_of_birth": "2027-03-02"}))
    assert caught.value.field == "date_of_birth"
    assert clinic.now() == datetime.fromisoformat("2027-03-01T08:00:00+00:00")
