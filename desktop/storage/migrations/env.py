"""Alembic environment: run programmatically by desktop.storage.migrate with a connection in
`config.attributes["connection"]`, inside one transaction opened by the caller."""

from __future__ import annotations

from alembic import context

from desktop.storage.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    transactional_ddl=True,
)
context.run_migrations()
