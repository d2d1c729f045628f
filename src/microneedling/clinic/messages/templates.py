"""Message texts: Jinja templates a clinic can edit, one file per kind of message.

Each file is ``<kind>.txt``: its first line is ``Subject: ...``, then a blank line, then the
plain-text body. The built-in files live in ``microneedling/clinic/message_templates``; a file
of the same name in the directory the ``message_templates_dir`` setting names replaces it.
Undefined variables are errors, so a typo in a clinic's template fails the send (and the
outbox page shows why) rather than mailing a blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
)

from microneedling.errors import InvalidInput

SUBJECT_PREFIX = "Subject:"


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


class MessageTemplates:
    """Renders ``<kind>.txt`` with a context; the override directory is searched first."""

    def __init__(self, override_dir: Path | None = None) -> None:
        loaders: list[BaseLoader] = []
        if override_dir is not None:
            loaders.append(FileSystemLoader(str(override_dir)))
        loaders.append(PackageLoader("microneedling.clinic", "message_templates"))
        # Plain-text mail: nothing is HTML, so nothing is escaped.
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, template: str, context: dict[str, Any]) -> RenderedMessage:
        """The subject and body of ``template`` (a kind, e.g. ``reminder``) with ``context``."""
        try:
            text = self._env.get_template(f"{template}.txt").render(**context)
        except TemplateError as error:
            raise InvalidInput("template", f"{template}.txt: {error}") from None
        first, _, rest = text.partition("\n")
        if not first.startswith(SUBJECT_PREFIX):
            raise InvalidInput("template", f"{template}.txt must start with '{SUBJECT_PREFIX}'")
        subject = " ".join(first.removeprefix(SUBJECT_PREFIX).split())
        return RenderedMessage(subject=subject, body=rest.lstrip("\n"))
