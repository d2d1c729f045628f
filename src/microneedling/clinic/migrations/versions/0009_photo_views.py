"""Photos record the camera's view (front, left/right oblique, left/right profile).

Photos taken before have no view: NULL, shown as "view not recorded" (not guessed as front).

Revision ID: 0009_photo_views
Revises: 0008_locations
Create Date: 2026-12-03 16:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_photo_views"
down_revision: str | None = "0008_locations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("view", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("view")
