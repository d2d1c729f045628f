"""Rules the server enforces on an operation's input that its JSON Schema cannot state.

Everything JSON Schema can say about a request is in the published schema (shapes, bounds, the
free-text pattern, knowledge-base enums, the combinations ``anyOf``/``oneOf`` can express). What
is left is one of three kinds, named first in each rule:

- ``relative``: against the clinic's clock (a birth date not in the future), which the document,
  generated once, cannot carry;
- ``across``: a comparison between two values (ends after it starts; each concern once per
  area), which JSON Schema has no keyword for;
- ``state``: against the records already kept (a room the location has, a serial number not yet
  registered).

Each is refused as a 422 problem naming the field (415 for a signature that is not a PNG). The
OpenAPI document appends the rule to the operation's description (:mod:`.problem_docs`), and the
schemathesis run expects that status from exactly these operations' schema-valid requests
(``tests/integration/api/test_schemathesis.py``): one list for both.
"""

from __future__ import annotations

#: Operation (``METHOD /path``) -> the rules its schema cannot state.
RULES: dict[str, str] = {
    "POST /api/patients": "relative: born on or before the clinic's today, at most 120 years ago",
    "POST /api/patients/{patient_id}/good-faith-exams": (
        "relative: examined on or before the clinic's today"
    ),
    "POST /api/patients/{patient_id}/intakes": (
        "relative: dates (birth, medications, procedures) not after the clinic's today; "
        "across: a medication stopped after it started"
    ),
    "POST /api/intake-drafts/{draft_id}/accept": (
        "relative: dates not after the clinic's today; across: stopped after started"
    ),
    "GET /api/patients/{patient_id}/intakes": "across: version_to not before version_from",
    "POST /api/patients/{patient_id}/intakes/current/other-allergies/{index}/classification": (
        "state: the index is one of the current intake's other allergies"
    ),
    "POST /api/patients/{patient_id}/plans": (
        "across: each concern once per area, the cartridge one of the device's"
    ),
    "POST /api/plans/{plan_id}/edits": "state: a changed site is one of the plan's areas",
    "POST /api/patients/{patient_id}/outcomes": (
        "across: the scores on the concern's own scale; relative: assessed by the clinic's today"
    ),
    "POST /api/patients/{patient_id}/photos": "relative: taken on or before the clinic's today",
    "POST /api/patients/{patient_id}/photos/batch": (
        "relative: taken on or before the clinic's today"
    ),
    "POST /api/appointments": (
        "relative: the clinic-local day within the diary (2000-01-01 to 2100-12-31) in the "
        "location's zone; state: a room of the location, a plan for a session"
    ),
    "GET /api/calendar/day": "state: the room is one of the location's rooms",
    "GET /api/calendar/week": (
        "across: the whole week (Monday to Sunday) within the diary; state: the location's room"
    ),
    "GET /api/calendar/free-slots": "state: the room is one of the location's rooms",
    "GET /api/plans/{plan_id}/series": "state: the room is one of the location's rooms",
    "POST /api/plans/{plan_id}/series": (
        "across: the sessions' days in order within the diary; state: room and practitioner"
    ),
    "POST /api/waitlist": "across: latest after earliest",
    "POST /api/absences": "across: ends after it starts",
    "POST /api/working-hours": "across: ends after it starts",
    "POST /api/calendar-feeds": "state: the room is one of the clinic's rooms",
    "POST /api/locations": "across: each day of the opening hours closes after it opens",
    "PATCH /api/locations/{location_id}": (
        "across: each day of the opening hours closes after it opens"
    ),
    "POST /api/devices": "state: the serial number is not registered yet",
    "POST /api/lots": "state: the lot number is not registered yet",
    "POST /api/sessions": "relative: numbing started by the clinic's now",
    "POST /api/sessions/{session_id}/complete": (
        "across: the treatment ends after it starts; relative: by the clinic's now"
    ),
    "POST /api/sessions/{session_id}/adverse-events": "relative: noticed by the clinic's now",
    "POST /api/consent-documents/{document_id}/signature": (
        "state: the signature's bytes are a PNG image (415 otherwise)"
    ),
}
