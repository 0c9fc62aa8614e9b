"""Session hooks: the hash-chained audit log, record locks and amendments (更正).

Every insert, update and delete of a row through a Session (flushes and ORM bulk statements alike)
appends an `audit_entry` in the same transaction: the row as stored (raw SQLite values, canonical
JSON) chained by SHA-256 to the entry before it. A row that went out in a signed ledger is locked
(`record_lock`): changing or deleting it raises RecordLockedError unless the unit of work carries
an amendment reason, in which case an `amendment` row keeps the old and new values.

The chain is written and read with plain SQL so that what is hashed is exactly what is stored,
and `verify_chain`/`direct_changes` can compare it with the file as it is now."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from desktop.domain.errors import RecordLockedError

GENESIS = "0" * 64
SKIP_TABLES = frozenset({"audit_entry", "alembic_version"})
AMENDMENT_REASON = "amendment_reason"

# Names users read in lock messages; other tables fall back to their table name.
TABLE_LABELS = {
    "member": "党员信息",
    "member_change": "党员变动记录",
    "transfer": "组织关系转接记录",
    "party_group": "党小组",
    "branch": "支部信息",
    "committee_term": "支委会届次",
    "committee_member": "支委会成员",
    "meeting": "会议记录",
    "attendance": "出席记录",
    "dues_payment": "党费缴纳记录",
    "dues_determination": "党费核定记录",
    "remittance": "党费上缴记录",
}


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, f"表 {table} 的记录")


# -- canonical forms ------------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def canonical_json(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def entry_hash(prev_hash: str, seq: int, recorded_at: str, table: str, row_id: str, action: str,
               data: str | None) -> str:
    body = json.dumps([seq, recorded_at, table, row_id, action, data], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def row_id_of(values: Iterable[Any]) -> str:
    return ",".join(str(_jsonable(v) if not isinstance(v, (int, str)) else v) for v in values)


def _now_text() -> str:
    # the format SQLAlchemy's SQLite DateTime reads back
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000000")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_PK_CACHE: dict[tuple[str, tuple[str, ...]], list[str]] = {}


def _pk_columns(conn: Connection, table: str) -> list[str]:
    info = conn.exec_driver_sql(f"PRAGMA table_info({_quote(table)})").fetchall()
    pk = sorted((row[5], row[1]) for row in info if row[5])
    return [name for _, name in pk] or ["rowid"]


def _pk_columns_of(state: Any) -> list[str]:
    """The primary-key column names of a mapped object's table (from the model: no query)."""
    table = state.mapper.local_table
    key = (table.name, tuple(c.name for c in table.primary_key.columns))
    cached = _PK_CACHE.get(key)
    if cached is None:
        cached = _PK_CACHE[key] = list(key[1])
    return cached


def _read_row(conn: Connection, table: str, pk_cols: Sequence[str], pk_values: Sequence[Any]) -> dict[str, Any] | None:
    where = " AND ".join(f"{_quote(c)} = ?" for c in pk_cols)
    params = tuple(_jsonable(v) if isinstance(v, (dt.date, Decimal)) else v for v in pk_values)
    row = conn.exec_driver_sql(f"SELECT * FROM {_quote(table)} WHERE {where}", params).mappings().first()
    return dict(row) if row is not None else None


def _read_rows(conn: Connection, table: str, pk_cols: Sequence[str], keys: Sequence[Sequence[Any]]) -> dict[str, dict[str, Any]]:
    """Rows by row id, read in batches when the key is one column."""
    if len(pk_cols) != 1:
        out = {}
        for key in keys:
            row = _read_row(conn, table, pk_cols, key)
            if row is not None:
                out[row_id_of(key)] = row
        return out
    column = pk_cols[0]
    values = [k[0] for k in keys]
    out = {}
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        params = tuple(_jsonable(v) if isinstance(v, (dt.date, Decimal)) else v for v in chunk)
        for row in conn.exec_driver_sql(
            f"SELECT * FROM {_quote(table)} WHERE {_quote(column)} IN ({marks})", params
        ).mappings():
            out[row_id_of([row[column]])] = dict(row)
    return out


# -- appending ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Change:
    table: str
    row_id: str
    action: str
    data: dict[str, Any] | None


