"""Who is acting, from where: every service call carries one, and the audit trail records it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from microneedling.clinic.roles import Permission, Role, allows


@dataclass(frozen=True)
class Actor:
    """A signed-in staff member and the client address the request came from."""

    staff_id: int
    username: str
    role: Role
    client_ip: str | None = None
    kind: ClassVar[str] = "staff"
    #: The sign-in (token row) this request came with, kept when the account's others end.
    session_id: int | None = None
    #: The member's full name as a page header shows it, read with the sign-in ("" elsewhere).
    full_name: str = ""

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission)


@dataclass(frozen=True)
class PatientActor:
    """A patient acting through one of their links: audited as the patient, never as staff.

    It has no role and no permission: no staff service accepts it, so nothing a patient link
    opens can reach a staff page or API route.
    """

    patient_id: int
    link_id: int
    scope: str
    client_ip: str | None = None
    kind: ClassVar[str] = "patient"
    staff_id: ClassVar[None] = None

    @property
    def username(self) -> str:
        """How the audit trail names the patient (``patient:<id>``)."""
        return f"patient:{self.patient_id}"
