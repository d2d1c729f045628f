"""Reading the files people pass on the command line, with errors a person can act on.

Every problem becomes one :class:`InvalidInput` naming the file, the field and what is wrong;
:func:`microneedling.cli.main` prints it and exits with code 2.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase
from microneedling.knowledge.load import parse_yaml
from microneedling.screening.policy import ENV_VAR, ScreeningPolicy, policy_from_json

M = TypeVar("M", bound=BaseModel)


def read_document(path: Path) -> Any:
    """Parse a YAML or JSON file (JSON is YAML, so one parser serves both)."""
    name = str(path)
    if not path.exists():
        raise InvalidInput("file", "no such file", name)
    if path.is_dir():
        raise InvalidInput("file", "is a directory, not a file", name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("file", "is not UTF-8 text", name) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return parse_yaml(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        raise InvalidInput("file", f"is not valid YAML/JSON{where}", name) from None


def validation_error(exc: ValidationError, source: str | None = None) -> InvalidInput:
    """The first pydantic error as one plain message naming the field."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "(document)"
    message = err["msg"]
    if err["type"] == "missing":
        message = "is required but missing"
    elif err["type"] == "extra_forbidden":
        message = "is not a field this file takes (check the spelling)"
    elif "input" in err and err["type"].endswith(("_parsing", "_type")):
        message = f"{message} (got {err['input']!r})"
    return InvalidInput(field, message, source)


def load_model(path: Path, model: type[M]) -> M:
    """Read ``path`` and validate it as ``model``; raise :class:`InvalidInput` if it is wrong."""
    data = read_document(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, str(path)) from None
    except InvalidInput as exc:
        raise exc.located(str(path)) from None


def env_policy(kb: KnowledgeBase) -> ScreeningPolicy:
    """The screening policy from ``MICRONEEDLING_RULE_RELAXATIONS`` (none: conservative)."""
    return policy_from_json(os.environ.get(ENV_VAR), kb)
