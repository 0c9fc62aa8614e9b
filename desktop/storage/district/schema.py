"""Opening the district database and bringing its schema up to date.

Not alembic: the district file is small, written by this program only, and may also be another
database given by URL (`--db`). Its version is the highest row of `district_schema`; STEPS lists,
in order, what brings a database from version n-1 to n. Each step and its version row are one
transaction. A database whose version is higher than this program knows is refused untouched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, select

from desktop.domain.errors import LedgerError
from desktop.storage.district import tables


def _v1(conn: Connection) -> None:
    # Version 1 is the tables as first released (tables.py). Later versions add explicit steps.
    tables.metadata.create_all(conn, checkfirst=False)


STEPS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _v1),)
CURRENT = STEPS[-1][0]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(tables.schema_version.name):
        return 0
    return conn.execute(select(func.max(tables.schema_version.c.version))).scalar() or 0


def open_district_db(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # We issue BEGIN ourselves (below): pysqlite's own handling would break SAVEPOINTs
            # and leave DDL outside the transaction.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN")
    try:
        with engine.connect() as conn:
            version = current_version(conn)
    except Exception as exc:  # noqa: BLE001
        engine.dispose()
        raise LedgerError(f"无法打开区县数据库 {engine.url.render_as_string(hide_password=True)}：{exc}") from None
    if version > CURRENT:
        engine.dispose()
        raise LedgerError(f"区县数据库的结构版本为 {version}，本程序只认识到 {CURRENT}：请安装新版本。数据库未作改动。")
    for number, step in STEPS:
        if number <= version:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.execute(tables.schema_version.insert().values(version=number, applied_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
    return engine
