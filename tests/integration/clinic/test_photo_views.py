"""Photos record the camera's view: stored, filtered, refused when unknown, paired with the
baseline of the same area and view, and the migration that added it down and up again on
SQLite and PostgreSQL (a photo of before keeps no view: "not recorded", never a guess)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import inspect, select

from clinic_support import Team, jpeg_with_exif
from microneedling.clinic import Clinic
from microneedling.clinic.models import Base, Photo
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.photo_pairs import photo_pairs
from microneedling.clinic.services.outcomes import OutcomeService, PhotoFilter, PhotoIn
from microneedling.clinic.services.patients import PatientIn, PatientService


def _patient(clinic: Clinic, team: Team) -> int:
    return PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({
            "given_name": "Vera", "family_name": "View", "date_of_birth": "1985-06-07",
            "consent_photos": True,
        })
    ).id  # fmt: skip


def _add(clinic: Clinic, team: Team, patient: int, width: int, **meta: object) -> int:
    """One photo (its width tells it apart) with the given stage, site and view."""
    service = OutcomeService(clinic, team.practitioner)
    return service.add_photo(patient, PhotoIn.model_validate(meta), jpeg_with_exif(width, 40)).id


def test_the_view_is_stored_filtered_and_an_unknown_one_refused(clinic: Clinic, team: Team) -> None:
    patient = _patient(clinic, team)
    front = _add(clinic, team, patient, 61, stage="baseline", site="cheeks", view="front")
    side = _add(clinic, team, patient, 62, stage="baseline", site="cheeks", view="left_profile")
    unknown = _add(clinic, team, patient, 63, stage="baseline", site="cheeks")
    service = OutcomeService(clinic, team.practitioner)
    views = {p.id: p.view for p in service.photos(patient)}
    assert views == {front: "front", side: "left_profile", unknown: None}
    page = service.photo_page(patient, PhotoFilter(view="left_profile"), PageRequest())
    assert [p.id for p in page.items] == [side]
    with pytest.raises(ValidationError) as refused:
        PhotoIn.model_validate({"stage": "baseline", "view": "from_above"})
    assert refused.value.errors()[0]["loc"] == ("view",)


def test_after_photos_pair_with_the_baseline_of_the_same_area_and_view(
    clinic: Clinic, team: Team
) -> None:
    patient = _patient(clinic, team)
    front = _add(clinic, team, patient, 71, stage="baseline", site="cheeks", view="front")
    side = _add(clinic, team, patient, 72, stage="baseline", site="cheeks", view="left_profile")
    brow = _add(clinic, team, patient, 73, stage="baseline", site="forehead", view="left_profile")
    side_after = _add(clinic, team, patient, 74, stage="follow_up", site="cheeks",
                      view="left_profile")  # fmt: skip
    unrecorded = _add(clinic, team, patient, 75, stage="follow_up", site="cheeks")
    photos = OutcomeService(clinic, team.practitioner).photos(patient)
    pairs = {
        (p.site, p.view): (p.before.id if p.before else None, p.after.id if p.after else None)
        for p in photo_pairs(photos, clinic.kb)
    }
    assert pairs == {
        ("Cheeks", "Front"): (front, None),
        ("Cheeks", "Left profile"): (side, side_after),
        ("Forehead", "Left profile"): (brow, None),
        # A photo without a view is not compared with the front baseline.
        ("Cheeks", "View not recorded"): (None, unrecorded),
    }


def test_downgrade_and_upgrade_leave_photos_with_no_view_recorded(
    clinic: Clinic, team: Team
) -> None:
    patient = _patient(clinic, team)
    photo = _add(clinic, team, patient, 81, stage="baseline", site="cheeks", view="right_oblique")
    clinic.db.downgrade("0008_locations")
    columns = {c["name"] for c in inspect(clinic.db.engine).get_columns("photos")}
    assert "view" not in columns
    assert "site" in columns
    clinic.db.migrate()
    with clinic.db.reading() as session:
        row = session.scalar(select(Photo).where(Photo.id == photo))
        assert row is not None
        assert (row.site, row.view) == ("cheeks", None)  # the view went with the column
    with clinic.db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
