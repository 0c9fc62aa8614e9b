"""Print the alembic operations that bring an empty-or-current schema up to the models.

Usage: python packaging/tools/autogen_revision.py [UP_TO_REVISION]
Upgrades a temporary database to UP_TO_REVISION (default: head), compares it with the models, and
prints the upgrade() body to paste into the next revision file. Developers' tool, not shipped."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from desktop.storage import migrate
from desktop.storage.models import Base


def main() -> int:
    target = sys.argv[1] if len(sys.argv) > 1 else "head"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "t.sqlite3"
        if target != "base":
            migrate.upgrade(db, target)
        engine = create_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"render_as_batch": True, "compare_type": True})
            ops = produce_migrations(ctx, Base.metadata)
            print(render_python_code(ops.upgrade_ops, render_as_batch=True))
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
