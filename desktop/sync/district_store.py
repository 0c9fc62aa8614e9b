"""The district database: certificates issued, packages received, their rows; continuity checks.

Importing a package is one transaction. A package already received (same hash) changes nothing.
Sequence rules, per branch: a number already taken by a different package is refused (going
backwards or a replay of an older number); the previous-package hash must match the package
received just before it (when that one is here) and the one received just after it (when a gap
is being filled); a number beyond the next expected one is accepted and the gap reported."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select

from desktop.domain.errors import LedgerError
from desktop.sync.cms import code_of, common_name, serial_hex
from desktop.sync.district import BRANCH_KIND, CheckedPackage, VerifiedPackage
from desktop.sync.package import PackageError
from desktop.storage.district import tables as t


@dataclass(frozen=True)
class ContinuityResult:
    already_imported: bool
    gaps: tuple[int, ...]  # missing sequence numbers before this one


@dataclass(frozen=True)
class ImportResult:
    name: str
    code: str
    sequence: int
    package_hash: str
    status: str  # "imported" | "already" | "rejected"
    message: str
    gaps: tuple[int, ...] = ()
    records: int = 0


# Built once: building a statement per package costs more than running it.
_INSERT_RECEIVED = t.received.insert()
_INSERT_AUDIT = t.audit.insert()
_RECEIVED_OF_BRANCH = (select(t.received.c.sequence, t.received.c.package_hash, t.received.c.previous_hash)
                       .where(t.received.c.branch_code == bindparam("code")))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class DistrictStore:
    def __init__(self, engine: Engine, attachments_dir: Path) -> None:
        self.engine = engine
        self.attachments_dir = attachments_dir
        self._registered: set[str] | None = None  # branch codes with a certificate (cached)

    # -- certificates ------------------------------------------------------------------------------
    def record_certificate(self, cert, pem: bytes, today: dt.date) -> None:  # type: ignore[no-untyped-def]
        code = code_of(cert) or ""
        self._registered = None
        with self.engine.begin() as conn:
            conn.execute(t.certificate.insert().values(
                serial=serial_hex(cert), branch_code=code, subject=common_name(cert),
                not_before=cert.not_valid_before_utc.date(), not_after=cert.not_valid_after_utc.date(),
                pem=pem.decode("ascii"),
            ))
            exists = conn.execute(select(t.branch.c.code).where(t.branch.c.code == code)).first()
            if exists:
                conn.execute(t.branch.update().where(t.branch.c.code == code).values(name=common_name(cert)))
            else:
                conn.execute(t.branch.insert().values(code=code, name=common_name(cert), registered_on=today))

    def revoke(self, serial: str, today: dt.date, reason: str) -> str:
        serial = serial.lower().lstrip("0") or "0"
        with self.engine.begin() as conn:
            row = conn.execute(select(t.certificate.c.branch_code).where(t.certificate.c.serial == serial)).first()
            if row is None:
                from desktop.domain.errors import NotFoundError

                raise NotFoundError(f"没有序列号为 {serial} 的已签发证书")
            conn.execute(t.certificate.update().where(t.certificate.c.serial == serial)
                         .values(revoked_on=today, revoke_reason=reason))
            return row.branch_code

    def revoked_serials(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(t.certificate.c.serial).where(t.certificate.c.revoked_on.is_not(None))).scalars())

    def revocations(self) -> dict[str, dt.date]:
        """Serial (hex) -> the day it was revoked, for every revoked certificate."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.certificate.c.serial, t.certificate.c.revoked_on)
                                .where(t.certificate.c.revoked_on.is_not(None)))
            return {r.serial: r.revoked_on for r in rows}

    def branches(self) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            return [(r.code, r.name) for r in conn.execute(select(t.branch).order_by(t.branch.c.code))]

    # -- continuity --------------------------------------------------------------------------------
    def check_continuity(self, conn: Connection, checked: CheckedPackage | VerifiedPackage,
                         pending: dict[tuple[str, int], str] | None = None) -> ContinuityResult:
        """Raise PackageError if the package breaks its branch's chain. `pending` holds packages
        checked earlier in the same batch (verify without importing): (code, seq) -> hash."""
        received = {r.sequence: (r.package_hash, r.previous_hash)
                    for r in conn.execute(_RECEIVED_OF_BRANCH, {"code": checked.code})}
        for (code, seq), digest in (pending or {}).items():
            if code == checked.code:
                received.setdefault(seq, (digest, None))
        mine = received.get(checked.sequence)
        if mine is not None:
            if mine[0] == checked.package_hash:
                return ContinuityResult(True, ())
            top = max(received)
            raise PackageError(
                f"{checked.name}：序号 {checked.sequence} 已被另一个包占用（已收到的最大序号为 {top}），"
                "序号倒退或重复，拒收（检查：序号连续性）"
            )
        before = received.get(checked.sequence - 1)
        if checked.sequence == 1 and checked.previous_hash:
            raise PackageError(f"{checked.name}：第 1 号包不应有上一包哈希（检查：上一包哈希链接）")
        if before is not None and before[0] != checked.previous_hash:
            raise PackageError(
                f"{checked.name}：上一包哈希与已收到的第 {checked.sequence - 1} 号包不符（检查：上一包哈希链接）"
            )
        after = received.get(checked.sequence + 1)
        if after is not None and after[1] is not None and after[1] != checked.package_hash:
            raise PackageError(
                f"{checked.name}：已收到的第 {checked.sequence + 1} 号包所指的上一包不是本包（检查：上一包哈希链接）"
            )
        below = [s for s in received if s < checked.sequence]
        start = max(below) + 1 if below else 1
        gaps = tuple(range(start, checked.sequence))
        return ContinuityResult(False, gaps)

    # -- import ------------------------------------------------------------------------------------
    def import_package(self, checked: CheckedPackage | VerifiedPackage) -> ImportResult:
        """Import one package in one transaction."""
        with self.engine.begin() as conn:
            return self._import_into(conn, checked)

    def import_many(self, packages: list[VerifiedPackage], *, batch: int = 50) -> list[ImportResult | LedgerError]:
        """Import packages in order, each under its own SAVEPOINT (a failing one is rolled back
        alone and returned as its error), committing every `batch` packages: the commit is the
        costly part of a small import. A crash loses at most the uncommitted batch, whole."""
        out: list[ImportResult | LedgerError] = []
        for start in range(0, len(packages), batch):
            with self.engine.begin() as conn:
                for package in packages[start:start + batch]:
                    savepoint = conn.begin_nested()
                    try:
                        out.append(self._import_into(conn, package))
                    except LedgerError as exc:
                        savepoint.rollback()
                        out.append(exc)
                    else:
                        savepoint.commit()
        return out

    def _import_into(self, conn: Connection, checked: CheckedPackage | VerifiedPackage) -> ImportResult:
        if isinstance(checked, CheckedPackage):
            checked = checked.for_import()
        if checked.kind != BRANCH_KIND:
            raise PackageError(f"{checked.name}：不是支部上报的同步包")
        continuity = self.check_continuity(conn, checked)
        if continuity.already_imported:
            return ImportResult(checked.name, checked.code, checked.sequence, checked.package_hash, "already",
                                "已导入过，未作改动")
        if self._registered is None:
            self._registered = set(conn.execute(select(t.branch.c.code)).scalars())
        if checked.code not in self._registered:
            raise PackageError(f"{checked.name}：支部代码 {checked.code} 未在本区县登记（检查：支部登记）")
        rows, audit_log, figures, attachments = _payload(checked)
        package_id = conn.execute(_INSERT_RECEIVED, dict(
            branch_code=checked.code, sequence=checked.sequence, package_hash=checked.package_hash,
            previous_hash=checked.previous_hash, period_start=checked.period_start,
            period_end=checked.period_end, schema_version=checked.schema_version,
            file_name=checked.name, size=checked.size, signer_serial=checked.signer_serial,
            record_count=len(rows), audit_count=audit_log[1] - audit_log[0] if audit_log else 0, received_at=_now(),
        )).inserted_primary_key[0]
        self._store_rows(conn, checked.code, package_id, rows)
        if audit_log:
            conn.execute(_INSERT_AUDIT, dict(branch_code=checked.code, package_id=package_id, from_seq=audit_log[0],
                                             to_seq=audit_log[1], head_hash=audit_log[2], entries=audit_log[3]))
        if figures:
            _bulk_upsert(conn, t.figures, ("branch_code", "year"),
                         [(checked.code, year, _ENCODE(data), package_id) for year, data in figures.items()],
                         ("branch_code", "year", "data", "package_id"))
        self._store_attachments(conn, package_id, attachments)
        message = "已导入"
        if checked.signature_note:
            message += f"（{checked.signature_note}）"
        if continuity.gaps:
            message += f"；缺少第 {_ranges(continuity.gaps)} 号包（序号有缺口）"
        return ImportResult(checked.name, checked.code, checked.sequence, checked.package_hash, "imported",
                            message, continuity.gaps, len(rows))

    def _store_rows(self, conn: Connection, code: str, package_id: int, rows: list[tuple[str, str, str]]) -> None:
        if rows:
            _bulk_upsert(conn, t.branch_row, ("branch_code", "table_name", "row_id"),
                         [(code, table, row_id, data, package_id) for table, row_id, data in rows],
                         ("branch_code", "table_name", "row_id", "data", "package_id"))

    def _store_attachments(self, conn: Connection, package_id: int, attachments: dict[str, bytes]) -> None:
        if not attachments:
            return
        known = set(conn.execute(select(t.attachment.c.sha256).where(t.attachment.c.sha256.in_(list(attachments)))).scalars())
        for digest, data in attachments.items():
            if digest in known:
                continue
            target = self.attachments_dir / digest[:2] / digest
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".partial")
                partial.write_bytes(data)
                os.replace(partial, target)
            conn.execute(t.attachment.insert().values(sha256=digest, size=len(data), package_id=package_id))

    # -- queries -----------------------------------------------------------------------------------
    def last_packages(self) -> dict[str, tuple[int, dt.datetime, dt.date | None]]:
        """Per branch code: (highest sequence, when received, period end)."""
        with self.engine.connect() as conn:
            latest = (select(t.received.c.branch_code, func.max(t.received.c.sequence).label("seq"))
                      .group_by(t.received.c.branch_code).subquery())
            rows = conn.execute(
                select(t.received.c.branch_code, t.received.c.sequence, t.received.c.received_at, t.received.c.period_end)
                .join(latest, (latest.c.branch_code == t.received.c.branch_code) & (latest.c.seq == t.received.c.sequence))
            )
            return {r.branch_code: (r.sequence, r.received_at, r.period_end) for r in rows}

    def received_sequences(self, code: str) -> list[int]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(t.received.c.sequence).where(t.received.c.branch_code == code)).scalars())

    def rows_of(self, code: str, table_name: str) -> list[dict]:
        with self.engine.connect() as conn:
            data = conn.execute(select(t.branch_row.c.data).where(
                t.branch_row.c.branch_code == code, t.branch_row.c.table_name == table_name)).scalars()
            return [json.loads(d) for d in data]

    def figures_of(self, code: str, year: int) -> dict | None:
        with self.engine.connect() as conn:
            data = conn.execute(select(t.figures.c.data).where(
                t.figures.c.branch_code == code, t.figures.c.year == year)).scalar()
            return json.loads(data) if data else None

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "packages": conn.execute(select(func.count()).select_from(t.received)).scalar() or 0,
                "rows": conn.execute(select(func.count()).select_from(t.branch_row)).scalar() or 0,
                "audit": conn.execute(select(func.sum(t.audit.c.to_seq - t.audit.c.from_seq))).scalar() or 0,
                "figures": conn.execute(select(func.count()).select_from(t.figures)).scalar() or 0,
                "attachments": conn.execute(select(func.count()).select_from(t.attachment)).scalar() or 0,
            }

    def next_notice_sequence(self, code: str) -> tuple[int, str | None]:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.notice.c.sequence, t.notice.c.package_hash)
                               .where(t.notice.c.branch_code == code).order_by(t.notice.c.sequence.desc()).limit(1)).first()
            return (row.sequence + 1, row.package_hash) if row else (1, None)

    def record_notice(self, code: str, sequence: int, package_hash: str, file_name: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.notice.insert().values(branch_code=code, sequence=sequence, package_hash=package_hash,
                                                  file_name=file_name, created_at=_now()))


