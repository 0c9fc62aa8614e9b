"""How to open a database file read-only with plain sqlite3, also on read-only media."""

from __future__ import annotations

import os
from pathlib import Path


def read_only_uri(db_path: Path) -> str:
    """A `file:` URI opening `db_path` read-only.

    On a write-protected medium (a locked USB stick) SQLite cannot create the `-shm` file a WAL
    database needs, and refuses to open it even read-only; `immutable=1` tells it nothing can change
    the file there. After a clean close the WAL has been checkpointed, so nothing is missed."""
    resolved = Path(db_path).resolve()
    uri = resolved.as_uri() + "?mode=ro"
    if not os.access(resolved.parent, os.W_OK):
        uri += "&immutable=1"
    return uri
