"""Errors the clinic services raise besides the core's InvalidInput and RequestRefused.

Each interface maps them to its own shape: the API to problem details with a status
(404, 401, 403, 429, 413, 415), the CLI to one line and exit code 2.
"""

from __future__ import annotations

from microneedling.errors import InvalidInput


class NotFound(InvalidInput):
    """No such record (or one the caller may not know exists: a deleted patient)."""

    def __init__(self, field: str, kind: str, record_id: object) -> None:
        super().__init__(field, f"no {kind} with id {record_id}")
        self.kind = kind


class NotAuthenticated(Exception):
    """No valid sign-in: wrong password, unknown user, expired or revoked token."""

    def __init__(self, problem: str = "sign in first") -> None:
        super().__init__(problem)
        self.problem = problem


class PermissionDenied(Exception):
    """The signed-in role may not do this."""

    def __init__(self, role: str, permission: str) -> None:
        super().__init__(f"a {role.replace('_', ' ')} may not {permission.replace('_', ' ')}")
        self.role = role
        self.permission = permission


class CodeRequired(NotAuthenticated):
    """The password was right, and this account also signs in with a one-time code.

    ``challenge`` is a short-lived token standing for the password check, for a sign-in page
    that asks for the code in a second step (only its SHA-256 is stored).
    """

    def __init__(self, challenge: str) -> None:
        super().__init__("this account also needs its one-time code: send it in 'code'")
        self.challenge = challenge


class MfaEnrolmentDue(PermissionDenied):
    """The account's role must sign in with a one-time code, and it has none set up yet."""

    def __init__(self) -> None:
        Exception.__init__(
            self,
            "your role signs in with a one-time code: set up your authenticator first "
            "(POST /api/auth/mfa/enrol, or the Two-factor sign-in page)",
        )
        self.role = "any"
        self.permission = "mfa_enrolment"


class TooManyAttempts(Exception):
    """Sign-in throttled after repeated failures."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class TooLarge(InvalidInput):
    """An upload beyond the configured size limit."""


class UnsupportedMedia(InvalidInput):
    """An upload that is not an image the clinic stores (JPEG, PNG)."""


class SeveralProblems(InvalidInput):
    """Several fields refused at once (a series booked in one step); nothing was changed.

    ``problems`` holds each refusal with its own field (``sessions.3.practitioner_id``); the
    first one is this error's own field and problem.
    """

    def __init__(self, problems: list[InvalidInput]) -> None:
        assert problems
        super().__init__(problems[0].field, problems[0].problem)
        self.problems = problems

    @property
    def refused(self) -> bool:
        """True when any is a rule's refusal rather than a malformed value."""
        from microneedling.errors import RequestRefused

        return any(isinstance(p, RequestRefused) for p in self.problems)
