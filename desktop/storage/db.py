"""Engine, sessions and the unit of work: one user action = one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from desktop.storage.sqlite_uri import read_only_uri

# Hooks other storage modules register (the audit chain, record locks): each is called with the
# new sessionmaker so it can attach its session events. Registered at import, applied per engine.
SESSION_HOOKS: list[Callable[[sessionmaker[Session]], None]] = []


def _configure_connection(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # office PCs lose power
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    if read_only:
        url = "sqlite:///" + read_only_uri(db_path) + "&uri=true"
    else:
        url = f"sqlite:///{db_path.as_posix()}"
    engine = create_engine(url)
    event.listen(engine, "connect", _configure_connection if not read_only else _configure_read_only)
    return engine


def _configure_read_only(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from desktop.storage.audit import install_hooks  # the audit chain and record locks

    factory = sessionmaker(engine, expire_on_commit=False)
    install_hooks(factory)
    for hook in SESSION_HOOKS:
        hook(factory)
    return factory


@contextmanager
def unit_of_work(
    factory: sessionmaker[Session], *, amendment_reason: str | None = None, actor: str | None = None
) -> Iterator[Session]:
    """A session whose work is committed as one transaction, or rolled back whole on any error.

    `amendment_reason` is the 更正 reason the user gave: with it, records locked by an exported
    ledger may be changed (the lock hook records the amendment); without it, changing one raises
    RecordLockedError. `actor` is who did it (for the audit chain)."""
    session = factory()
    session.info["amendment_reason"] = amendment_reason
    session.info["actor"] = actor
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
