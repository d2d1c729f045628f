"""Writing a checked FHIR import (:mod:`.fhir_source`) as clinic records, in the caller's
transaction: staff (matched by username), devices and lots (matched by serial and lot number),
then patients and everything about them (photo files checked by :mod:`.fhir_photos`). Records
are added in the order of their source ids, so the import reads back in the order it was made."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from microneedling.clinic.interop.fhir_fields import Fields
from microneedling.clinic.interop.fhir_photos import PhotoFile, photo_file
from microneedling.clinic.interop.fhir_source import FhirSource
from microneedling.clinic.interop.map_care import read_answer
from microneedling.clinic.interop.map_locations import visit_location, write_sites
from microneedling.clinic.interop.map_sessions import check_answers
from microneedling.clinic.interop.resources import Resource
from microneedling.clinic.interop.terms import TERMS_URL
from microneedling.clinic.models import (
    AdverseEvent,
    Appointment,
    CartridgeLot,
    ClinicDevice,
    IntakeRecord,
    Outcome,
    Patient,
    Photo,
    PlanConsent,
    PlanRecord,
    PlanVersion,
    ScreeningRecord,
    StaffMember,
    TreatedArea,
    TreatmentSession,
)
from microneedling.clinic.photo_views import VIEW_NAMES
from microneedling.clinic.photos import write_photo
from microneedling.clinic.services.passwords import generate_password, hash_password
from microneedling.errors import InvalidInput


def _order(resource: Resource) -> tuple[int, str]:
    number = re.search(r"(\d+)$", str(resource["id"]))
    return (int(number.group(1)) if number else 0, str(resource["id"]))


class Importer:
    """Adds one source's records to ``session``; ``ids`` maps ``Type/id`` to the new row id."""

    def __init__(self, session: Session, source: FhirSource, photo_dir: Path) -> None:
        self.session = session
        self._sites: dict[str, int] = {}
        self.source = source
        self.photo_dir = photo_dir
        self.ids: dict[str, int] = {}
        self.photos: list[PhotoFile] = []
        self.current: Fields | None = None

    def _each(self, kind: str, prefix: str | None = None) -> Iterator[Fields]:
        """The resources of one kind (ids starting with ``prefix``) in source-id order; the one
        being written is :attr:`current`, so an error is attributed to it."""
        found = [r for r in self.source.of_type(kind)
                 if prefix is None or str(r["id"]).startswith(prefix)]  # fmt: skip
        for resource in sorted(found, key=_order):
            self.current = Fields(resource, self.source.origin[f"{kind}/{resource['id']}"])
            yield self.current

    def _count(self, kind: str, prefix: str | None = None) -> int:
        return sum(1 for r in self.source.of_type(kind)
                   if prefix is None or str(r["id"]).startswith(prefix))  # fmt: skip

    def _id(self, f: Fields, reference: Any, path: str) -> int:
        target = f.target(reference, path)
        if target not in self.ids:
            raise f.fail(path, f"refers to {target}, which this import does not create")
        return self.ids[target]

    def _maybe_id(self, f: Fields, reference: Any, path: str) -> int | None:
        return None if reference is None else self._id(f, reference, path)

    def _add(self, f: Fields, row: Any) -> None:
        self.session.add(row)
        self.session.flush()
        self.ids[f.key] = row.id

    def run(self) -> dict[str, int]:
        """Write every record; a value the mapping cannot use is an InvalidInput naming the
        resource being written."""
        try:
            return self._run()
        except InvalidInput:
            raise
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            if self.current is None:
                raise
            field = str(exc.args[0]) if isinstance(exc, KeyError) else "resource"
            problem = "missing or not what the clinic's export writes"
            raise self.current.fail(field, problem) from None
        except StatementError as exc:
            if self.current is None:
                raise
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            raise self.current.fail("resource", f"the database refuses it: {reason}") from None

    def _run(self) -> dict[str, int]:
        if self.session.scalar(select(func.count()).select_from(Patient)):
            raise InvalidInput("DIR", "the clinic already has patients; import into an empty one")
        self._sites = write_sites(self.session, self._each("Location", "site-"))
        counts = {"staff": self._staff(), "devices": self._devices()}
        counts["patients"] = self._patients()
        self._intakes()
        self._plans()
        counts["appointments"] = self._appointments()
        counts["sessions"] = self._sessions()
        counts["outcomes"] = self._outcomes()
        counts["photos"] = self._photos()
        return counts

    def _staff(self) -> int:
        roles = {}
        for f in self._each("PractitionerRole"):
            codes = [c["code"] for cc in f.resource.get("code", []) for c in cc.get("coding", [])
                     if c.get("system") == TERMS_URL]  # fmt: skip
            who = f.target(f.resource.get("practitioner"), "practitioner")
            roles[who] = f.need(next(iter(codes), None), "code").removeprefix("role-")
        created = 0
        for f in self._each("Practitioner"):
            username = next((i["value"] for i in f.resource["identifier"]
                             if i.get("system") == "urn:microneedling:username"), None)  # fmt: skip
            username = f.need(username, "identifier[urn:microneedling:username]")
            member = self.session.scalar(
                select(StaffMember).where(StaffMember.username == username)
            )
            if member is None:
                names = f.resource.get("name") or [{}]
                member = StaffMember(
                    username=username, full_name=f.need(names[0].get("text"), "name[0].text"),
                    role=f.need(roles.get(f.key), "PractitionerRole.code"),
                    # Nobody knows this password: an admin sets one before the account is used.
                    password_hash=hash_password(generate_password()),
                    active=bool(f.resource.get("active", True)),
                    created_at=f.moment(f.ext("created-at"), "created-at"),
                )  # fmt: skip
                created += 1
            self._add(f, member)
        return created

    def _devices(self) -> int:
        for f in self._each("Device", "device-"):
            serial = f.need(f.resource.get("serialNumber"), "serialNumber")
            row = self.session.scalar(
                select(ClinicDevice).where(ClinicDevice.serial_number == serial)
            )
            self._add(f, row or ClinicDevice(
                device_type=f.resource["type"]["coding"][0]["code"], serial_number=serial,
                label=f.resource["deviceName"][0]["name"], active=f.resource["status"] == "active",
                created_at=f.moment(f.ext("created-at"), "created-at"),
            ))  # fmt: skip
        for f in self._each("Device", "lot-"):
            number = f.need(f.resource.get("lotNumber"), "lotNumber")
            lot = self.session.scalar(select(CartridgeLot).where(CartridgeLot.lot_number == number))
            self._add(f, lot or CartridgeLot(
                lot_number=number, device_type=f.resource["type"]["coding"][0]["code"],
                cartridge_id=f.ext("cartridge-id", required=False),
                needle_count=f.ext("needle-count"),
                needle_length_mm=float(f.ext("needle-length-mm")),
                expires_on=f.day(f.resource.get("expirationDate"), "expirationDate"),
                received_on=f.day(f.ext("received-on"), "received-on")
                if f.ext("received-on", required=False) else None,
                recalled_at=f.maybe_moment(f.ext("recalled-at", required=False), "recalled-at"),
                recall_reason=f.ext("recall-reason", required=False),
                recalled_by=self._maybe_id(f, f.ext("recalled-by", required=False), "recalled-by"),
                created_at=f.moment(f.ext("created-at"), "created-at"),
            ))  # fmt: skip
        return self._count("Device")

    def _patients(self) -> int:
        for f in self._each("Patient"):
            r = f.resource
            name = f.need((r.get("name") or [None])[0], "name")
            telecom = {t.get("system"): t.get("value") for t in r.get("telecom", [])}
            self._add(f, Patient(
                given_name=" ".join(f.need(name.get("given"), "name[0].given")),
                family_name=f.need(name.get("family"), "name[0].family"),
                date_of_birth=f.day(r.get("birthDate"), "birthDate"),
                sex=r.get("gender") if f.ext("sex-recorded", required=False) else None,
                email=telecom.get("email"), phone=telecom.get("phone"),
                address=(r.get("address") or [{}])[0].get("text"),
                consent_photos=bool(f.ext("consent-photos", required=False)),
                consent_messages=bool(f.ext("consent-messages", required=False)),
                consent_updated_at=f.maybe_moment(f.ext("consent-updated-at", required=False),
                                                  "consent-updated-at"),
                created_at=f.moment(f.ext("created-at"), "created-at"),
                created_by=self._id(f, f.ext("created-by"), "created-by"),
            ))  # fmt: skip
        return self._count("Patient")

    def _intakes(self) -> None:
        for f in self._each("QuestionnaireResponse"):
            r = f.resource
            self._add(f, IntakeRecord(
                patient_id=self._id(f, r.get("subject"), "subject"), version=f.ext("version"),
                answers={i["linkId"]: read_answer(i["answer"][0]) if i.get("answer") else None
                         for i in r.get("item", [])},
                recorded_at=f.moment(r.get("authored"), "authored"),
                recorded_by=self._id(f, r.get("author"), "author"),
                supersedes_id=self._maybe_id(f, f.ext("supersedes", required=False), "supersedes"),
            ))  # fmt: skip
        for f in self._each("RiskAssessment"):
            r = f.resource
            self._add(f, ScreeningRecord(
                patient_id=self._id(f, r.get("subject"), "subject"),
                intake_id=self._id(f, (r.get("basis") or [None])[0], "basis[0]"),
                occasion=f.ext("occasion"), decision=f.ext("decision"),
                screened_on=f.day(r.get("occurrenceDateTime"), "occurrenceDateTime"),
                ruleset_version=f.ext("ruleset-version"), result=f.doc("result"),
                created_at=f.moment(f.ext("created-at"), "created-at"),
                created_by=self._id(f, r.get("performer"), "performer"),
            ))  # fmt: skip

    def _plans(self) -> None:
        for f in self._each("CarePlan"):
            r = f.resource
            self._add(f, PlanRecord(
                patient_id=self._id(f, r.get("subject"), "subject"),
                screening_id=self._id(f, (r.get("supportingInfo") or [None])[0],
                                      "supportingInfo[0]"),
                status=f.ext("status"), current_version=f.ext("current-version"),
                created_at=f.moment(r.get("created"), "created"),
                created_by=self._id(f, r.get("author"), "author"),
            ))  # fmt: skip
            for v in f.complex("plan-version"):
                self.session.add(PlanVersion(
                    plan_id=self.ids[f.key], version=f.ext("version", v),
                    request=f.doc("request", v), plan=f.doc("plan", v),
                    ruleset_version=f.ext("ruleset-version", v), changes=f.doc("changes", v),
                    reason=f.ext("reason", v, required=False),
                    created_at=f.moment(f.ext("created-at", v), "plan-version.created-at"),
                    created_by=self._id(f, f.ext("created-by", v), "plan-version.created-by"),
                ))  # fmt: skip
                self.session.flush()  # a refusal is then the current resource's
        for f in self._each("Consent"):
            r = f.resource
            data = ((r.get("provision") or {}).get("data") or [{}])[0]
            self._add(f, PlanConsent(
                plan_id=self._id(f, data.get("reference"), "provision.data[0].reference"),
                plan_version=f.ext("plan-version"), consented_by=f.ext("signed-name"),
                method=f.ext("method"), consented_at=f.moment(r.get("dateTime"), "dateTime"),
                witnessed_by=self._id(f, f.ext("witnessed-by"), "witnessed-by"),
            ))  # fmt: skip

    def _appointments(self) -> int:
        for f in self._each("Appointment"):
            r = f.resource
            actors = {f.target(p.get("actor"), "participant.actor").split("/")[0]: p["actor"]
                      for p in r.get("participant", [])}  # fmt: skip
            self._add(f, Appointment(
                patient_id=self._id(f, actors.get("Patient"), "participant[Patient]"),
                practitioner_id=self._id(f, actors.get("Practitioner"),
                                         "participant[Practitioner]"),
                location_id=visit_location(f, self._sites, self.session), room=f.ext("room"),
                kind=f.ext("kind"),
                status=f.ext("status"),
                plan_id=self._maybe_id(f, f.ext("plan", required=False), "plan"),
                starts_at=f.moment(r.get("start"), "start"), ends_at=f.moment(r.get("end"), "end"),
                note=r.get("comment"), created_at=f.moment(r.get("created"), "created"),
                created_by=self._id(f, f.ext("created-by"), "created-by"),
                status_changed_at=f.maybe_moment(f.ext("status-changed-at", required=False),
                                                 "status-changed-at"),
                status_changed_by=self._maybe_id(f, f.ext("status-changed-by", required=False),
                                                 "status-changed-by"),
                status_reason=f.ext("status-reason", required=False),
                revision=f.ext("revision", required=False) or 0,
            ))  # fmt: skip
        return self._count("Appointment")

    def _sessions(self) -> int:
        events: list[tuple[int, Fields, Resource]] = []
        for f in self._each("Procedure"):
            r = f.resource
            check = f.need(next(iter(f.complex("pre-treatment-check")), None),
                           "extension[pre-treatment-check]")  # fmt: skip
            used = [f.target(u, "usedReference") for u in r.get("usedReference", [])]
            device = next((u for u in used if u.startswith("Device/device-")), None)
            lot = next((u for u in used if u.startswith("Device/lot-")), None)
            maybe = self._maybe_moment_ext
            self._add(f, TreatmentSession(
                appointment_id=self._id(f, f.ext("appointment"), "appointment"),
                patient_id=self._id(f, r.get("subject"), "subject"),
                plan_id=self._id(f, (r.get("basedOn") or [None])[0], "basedOn[0]"),
                plan_version=f.ext("plan-version"),
                practitioner_id=self._id(f, (r.get("performer") or [{}])[0].get("actor"),
                                         "performer[0].actor"),
                device_id=self._id(f, {"reference": device} if device else None, "usedReference"),
                lot_id=self._id(f, {"reference": lot} if lot else None, "usedReference"),
                status=f.ext("status"), pre_treatment_check=check_answers(f, check),
                check_screening_id=self._maybe_id(f, f.ext("check-screening", required=False),
                                                  "check-screening"),
                stop_reason=f.ext("stop-reason", required=False),
                anaesthetic_started_at=maybe(f, "anaesthetic-started-at"),
                treatment_started_at=maybe(f, "treatment-started-at"),
                treatment_ended_at=maybe(f, "treatment-ended-at"),
                end_point=f.ext("end-point", required=False),
                products_after=f.doc("products-after"),
                aftercare_sheet=f.doc("aftercare-sheet", required=False),
                aftercare_given_at=maybe(f, "aftercare-given-at"),
                created_at=f.moment(f.ext("created-at"), "created-at"),
            ))  # fmt: skip
            for c in r.get("complication", []):
                events.append((f.ext("adverse-event-id", c), f, c))
        for obs in self._each("Observation", "depth-"):
            passes = self.source.get(
                f"Observation/passes-{obs.resource['id'].removeprefix('depth-')}"
            )
            self.session.add(TreatedArea(
                session_id=self._id(obs, (obs.resource.get("partOf") or [None])[0], "partOf[0]"),
                site=obs.ext("site"), depth_mm=float(obs.resource["valueQuantity"]["value"]),
                passes=obs.need(passes.get("valueInteger"), "valueInteger"),
            ))  # fmt: skip
            self.session.flush()  # a refusal is then the current resource's
        for _source_id, f, c in sorted(events, key=lambda e: e[0]):
            self.current = f
            self.session.add(AdverseEvent(
                session_id=self.ids[f.key], patient_id=self.ids[f.target(
                    f.resource.get("subject"), "subject")],
                kind=f.ext("kind", c), severity=f.ext("severity", c),
                description=f.ext("description", c),
                noticed_at=f.moment(f.ext("noticed-at", c), "complication.noticed-at"),
                recorded_by=self._id(f, f.ext("recorded-by", c), "complication.recorded-by"),
            ))  # fmt: skip
            self.session.flush()  # a refusal is then the current resource's
        return self._count("Procedure")

    @staticmethod
    def _maybe_moment_ext(f: Fields, name: str) -> Any:
        return f.maybe_moment(f.ext(name, required=False), name)

    def _outcomes(self) -> int:
        for f in self._each("Observation", "outcome-"):
            r = f.resource
            parts = r.get("component") or []
            self._add(f, Outcome(
                patient_id=self._id(f, r.get("subject"), "subject"),
                plan_id=self._maybe_id(f, (r.get("basedOn") or [None])[0], "basedOn[0]"),
                appointment_id=self._maybe_id(f, f.ext("appointment", required=False),
                                              "appointment"),
                assessed_on=f.day(r.get("effectiveDateTime"), "effectiveDateTime"),
                concern=f.ext("concern"), scale=f.ext("scale"),
                clinician_score=float(f.need(r.get("valueQuantity"), "valueQuantity")["value"]),
                patient_satisfaction=parts[0].get("valueInteger") if parts else None,
                complications=f.ext("complications", required=False),
                recorded_by=self._id(f, (r.get("performer") or [None])[0], "performer[0]"),
                recorded_at=f.moment(r.get("issued"), "issued"),
            ))  # fmt: skip
        return self._count("Observation", "outcome-")

    def _view(self, f: Fields) -> str | None:
        """The photo's view from its extension (none: not recorded); an unknown one is refused."""
        view = f.ext("view", required=False)
        if view is not None and view not in VIEW_NAMES:
            raise f.fail(
                "extension[view]", f"is {view!r}; a view is one of {', '.join(VIEW_NAMES)}"
            )
        return str(view) if view is not None else None

    def _photos(self) -> int:
        for f in self._each("Media"):
            r = f.resource
            content = r["content"]
            photo = photo_file(f, self.source.folder)
            self._add(f, Photo(
                patient_id=self._id(f, r.get("subject"), "subject"),
                outcome_id=self._maybe_id(f, f.ext("outcome", required=False), "outcome"),
                session_id=self._maybe_id(f, (r.get("partOf") or [None])[0], "partOf[0]"),
                site=f.ext("site", required=False), stage=f.ext("stage"),
                view=self._view(f), sha256=photo.sha256, path=photo.relative,
                media_type=f.need(content.get("contentType"), "content.contentType"),
                width_px=f.need(r.get("width"), "width"),
                height_px=f.need(r.get("height"), "height"),
                size_bytes=len(photo.data),
                taken_on=f.day(r["createdDateTime"], "createdDateTime")
                if r.get("createdDateTime") else None,
                uploaded_at=f.moment(r.get("issued"), "issued"),
                uploaded_by=self._id(f, r.get("operator"), "operator"),
            ))  # fmt: skip
            self.photos.append(photo)
        return self._count("Media")

    def write_photos(self) -> None:
        """The photo files, named by their checksum (one already there is the same photo)."""
        for photo in self.photos:
            write_photo(self.photo_dir, photo.relative, photo.data)
