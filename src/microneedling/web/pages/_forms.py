"""Forms: turn what a browser posts into core and service inputs, and errors into words.

A page never loses what was typed: when input is refused, the form is shown again with the
values as sent and each problem beside its field. Field names in forms are the dotted paths
the services and the core use (``areas.0.depth_mm``), so an error's ``field`` finds its input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from microneedling.errors import InvalidInput

#: Pydantic error types, said in plain words for people at a desk.
_PLAIN: dict[str, str] = {
    "missing": "Please fill this in.",
    "string_too_short": "Please fill this in.",
    "int_parsing": "Please enter a whole number.",
    "float_parsing": "Please enter a number.",
    "date_from_datetime_parsing": "Please enter a date.",
    "date_parsing": "Please enter a date.",
    "datetime_from_date_parsing": "Please enter a date and time.",
    "datetime_parsing": "Please enter a date and time.",
    "bool_parsing": "Please choose yes or no.",
    "literal_error": "Please choose one of the options.",
    "enum": "Please choose one of the options.",
    "extra_forbidden": "This field is not expected here.",
}


def plain(error: ErrorDetails) -> str:
    """One sentence for a pydantic error."""
    kind = error["type"]
    if error.get("input") is None and kind.endswith("_type"):
        return "Please fill this in."
    if kind in _PLAIN:
        return _PLAIN[kind]
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        return f"Too long: at most {ctx.get('max_length')} characters."
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return str(error["msg"]).replace("Input should be", "Must be") + "."
    if kind == "value_error":
        return sentence(str(error["msg"]).removeprefix("Value error, "))
    if kind == "string_pattern_mismatch":
        return "This is not in the expected form."
    return sentence(str(error["msg"]))


#: What a well-formed value looks like, for fields checked against a pattern.
SHAPES: dict[str, str] = {
    "given_name": "Use letters, with spaces, apostrophes, hyphens or full stops between words.",
    "family_name": "Use letters, with spaces, apostrophes, hyphens or full stops between words.",
    "phone": "Use digits, spaces and + ( ) . / - only.",
    "email": "Please enter an e-mail address such as name@example.org.",
    "username": "Use lower-case letters, digits, and . _ - only.",
    "lot_number": "Use letters, digits and . / - _ only.",
}


def sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def field_errors(
    exc: ValidationError | InvalidInput,
    prefix: str = "",
    rename: dict[str, str] | None = None,
) -> dict[str, str]:
    """Errors keyed by form field name; the model-wide ones under ``"_form"``.

    ``rename`` maps a model's field path to the form's field name where they differ.
    """
    rename = rename or {}
    if isinstance(exc, InvalidInput):
        key = rename.get(exc.field, exc.field) or "_form"
        return {key: sentence(exc.problem)}
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"])
        key = rename.get(loc, f"{prefix}{loc}" if loc else "_form")
        last = str(error["loc"][-1]) if error["loc"] else ""
        if error["type"] == "string_pattern_mismatch" and last in SHAPES:
            message = SHAPES[last]
        else:
            message = plain(error)
        errors.setdefault(key, message)
    return errors


T = TypeVar("T")


class FormProblems(Exception):
    """Problems already keyed by form field, found while reading the form (before any model or
    service saw it): raised inside a :func:`submit` call, they are shown like any refusal."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def read_or_refuse(value: T | None, errors: dict[str, str]) -> T:
    """A form read into its model, or the problems found reading it raised for :func:`submit`."""
    if value is None:
        raise FormProblems(errors)
    return value


def submit(
    call: Callable[[], T],
    *,
    then: str | Callable[[T], str | Response],
    again: Callable[[dict[str, str]], Response],
    rename: dict[str, str] | None = None,
    errors_from: Callable[[ValidationError | InvalidInput], dict[str, str]] | None = None,
) -> Response:
    """The one shape of a form POST: validate and call the service, then 303, or show it again.

    ``call`` validates the form into the service's input and calls the service; on success the
    browser is sent (303) to ``then`` (a path, or a function of the service's answer giving a
    path, or the page itself where the answer is shown once, such as a new feed's address).
    Refused input gives ``again(errors)``, the page re-rendered with each problem beside its
    field (422), and nothing changed. Errors are keyed by :func:`field_errors` with ``rename``,
    or by ``errors_from`` where a form maps them its own way; a :class:`FormProblems` raised
    while reading the form is shown as it is.
    """
    try:
        answer = call()
    except FormProblems as exc:
        return again(exc.errors)
    except (ValidationError, InvalidInput) as exc:
        return again(errors_from(exc) if errors_from else field_errors(exc, rename=rename))
    target = then(answer) if callable(then) else then
    return target if isinstance(target, Response) else RedirectResponse(target, 303)


def as_dict(form: FormData) -> dict[str, str]:
    """Single-valued fields as posted (for re-rendering); the CSRF token left out."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def stripped(form: dict[str, str], *keys: str) -> dict[str, str | None]:
    """The named fields stripped, a blank or missing one as None (left empty)."""
    return {k: (form.get(k) or "").strip() or None for k in keys}


def values(form: FormData, name: str) -> list[str]:
    """All values of a multi-valued field (checkboxes), blanks dropped."""
    return [v for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def text(form: FormData, name: str) -> str | None:
    """A text field, stripped; blank is None (not asked/left empty)."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def tri(form: FormData, name: str) -> bool | None:
    """A yes / no / not-asked answer posted as ``yes``, ``no`` or blank."""
    value = text(form, name)
    return {"yes": True, "no": False}.get(value or "")


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop None values so a model's defaults apply."""
    return {k: v for k, v in data.items() if v is not None}
