"""Errors the core raises for input it cannot accept.

Interfaces turn these into their own shape (exit code 2 in the CLI, a problem-details body in
the API, a message beside the field in a page), so the core only has to name the field and the
problem in plain words.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """A value a person supplied cannot be used.

    ``field`` is a dotted path to the offending value (``"areas.2.site"``), ``problem`` is one
    sentence a clinician can act on, and ``source`` names the file or form it came from, when
    known.
    """

    def __init__(self, field: str, problem: str, source: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.field}: {self.problem}"

    def located(self, source: str) -> InvalidInput:
        """Return the same error attributed to ``source`` (a file name or form)."""
        return InvalidInput(self.field, self.problem, source)


class RequestRefused(InvalidInput):
    """A well-formed request that clinical rules do not allow (e.g. 2.0 mm at the eyelids)."""


class KnowledgeBaseError(Exception):
    """A packaged or user-supplied knowledge file is wrong; names file, entry and field."""

    def __init__(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.problem = problem
        parts = [file]
        if entry:
            parts.append(f"entry '{entry}'")
        if field:
            parts.append(f"field '{field}'")
        super().__init__(": ".join([", ".join(parts), problem]))