def head(conn: Connection) -> tuple[int, str]:
    row = conn.exec_driver_sql("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1").first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def append_entries(conn: Connection, changes: Sequence[_Change]) -> None:
    if not changes:
        return
    seq, prev = head(conn)
    recorded_at = _now_text()
    rows = []
    for change in changes:
        seq += 1
        data = canonical_json(change.data)
        digest = entry_hash(prev, seq, recorded_at, change.table, change.row_id, change.action, data)
        rows.append((seq, recorded_at, change.table, change.row_id, change.action, data, prev, digest))
        prev = digest
    conn.exec_driver_sql(
        "INSERT INTO audit_entry (seq, recorded_at, table_name, row_id, action, data, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def audited_tables(conn: Connection) -> list[str]:
    names = [r[0] for r in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    return [n for n in names if n not in SKIP_TABLES]


def append_baseline(conn: Connection, tables: Iterable[str] | None = None) -> int:
    """Record every existing row of `tables` (default: all) as a 'baseline' entry: used when the
    chain starts on a file that already holds data, and by migrations that write rows."""
    changes = []
    for table in (list(tables) if tables is not None else audited_tables(conn)):
        pk_cols = _pk_columns(conn, table)
        for row in conn.exec_driver_sql(f"SELECT * FROM {_quote(table)}").mappings():
            data = dict(row)
            changes.append(_Change(table, row_id_of(data[c] for c in pk_cols), "baseline", data))
    append_entries(conn, changes)
    return len(changes)


# -- locks ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LockInfo:
    ledger_id: int
    title: str
    produced_at: str


def locks_for(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], LockInfo]:
    keys = list(dict.fromkeys(keys))
    found: dict[tuple[str, str], LockInfo] = {}
    tables = sorted({t for t, _ in keys})
    if not tables:
        return found
    marks = ",".join("?" for _ in tables)
    rows = conn.exec_driver_sql(
        "SELECT l.table_name, l.row_id, p.id, p.title, p.produced_at FROM record_lock l "
        f"JOIN produced_ledger p ON p.id = l.ledger_id WHERE l.table_name IN ({marks}) ORDER BY l.id",
        tuple(tables),
    ).fetchall()
    wanted = set(keys)
    for table, row_id, ledger_id, title, produced_at in rows:
        if (table, row_id) in wanted and (table, row_id) not in found:
            found[(table, row_id)] = LockInfo(int(ledger_id), str(title), str(produced_at)[:10])
    return found


def locked_error(locked: dict[tuple[str, str], LockInfo], names: dict[tuple[str, str], str]) -> RecordLockedError:
    (table, row_id), info = next(iter(locked.items()))
    who = names.get((table, row_id))
    label = table_label(table) + (f"“{who}”" if who else "")
    more = f"等 {len(locked)} 条记录" if len(locked) > 1 else ""
    message = (
        f"{label}（{table} #{row_id}）{more}已包含在 {info.produced_at} 导出的已签名台账《{info.title}》中，已锁定。"
        "如需修改，请填写更正原因：系统会保留原记录并登记更正。"
    )
    return RecordLockedError(message, records=[(t, int(r) if r.isdigit() else r) for t, r in locked])  # type: ignore[misc]


def _actor(session: Session) -> str:
    actor = session.info.get("actor")
    if actor:
        return str(actor)
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system
        return ""


def _insert_amendment(conn: Connection, session: Session, table: str, row_id: str, action: str,
                      old: dict[str, Any], new: dict[str, Any] | None, ledger_id: int) -> None:
    result = conn.exec_driver_sql(
        "INSERT INTO amendment (table_name, row_id, action, old_values, new_values, reason, actor, amended_at, "
        "locked_by_ledger_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (table, row_id, action, canonical_json(old), canonical_json(new), str(session.info[AMENDMENT_REASON]),
         _actor(session), _now_text(), ledger_id),
    )
    amendment_id = result.lastrowid
    data = _read_row(conn, "amendment", ["id"], [amendment_id])
    append_entries(conn, [_Change("amendment", str(amendment_id), "insert", data)])


# -- the hooks ------------------------------------------------------------------------------------
def _object_key(obj: Any) -> tuple[str, str, Any] | None:
    state = inspect(obj)
    table = state.mapper.local_table
    name = getattr(table, "name", None)
    if name is None or name in SKIP_TABLES:
        return None
    pk = state.mapper.primary_key_from_instance(obj)
    if any(v is None for v in pk):
        return None
    return name, row_id_of(pk), state


