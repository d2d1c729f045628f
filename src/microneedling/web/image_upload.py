"""How a route that takes an image upload (a photo, the logo) declares it in the OpenAPI document.

The file is a form field named ``file``: not empty (``minLength: 1``), and sent as a JPEG or a
PNG (``encoding.file.contentType``), the only formats :func:`microneedling.clinic.photos.
clean_image` reads; anything else is a 415 problem. What the bytes must hold beyond that (a
readable image within the pixel limit) JSON Schema cannot say. The form's other optional fields
are published without null (:data:`ABSENT_NOT_NULL`).
"""

from __future__ import annotations

from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

#: The media types an upload may be, as OpenAPI's ``encoding.contentType`` lists them.
IMAGE_MEDIA_TYPES = "image/jpeg, image/png"
#: ``json_schema_extra`` of the file field: an empty upload is refused.
NOT_EMPTY: dict[str, Any] = {"minLength": 1}
#: ``openapi_extra`` of the route: the file field's media types.
IMAGE_FORM: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {"encoding": {"file": {"contentType": IMAGE_MEDIA_TYPES}}}
        }
    }
}


class _AbsentNotNull:
    """Annotation on an optional form field: publish only its value's schema.

    A form has no null: the text "null" is refused like any other malformed value, and a field
    left out is what None means. The field stays ``X | None`` for the server (one error naming
    it, not one per branch of a union).
    """

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        values = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
        if len(values) == 1:
            schema |= values[0]
        elif values:
            schema["anyOf"] = values
        return schema


#: See :class:`_AbsentNotNull`.
ABSENT_NOT_NULL = _AbsentNotNull()
