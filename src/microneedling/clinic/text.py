"""Text that people type, constrained so records stay plain data.

Names, phone numbers, identifiers and e-mail addresses have a shape, and anything outside it is
refused (which also refuses SQL and markup smuggled into them). Free text (notes, reasons) may
say anything in words, but not carry control characters or HTML/script markup: records are
plain text wherever they are shown.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_MARKUP = re.compile(r"<\s*[/!?a-zA-Z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    if _MARKUP.search(value):
        raise ValueError("contains HTML or script markup; records are plain text")
    return value


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


ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_plain),
]  # fmt: skip
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000),
    AfterValidator(_plain),
]  # fmt: skip