def _audit_log(checked: VerifiedPackage) -> tuple[int, int, str, str] | None:
    """(from, to, head hash, entries text): the audit file is kept verbatim, as the branch signed it
    (an append-only log: the chain can be re-verified from it), so it is not parsed entry by entry.
    Its range comes from bag-info (Audit-From, Audit-Head)."""
    data = checked.payload.get("data/audit/entries.json")
    if data is None:
        return None
    try:
        head_seq, head_hash = (checked.audit_head or "").split()
        start, end = int(checked.audit_from or "0"), int(head_seq)
        text = data.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise PackageError(f"{checked.name}：bag-info.txt 的 Audit-From/Audit-Head 缺失或无效，"
                           "或 data/audit/entries.json 不是 UTF-8（检查：审计记录）") from None
    if end < start or len(head_hash) != 64:
        raise PackageError(f"{checked.name}：审计记录范围无效（{start}–{end}）（检查：审计记录）")
    return start, end, head_hash, text


def _payload(checked: VerifiedPackage) -> tuple[list[tuple[str, str, str]], tuple[int, int, str, str] | None,
                                               dict[int, dict], dict[str, bytes]]:
    rows: list[tuple[str, str, str]] = []
    attachments: dict[str, bytes] = {}
    for member, data in checked.payload.items():
        if member.startswith("data/records/") and member.endswith(".json"):
            document = checked.json(member)
            table = document.get("table")
            if not isinstance(table, str) or not isinstance(document.get("rows"), list):
                raise PackageError(f"{checked.name}：{member} 缺少 table/rows（检查：记录文件格式）")
            key = document.get("key") or "id"
            for row in document["rows"]:
                if not isinstance(row, dict) or key not in row:
                    raise PackageError(f"{checked.name}：{member} 有一行缺少主键 {key}（检查：记录文件格式）")
                rows.append((table, str(row[key]), _ENCODE(row)))
        elif member.startswith("data/attachments/"):
            digest = member.rsplit("/", 1)[1]
            if hashlib.sha256(data).hexdigest() != digest:
                raise PackageError(f"{checked.name}：附件 {member} 的内容与其文件名（SHA-256）不符")
            attachments[digest] = data
    audit_log = _audit_log(checked)
    figures_doc = checked.json("data/figures.json")
    figures: dict[int, dict] = {}
    for item in figures_doc.get("years", []) if figures_doc else []:
        if isinstance(item, dict) and isinstance(item.get("year"), int):
            figures[item["year"]] = item
    return rows, audit_log, figures, attachments


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode  # C encoder


def _bulk_upsert(conn: Connection, table: Any, key: tuple[str, ...], rows: list[tuple], columns: tuple[str, ...]) -> None:
    """Insert-or-replace many rows with one driver-level executemany (SQLAlchemy's per-row
    parameter handling costs more than SQLite itself here). `ON CONFLICT … DO UPDATE` is the
    upsert of SQLite (≥3.24) and PostgreSQL, the two databases `--db` is meant for."""
    style = conn.dialect.paramstyle
    marks = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(style)
    if marks is None:
        placeholders = ", ".join(f":{i + 1}" for i in range(len(columns)))
    else:
        placeholders = ", ".join([marks] * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders}) "
           f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")
    conn.exec_driver_sql(sql, rows)


def _ranges(numbers: tuple[int, ...]) -> str:
    if not numbers:
        return ""
    if len(numbers) == 1:
        return str(numbers[0])
    return f"{numbers[0]}–{numbers[-1]}"
