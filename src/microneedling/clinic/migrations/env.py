"""Alembic environment: runs inside the application on a connection it is handed.

``Database.migrate()`` passes its connection in ``config.attributes["connection"]``; running
``alembic`` from a shell is not supported (no alembic.ini), so there is one way to migrate.
"""

from __future__ import annotations

from alembic import context

from microneedling.clinic.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run through microneedling.clinic.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
