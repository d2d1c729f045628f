"""Text that people type, constrained so records stay plain data.

Names, phone numbers, identifiers and e-mail addresses have a shape, and anything outside it is
refused (which also refuses SQL and markup smuggled into them). Free text (notes, reasons) may
say anything in words, but not carry control characters or HTML/script markup: records are
plain text wherever they are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# The free-text rule as one regular expression, written in the subset that Python's ``re``, the
# Rust engines (pydantic, the fuzzer's validator) and ECMA-262 (JSON Schema) read alike: classes
# spelled out with \x and \u escapes, no \s (each engine reads it differently), no lookaround.
#: Control characters no record may carry (tab, line feed and carriage return are text).
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
#: Whitespace (Python's ``str.isspace``, less the control characters above).
_SPACE = r"\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: What, after a ``<`` and any whitespace, opens markup: a tag, end tag, comment or instruction.
_OPENS = r"/!?A-Za-z"
_LT_RUN = f"<[{_SPACE}<]*"
_WORD = f"[^<{_CONTROL}{_SPACE}]"
_AFTER_LT = f"{_LT_RUN}[^<{_CONTROL}{_SPACE}{_OPENS}]"
_TOKEN = f"(?:[{_SPACE}]|{_WORD}|{_AFTER_LT})"
#: Free text as typed (before surrounding whitespace is stripped): at least one character that
#: is not whitespace, no control character, and no ``<`` followed (after whitespace) by what
#: opens markup. Published as the field's ``pattern`` and checked by the server, the same text.
FREE_TEXT_PATTERN = f"^[{_SPACE}]*(?:(?:{_WORD}|{_AFTER_LT}){_TOKEN}*(?:{_LT_RUN})?|{_LT_RUN})$"
_FREE_TEXT = re.compile(FREE_TEXT_PATTERN)
_MARKUP = re.compile(f"{_LT_RUN}[{_OPENS}]")
_CONTROLS = re.compile(f"[{_CONTROL}]")


def _plain(value: str) -> str:
    if not _FREE_TEXT.fullmatch(value):
        # The pattern decides; these only say which part of it the value missed.
        if _CONTROLS.search(value):
            raise ValueError("contains control characters")
        if _MARKUP.search(value):
            raise ValueError("contains HTML or script markup; records are plain text")
        raise ValueError("is empty")
    return value.strip()


@dataclass(frozen=True)
class Published:
    """Annotation: publish ``pattern`` in the field's JSON Schema (the check is elsewhere)."""

    pattern: str

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


# Letters (any script) in words joined by a space, apostrophe, hyphen or full stop.
PersonName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=100,
        pattern=r"^[^\W\d_]+(?:(?:[ '’\-]|\. ?)[^\W\d_]+)*\.?$",
    ),
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^\+?[0-9 ()./-]{3,40}$")
]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
    ),
]
#: Lot numbers, serial numbers, room names.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][\w./-]*$"
    ),
]
#: Knowledge-base ids (sites, concerns, devices).
EntryRef = Annotated[str, StringConstraints(max_length=64, pattern=r"^[a-z0-9][a-z0-9_]*$")]


#: Free text (notes, reasons) up to 500 characters, stripped of surrounding whitespace.
ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=500), AfterValidator(_plain),
    Published(FREE_TEXT_PATTERN),
]  # fmt: skip
#: Free text up to 10,000 characters, stripped of surrounding whitespace.
LongText = Annotated[
    str, StringConstraints(min_length=1, max_length=10_000), AfterValidator(_plain),
    Published(FREE_TEXT_PATTERN),
]  # fmt: skip
