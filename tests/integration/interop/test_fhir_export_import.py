"""FHIR R4 out and back in: the demo clinic exported, every resource valid against the R4
models of ``fhir.resources`` (R4B), every reference resolving, and an import into a fresh
clinic on SQLite and PostgreSQL that reads back record by record as the source."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from interop_support import dangling, read_ndjson, records
from sqlalchemy import select
from typer.testing import CliRunner

from microneedling.cli import app
from microneedling.clinic import Actor, Clinic, Role
from microneedling.clinic.interop import InteropService
from microneedling.clinic.interop.terms import BODY_SITES, CPT, SNOMED, TERMS_URL, UCUM
from microneedling.clinic.models import Appointment, StaffMember
from microneedling.errors import InvalidInput

runner = CliRunner()
ALL_TYPES = {"CodeSystem", "Questionnaire", "Organization", "Location", "Practitioner",
             "PractitionerRole", "Device", "Patient", "QuestionnaireResponse", "RiskAssessment",
             "CarePlan", "Consent", "Appointment", "Procedure", "Observation", "Media",
             "AuditEvent"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Clinic, Path]]:
    """The demo clinic (SQLite) and its whole FHIR export, made with the command line."""
    from microneedling.cli.db import open_clinic
    from microneedling.clinic.demo import seed_demo

    root = tmp_path_factory.mktemp("fhir-demo")
    clinic = open_clinic(root / "data")
    seed_demo(clinic)
    _add_what_the_demo_lacks(clinic)
    out = root / "export"
    result = runner.invoke(app, ["export", "fhir", str(out), "--as", "admin",
                                 "--data-dir", str(root / "data")])  # fmt: skip
    assert result.exit_code == 0, result.output
    yield clinic, out
    clinic.db.dispose()


def _add_what_the_demo_lacks(clinic: Clinic) -> None:
    """An adverse event and a cancelled appointment, so that every table has rows to compare."""
    from microneedling.clinic.schemas.appointments import StatusIn
    from microneedling.clinic.schemas.treatments import AdverseEventIn
    from microneedling.clinic.services.appointments import AppointmentService
    from microneedling.clinic.services.treatments import TreatmentService

    doc, desk = Actor(2, "dr.hale", Role.PRACTITIONER), Actor(3, "desk", Role.FRONT_DESK)
    treat = TreatmentService(clinic, doc)
    first = treat.for_patient(1)[0]
    treat.record_adverse_event(first.id, AdverseEventIn(
        kind="bruising", severity="mild", description="Small bruise at the left cheek.",
        noticed_at=clinic.now()))  # fmt: skip
    with clinic.db.transaction() as session:
        booked = session.scalars(select(Appointment.id).where(
            Appointment.status == "booked", Appointment.patient_id == 3)).first()  # fmt: skip
    assert booked is not None
    AppointmentService(clinic, desk).cancel(booked, StatusIn(reason="patient travelling"))


def _codings(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codings(value)


def test_every_resource_is_valid_r4_and_every_reference_resolves(
    demo: tuple[Clinic, Path],
) -> None:
    resources = read_ndjson(demo[1])
    assert {r["resourceType"] for r in resources} == ALL_TYPES
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert dangling(resources) == []


def test_codes_are_published_or_standard(demo: tuple[Clinic, Path]) -> None:
    resources = read_ndjson(demo[1])
    (terms,) = [r for r in resources if r["resourceType"] == "CodeSystem"]
    published = {c["code"] for c in terms["concept"]}
    snomed = {code for concepts in BODY_SITES.values() for code, _display in concepts}
    for coding in _codings(resources):
        if coding["system"] == TERMS_URL:
            assert coding["code"] in published, coding
        elif coding["system"] == SNOMED:
            assert coding["code"] in snomed, coding


def test_a_session_is_a_procedure_with_sites_device_lot_and_observations(
    demo: tuple[Clinic, Path],
) -> None:
    resources = read_ndjson(demo[1])
    index = {f"{r['resourceType']}/{r['id']}": r for r in resources}
    procedure = next(r for r in resources if r["resourceType"] == "Procedure")
    assert {"system": CPT, "code": "17999"}.items() <= procedure["code"]["coding"][1].items()
    sites = {c["code"] for s in procedure["bodySite"] for c in s["coding"]}
    assert "36141000" in sites  # Skin of cheek, DICOM CID 4029: the demo treats the cheeks
    lot = index[
        next(u["reference"] for u in procedure["usedReference"] if "lot-" in u["reference"])
    ]
    assert lot["lotNumber"].startswith("LOT-")
    assert lot["expirationDate"]
    parts = [r for r in resources if r["resourceType"] == "Observation"
             and {"reference": f"Procedure/{procedure['id']}"} in r.get("partOf", [])]  # fmt: skip
    depth = [o for o in parts if o["id"].startswith("depth-")]
    assert depth
    assert all(o["valueQuantity"]["system"] == UCUM for o in depth)
    assert all(o["valueQuantity"]["code"] == "mm" for o in depth)
    assert len([o for o in parts if o["id"].startswith("passes-")]) == len(depth)


def test_locations_are_sites_and_each_visit_names_its_own(demo: tuple[Clinic, Path]) -> None:
    clinic, folder = demo
    resources = read_ndjson(folder)
    sites = {r["id"]: r for r in resources if r["resourceType"] == "Location"
             and r["physicalType"]["coding"][0]["code"] == "si"}  # fmt: skip
    assert sorted(sites) == ["site-1", "site-2"]
    riverside = sites["site-2"]
    assert riverside["name"] == "Riverside"
    assert riverside["telecom"] == [{"system": "phone", "value": "+44 20 7946 0998"}]
    assert riverside["address"] == {"text": "2 Riverside Walk, London SE1"}
    with clinic.db.reading() as session:
        where = dict(session.execute(select(Appointment.id, Appointment.location_id)).all())
    visits = [r for r in resources if r["resourceType"] == "Appointment"]
    assert len(visits) == len(where)
    for visit in visits:
        named = [p["actor"]["reference"] for p in visit["participant"]
                 if p["actor"]["reference"].startswith("Location/site-")]  # fmt: skip
        assert named == [f"Location/site-{where[int(visit['identifier'][0]['value'])]}"]
    assert {where[i] for i in where} == {1, 2}  # the demo books at both


def test_a_photo_is_media_with_both_checksums(demo: tuple[Clinic, Path]) -> None:
    (media,) = [r for r in read_ndjson(demo[1]) if r["resourceType"] == "Media"]
    data = (demo[1] / media["content"]["url"]).read_bytes()
    sha256 = next(i["value"] for i in media["identifier"] if i["system"].endswith("sha256"))
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert media["content"]["hash"] == base64.b64encode(hashlib.sha1(data).digest()).decode()
    # The camera's view travels as Media.view (the local code) and back in by its extension.
    assert media["view"] == {"coding": [{"system": TERMS_URL, "code": "photo-view-front",
                                         "display": "Front"}], "text": "Front"}  # fmt: skip
    codes = {c["code"] for r in read_ndjson(demo[1]) if r["resourceType"] == "CodeSystem"
             for c in r["concept"]}  # fmt: skip
    assert "photo-view-front" in codes


def test_one_patient_is_one_valid_bundle(demo: tuple[Clinic, Path], tmp_path: Path) -> None:
    clinic, _ = demo
    out = tmp_path / "one"
    result = runner.invoke(app, ["export", "fhir", str(out), "--patient", "1", "--as", "dr.hale",
                                 "--data-dir", str(clinic.settings.data_dir)])  # fmt: skip
    assert result.exit_code == 0, result.output
    bundle = json.loads((out / "patient-1.json").read_text())
    get_fhir_model_class("Bundle").model_validate(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    assert [r["id"] for r in resources if r["resourceType"] == "Patient"] == ["patient-1"]
    assert dangling(resources) == []
    # A practitioner may not read the audit trail, so the Bundle has none of it.
    assert not [r for r in resources if r["resourceType"] == "AuditEvent"]
    # The Bundle alone recreates the patient in an empty clinic.
    from microneedling.cli.db import open_clinic

    fresh = open_clinic(tmp_path / "fresh")
    counts = _import_into(fresh, out)
    assert counts["patients"] == 1
    assert len(records(fresh.db.engine)["treatment_sessions"]) == len(
        [r for r in resources if r["resourceType"] == "Procedure"])  # fmt: skip
    fresh.db.dispose()


def test_since_keeps_what_changed_and_what_it_refers_to(
    demo: tuple[Clinic, Path], tmp_path: Path
) -> None:
    clinic, whole = demo
    out = tmp_path / "recent"
    since = clinic.today().isoformat()
    result = runner.invoke(app, ["export", "fhir", str(out), "--since", since, "--as", "admin",
                                 "--data-dir", str(clinic.settings.data_dir)])  # fmt: skip
    assert result.exit_code == 0, result.output
    recent, everything = read_ndjson(out), read_ndjson(whole)
    assert dangling(recent) == []
    procedures = [r for r in recent if r["resourceType"] == "Procedure"]
    assert len(procedures) < len([r for r in everything if r["resourceType"] == "Procedure"])


def test_csv_tables_of_the_demo_clinic(demo: tuple[Clinic, Path], tmp_path: Path) -> None:
    clinic, folder = demo
    resources = read_ndjson(folder)
    expected = {
        "patients": len([r for r in resources if r["resourceType"] == "Patient"]),
        "schedule": len([r for r in resources if r["resourceType"] == "Appointment"]),
        "sessions": len([r for r in resources if r["id"].startswith("depth-")]),  # one per area
        "outcomes": len([r for r in resources if r["id"].startswith("outcome-")]),
    }
    for table, rows in expected.items():
        out = tmp_path / f"{table}.csv"
        result = runner.invoke(app, ["export", "csv", table, str(out), "--as", "dr.hale",
                                     "--data-dir", str(clinic.settings.data_dir)])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert len(out.read_text(encoding="utf-8").splitlines()) == rows + 1, table


def test_a_photo_without_its_file_is_named_and_the_exit_code_says_so(
    demo: tuple[Clinic, Path], tmp_path: Path
) -> None:
    clinic, _ = demo
    (photo,) = [p for p in clinic.settings.photo_dir.rglob("*") if p.is_file()]
    aside = tmp_path / "aside"
    photo.rename(aside)
    try:
        result = runner.invoke(app, ["export", "fhir", str(tmp_path / "out"), "--as", "admin",
                                     "--data-dir", str(clinic.settings.data_dir)])  # fmt: skip
    finally:
        aside.rename(photo)
    assert result.exit_code == 1
    relative = photo.relative_to(clinic.settings.photo_dir)
    assert f"warning: photo {relative} left out" in " ".join(result.output.split())
    assert not (tmp_path / "out" / "photos").exists()


def _import_into(clinic: Clinic, folder: Path) -> dict[str, int]:
    with clinic.db.transaction() as session:
        admin = StaffMember(username="admin", full_name="Alex Admin", role="admin",
                            password_hash="not-a-hash", active=True)  # fmt: skip
        session.add(admin)
        session.flush()
        actor = Actor(admin.id, "admin", Role.ADMIN)
    return InteropService(clinic, actor).import_fhir(folder)


def test_round_trip_recreates_every_record(demo: tuple[Clinic, Path], clinic: Clinic) -> None:
    """Export the demo clinic, import it into an empty clinic on each backend, compare."""
    source, folder = demo
    counts = _import_into(clinic, folder)
    assert counts["patients"] == 5
    assert counts["photos"] == 1
    before, after = records(source.db.engine), records(clinic.db.engine)
    for table, rows in before.items():
        assert rows, f"the demo has no {table}: the comparison would prove nothing"
        assert after[table] == rows, table
    for photo in before["photos"]:
        data = (clinic.settings.photo_dir / photo["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == photo["sha256"]


def _broken_copy(folder: Path, target: Path, kind: str, change: Any) -> Path:
    shutil.copytree(folder, target)
    path = target / f"{kind}.ndjson"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines = change(lines)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    return target


def _bad_birth(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines[0]["birthDate"] = "12/04/1971"
    return lines


def _dangling_subject(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines[-1]["subject"] = {"reference": "Patient/patient-999"}
    return lines


def _untyped_device(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    del lines[0]["type"]  # valid FHIR, but not a record the clinic can make
    return lines


def _unknown_zone(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    site = next(r for r in lines if r["id"] == "site-2")
    for item in site["extension"]:
        if item["url"].endswith("timezone"):
            item["valueString"] = "Mars/Olympus_Mons"
    return lines


def _unknown_view(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in lines[0]["extension"]:
        if item["url"].endswith(":view"):
            item["valueString"] = "from_above"
    return lines


def _twin(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*lines, {**lines[0], "id": "patient-twin"}]


@pytest.mark.parametrize(
    ("kind", "change", "names"),
    [
        ("Patient", _bad_birth, ["Patient/patient-1", "birthDate"]),
        ("Procedure", _dangling_subject, ["Procedure/", "subject.reference", "patient-999"]),
        ("Patient", _twin, ["Patient/patient-twin", "identifier", "Patient/patient-1"]),
        ("Device", _untyped_device, ["Device/device-1", "Device.ndjson line 1", "type"]),
        ("Location", _unknown_zone, ["Location/site-2", "timezone", "Mars/Olympus_Mons"]),
        ("Media", _unknown_view, ["Media/media-", "extension[view]", "from_above"]),
    ],
    ids=[
        "malformed",
        "dangling-reference",
        "duplicate-identifier",
        "unusable-value",
        "unknown-zone",
        "unknown-view",
    ],
)
def test_bad_input_is_one_message_exit_2_and_nothing_imported(
    demo: tuple[Clinic, Path], tmp_path: Path, kind: str, change: Any, names: list[str]
) -> None:
    from microneedling.cli.db import open_clinic
    from microneedling.clinic.services.staff import StaffIn, create_staff

    broken = _broken_copy(demo[1], tmp_path / "broken", kind, change)
    target = open_clinic(tmp_path / "empty")
    create_staff(target, StaffIn(username="boss", full_name="B Oss", role=Role.ADMIN,
                                 password="correct horse battery staple"))  # fmt: skip
    result = runner.invoke(app, ["import", "fhir", str(broken), "--as", "boss",
                                 "--data-dir", str(tmp_path / "empty")])  # fmt: skip
    message = " ".join(result.output.split())
    assert result.exit_code == 2, message
    assert message.startswith("error:")
    assert "Traceback" not in message
    assert all(name in message for name in names), message
    assert records(target.db.engine)["patients"] == []
    assert records(target.db.engine)["staff"] == [
        {"username": "boss", "full_name": "B Oss", "role": "admin", "active": True}
    ]
    target.db.dispose()


def test_import_refuses_a_clinic_that_has_patients(demo: tuple[Clinic, Path]) -> None:
    source, folder = demo
    with pytest.raises(InvalidInput, match="already has patients"):
        InteropService(source, Actor(1, "admin", Role.ADMIN)).import_fhir(folder)


def test_only_admins_import(demo: tuple[Clinic, Path]) -> None:
    clinic, folder = demo
    result = runner.invoke(app, ["import", "fhir", str(folder), "--as", "dr.hale",
                                 "--data-dir", str(clinic.settings.data_dir)])  # fmt: skip
    assert result.exit_code == 2
    assert "may not import records" in result.output
