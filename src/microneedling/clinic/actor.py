"""Who is acting, from where: every service call carries one, and the audit trail records it."""

from __future__ import annotations

from dataclasses import dataclass

from microneedling.clinic.roles import Permission, Role, allows


@dataclass(frozen=True)
class Actor:
    """A signed-in staff member and the client address the request came from."""

    staff_id: int
    username: str
    role: Role
    client_ip: str | None = None
    #: The sign-in (token row) this request came with, kept when the account's others end.
    session_id: int | None = None

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission)