def _display_name(obj: Any) -> str | None:
    for attr in ("name", "title", "topic"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return None


def _changed_columns(state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for prop in state.mapper.column_attrs:
        if prop.key == "updated_at":
            continue
        history = state.attrs[prop.key].history
        if history.has_changes():
            column = prop.columns[0].name
            old[column] = history.deleted[0] if history.deleted else None
            new[column] = history.added[0] if history.added else None
    return old, new


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse changes to locked rows, or record them as amendments when a reason was given."""
    candidates: list[tuple[str, str, Any, str]] = []
    for obj in list(session.dirty):
        if not session.is_modified(obj, include_collections=False):
            continue
        key = _object_key(obj)
        if key is not None and inspect(obj).persistent:
            candidates.append((key[0], key[1], obj, "update"))
    for obj in list(session.deleted):
        key = _object_key(obj)
        if key is not None:
            candidates.append((key[0], key[1], obj, "delete"))
    if not candidates:
        return
    conn = session.connection()
    locked = locks_for(conn, [(t, r) for t, r, _, _ in candidates])
    if not locked:
        return
    if not session.info.get(AMENDMENT_REASON):
        names = {(t, r): _display_name(o) for t, r, o, _ in candidates}
        raise locked_error({k: locked[k] for k in dict.fromkeys((t, r) for t, r, _, _ in candidates) if k in locked},
                           names)  # type: ignore[arg-type]
    for table, row_id, obj, action in candidates:
        info = locked.get((table, row_id))
        if info is None:
            continue
        state = inspect(obj)
        if action == "update":
            old, new = _changed_columns(state)
            if not old:
                continue
            _insert_amendment(conn, session, table, row_id, action, old, new, info.ledger_id)
        else:
            old = {p.columns[0].name: state.attrs[p.key].loaded_value for p in state.mapper.column_attrs}
            old = {k: (None if v is _NO_VALUE else v) for k, v in old.items()}
            _insert_amendment(conn, session, table, row_id, action, old, None, info.ledger_id)


try:  # the marker for "not loaded" moved between SQLAlchemy versions
    from sqlalchemy.orm.base import NO_VALUE as _NO_VALUE
except ImportError:  # pragma: no cover
    _NO_VALUE = object()


def _after_flush(session: Session, _context: Any) -> None:
    """Append one audit entry per row written in this flush (same transaction)."""
    pending: list[tuple[str, str, Any, str]] = []
    for obj in session.new:
        key = _object_key(obj)
        if key is not None:
            pending.append((key[0], key[1], obj, "insert"))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            key = _object_key(obj)
            if key is not None:
                pending.append((key[0], key[1], obj, "update"))
    for obj in session.deleted:
        key = _object_key(obj)
        if key is not None:
            pending.append((key[0], key[1], obj, "delete"))
    if not pending:
        return
    conn = session.connection()
    wanted: dict[str, tuple[list[str], list[Any]]] = {}
    for table, _row_id, obj, action in pending:
        if action != "delete":
            state = inspect(obj)
            cols, keys = wanted.setdefault(table, (_pk_columns_of(state), []))
            keys.append(state.mapper.primary_key_from_instance(obj))
    stored = {table: _read_rows(conn, table, cols, keys) for table, (cols, keys) in wanted.items()}
    changes = []
    for table, row_id, obj, action in pending:
        data = None
        if action != "delete":
            data = stored[table].get(row_id)
            if data is None:
                continue
        changes.append(_Change(table, row_id, action, data))
    append_entries(conn, changes)


def _do_orm_execute(state: ORMExecuteState) -> Any:
    """ORM bulk statements (session.execute(update(...)/delete(...)/insert(...))) bypass the flush:
    audit and lock-check them here."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is None or name in SKIP_TABLES:
        return None
    session = state.session
    conn = session.connection()
    pk_cols = _pk_columns(conn, name)
    if state.is_insert:
        before = conn.exec_driver_sql(f"SELECT max(rowid) FROM {_quote(name)}").scalar() or 0
        result = state.invoke_statement()
        rows = conn.exec_driver_sql(f"SELECT * FROM {_quote(name)} WHERE rowid > ?", (before,)).mappings().all()
        append_entries(conn, [_Change(name, row_id_of(r[c] for c in pk_cols), "insert", dict(r)) for r in rows])
        return result
    where = getattr(state.statement, "whereclause", None)
    cols = [table.c[c] for c in pk_cols if c in table.c]  # type: ignore[union-attr]
    query = select(*cols)
    if where is not None:
        query = query.where(where)
    ids = [tuple(r) for r in conn.execute(query)]
    before_rows = {row_id_of(i): _read_row(conn, name, pk_cols, i) for i in ids}
    locked = locks_for(conn, [(name, r) for r in before_rows])
    if locked and not session.info.get(AMENDMENT_REASON):
        raise locked_error(locked, {})
    result = state.invoke_statement()
    changes = []
    for pk in ids:
        row_id = row_id_of(pk)
        old = before_rows[row_id]
        new = _read_row(conn, name, pk_cols, pk)
        if new == old:
            continue
        changes.append(_Change(name, row_id, "delete" if new is None else "update", new))
        info = locked.get((name, row_id))
        if info is not None and old is not None:
            diff_old = {k: v for k, v in old.items() if new is None or (new.get(k) != v and k != "updated_at")}
            diff_new = None if new is None else {k: new[k] for k in diff_old}
            _insert_amendment(conn, session, name, row_id, "delete" if new is None else "update", diff_old,
                              diff_new, info.ledger_id)
    append_entries(conn, changes)
    return result


def install_hooks(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)


# -- verification ---------------------------------------------------------------------------------
def verify_chain(conn: Connection) -> list[str]:
    """The first broken link of the chain, named; empty when every link holds."""
    prev = GENESIS
    expected = 1
    for seq, recorded_at, table, row_id, action, data, prev_hash, digest in conn.exec_driver_sql(
        "SELECT seq, recorded_at, table_name, row_id, action, data, prev_hash, hash FROM audit_entry ORDER BY seq"
    ):
        if seq != expected:
            return [f"审计链断开：第 {expected} 条记录缺失（下一条是第 {seq} 条）。"]
        if prev_hash != prev:
            return [f"审计链断开：第 {seq} 条记录（{table} #{row_id}）的前一哈希与第 {seq - 1} 条不符。"]
        if entry_hash(prev_hash, seq, str(recorded_at), table, row_id, action, data) != digest:
            return [f"审计链断开：第 {seq} 条记录（{table} #{row_id}，{recorded_at[:19]}）的内容已被改动，哈希不符。"]
        prev = digest
        expected += 1
    return []


def last_audited(conn: Connection) -> dict[tuple[str, str], dict[str, Any] | None]:
    state: dict[tuple[str, str], dict[str, Any] | None] = {}
    for table, row_id, data in conn.exec_driver_sql(
        "SELECT table_name, row_id, data FROM audit_entry ORDER BY seq"
    ):
        state[(table, row_id)] = json.loads(data) if data is not None else None
    return state


def direct_changes(conn: Connection, *, limit: int = 20) -> list[str]:
    """Rows whose current content differs from their last audited content: changed, added or deleted
    outside the app (e.g. with an SQLite tool)."""
    audited = last_audited(conn)
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    tables = audited_tables(conn)
    for table in tables:
        pk_cols = _pk_columns(conn, table)
        for row in conn.exec_driver_sql(f"SELECT * FROM {_quote(table)}").mappings():
            current = json.loads(canonical_json(dict(row)) or "{}")
            row_id = row_id_of(row[c] for c in pk_cols)
            key = (table, row_id)
            seen.add(key)
            before = audited.get(key)
            if before is None:
                problems.append(f"表 {table} #{row_id} 不在审计记录中：可能是在本程序之外添加或恢复的。")
            else:
                changed = sorted(k for k in current.keys() & before.keys() if current[k] != before[k])
                if changed:
                    problems.append(f"表 {table} #{row_id} 在本程序之外被改动（字段：{'、'.join(changed)}）。")
            if len(problems) >= limit:
                return problems
    table_set = set(tables)
    for (table, row_id), data in audited.items():
        if data is not None and (table, row_id) not in seen and table in table_set:
            problems.append(f"表 {table} #{row_id} 在本程序之外被删除。")
            if len(problems) >= limit:
                break
    return problems
