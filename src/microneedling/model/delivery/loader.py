"""Reading a compound from a YAML file, with errors that name the file, the field and the
problem (the only file input of the delivery package)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from microneedling.errors import InvalidInput
from microneedling.model.delivery.compound import Compound


def _first_problem(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    field = ".".join(str(part) for part in err["loc"]) or "(document)"
    kind = err["type"]
    if kind == "missing":
        return field, "is required but missing"
    if kind == "extra_forbidden":
        return field, "is not a field of a compound file (check the spelling)"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind.endswith(("_parsing", "_type")):
        message = f"{message} (got {err['input']!r})"
    return field, message


def compound_from_mapping(data: object, source: str | None = None) -> Compound:
    """Validate already-parsed YAML as a :class:`Compound`."""
    if not isinstance(data, dict):
        raise InvalidInput("(document)", "must be a mapping of field: value", source)
    try:
        return Compound.model_validate(data)
    except ValidationError as exc:
        field, problem = _first_problem(exc)
        raise InvalidInput(field, problem, source) from None


def load_compound(path: Path | str) -> Compound:
    """Read and validate the compound YAML file at ``path``."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InvalidInput("file", "no such file" if not path.exists() else "is not a file", name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput("file", "is not UTF-8 text", name) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInput("file", f"is not valid YAML{where}", name) from None
    return compound_from_mapping(data, name)
