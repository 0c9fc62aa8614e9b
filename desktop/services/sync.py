"""File sync with the district (同步包), branch side: plan and export signed packages, their
history, and importing the packages the district sends back.

A package (see docs/exchange-format.md) carries the records created or changed since the
previous package (every table of the ledger except the exchange bookkeeping and the audit chain
itself), the audit entries since the previous package, attachments not sent before, the signed
ledger PDFs of the period's years, and the year's figures the district counts. Re-exporting gives
a new sequence number and a new file; nothing is ever overwritten."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select

from desktop.domain.errors import LedgerError, ValidationError
from desktop.services.context import LedgerContext
from desktop.storage.models import Base
from desktop.storage.models.exchange import (
    DistrictEvaluationRecord,
    DistrictNoticeRecord,
    DistrictPackageRecord,
    SentAttachmentRecord,
    SentPackageRecord,
)
from desktop.sync import cms
from desktop.sync.package import (
    BRANCH_KIND,
    NOTICE_KIND,
    SCHEMA_VERSION,
    PackageError,
    build_bag,
    json_bytes,
    package_info,
    package_stem,
    write_package,
)

# Tables that are not the branch's records: our own bookkeeping, the audit chain (sent as
# audit entries), locks, and the local list of produced files (paths on this computer).
NOT_SENT = frozenset({
    "sent_package", "sent_attachment", "district_package", "district_notice", "district_evaluation",
    "audit_entry", "record_lock", "produced_ledger", "alembic_version",
})
LEDGER_KINDS = ("roster", "meetings", "dues", "report")
NOT_LOCKED = frozenset({"setting"})  # the secretary's settings go along but stay editable
_HASH_NAME = re.compile(r"^[0-9a-f]{64}$")

Progress = Callable[[int, int, str], bool | None]


@dataclass(frozen=True)
class ExportPlan:
    """What an export would put in the package (shown before exporting)."""

    branch_code: str | None
    sequence: int
    previous_hash: str | None
    since_seq: int  # 0 = everything
    since_time: dt.datetime | None
    period_start: dt.date | None
    period_end: dt.date
    tables: tuple[tuple[str, int], ...]
    attachments: int
    attachment_bytes: int
    audit_entries: int
    ledger_years: tuple[int, ...]
    problems: tuple[str, ...] = ()

    @property
    def record_count(self) -> int:
        return sum(n for _, n in self.tables)


@dataclass(frozen=True)
class SentPackageDto:
    id: int
    sequence: int
    file_name: str
    destination: str | None
    package_hash: str
    file_sha256: str
    previous_hash: str | None
    period_start: dt.date | None
    period_end: dt.date
    exported_time: dt.datetime
    record_count: int
    size: int
    contents: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path | None:
        return Path(self.destination) / self.file_name if self.destination else None


@dataclass(frozen=True)
class DistrictPackagePreview:
    """What applying a district package would change (shown before applying)."""

    path: Path
    file_name: str
    sequence: int
    package_hash: str
    issued_on: dt.date | None
    already_applied: bool
    notices: tuple[tuple[str, int], ...]  # (title, number of attachments)
    transfers_in: tuple[str, ...]  # names of members transferring in
    skipped_transfers: tuple[str, ...]  # already on the roster (same ID number)
    evaluation: tuple[int, str] | None
    signature_note: str = ""  # 签名时间 … 证书有效期内（至 …）

    @property
    def changes(self) -> list[str]:
        if self.already_applied:
            return ["此包已导入过：不会再作任何改动。"]
        lines = [f"通知：{title}（附件 {n} 个）" for title, n in self.notices]
        lines += [f"转入党员：{name}（加入花名册，记录转入）" for name in self.transfers_in]
        lines += [f"跳过：{name} 已在花名册中" for name in self.skipped_transfers]
        if self.evaluation:
            lines.append(f"{self.evaluation[0]} 年度考核评价：{self.evaluation[1]}")
        return lines or ["此包没有需要写入的内容。"]


@dataclass(frozen=True)
class NoticeDto:
    id: int
    title: str
    body: str
    issued_on: dt.date | None
    attachments: tuple[dict[str, Any], ...]
    received: dt.datetime


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _sent_dto(r: SentPackageRecord) -> SentPackageDto:
    return SentPackageDto(r.id, r.sequence, r.file_name, r.destination, r.package_hash, r.file_sha256,
                          r.previous_hash, r.period_start, r.period_end, r.exported_time, r.record_count, r.size,
                          json.loads(r.contents) if r.contents else {})


class SyncService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    # -- history -----------------------------------------------------------------------------------
    def history(self) -> list[SentPackageDto]:
        with self.ctx.reading() as session:
            rows = session.scalars(select(SentPackageRecord).order_by(SentPackageRecord.sequence.desc())).all()
            return [_sent_dto(r) for r in rows]

    def _previous(self, session: Any, since_seq: int | None) -> tuple[SentPackageRecord | None, SentPackageRecord | None]:
        """(the last package sent, the package the period starts after)."""
        last = session.scalar(select(SentPackageRecord).order_by(SentPackageRecord.sequence.desc()).limit(1))
        if since_seq is None:
            return last, last
        if since_seq == 0:
            return last, None
        start = session.scalar(select(SentPackageRecord).where(SentPackageRecord.sequence == since_seq))
        if start is None:
            raise ValidationError(f"没有第 {since_seq} 号同步包：--since 应为已导出的包序号（0 表示全部）", field="since_seq")
        return last, start

    # -- plan --------------------------------------------------------------------------------------
    def plan_export(self, since_seq: int | None = None) -> ExportPlan:
        today = self.ctx.today()
        problems = []
        code = None
        try:
            code = self._branch_code()
        except LedgerError as exc:
            problems.append(exc.message)
        with self.ctx.reading() as session:
            last, start = self._previous(session, since_seq)
            since_time = start.exported_time if start else None
            tables = tuple((t.name, n) for t, n in self._changed_counts(session, since_time) if n)
            sent = set(session.scalars(select(SentAttachmentRecord.sha256)))
            audit_from = (start.audit_seq or 0) if start else 0
            sequence = (last.sequence + 1) if last else 1
            previous_hash = last.package_hash if last else None
            start_seq = start.sequence if start else 0
        attachments = [p for h, p in self._attachment_files().items() if h not in sent]
        period_start = since_time.date() if since_time else None
        return ExportPlan(
            branch_code=code, sequence=sequence,
            previous_hash=previous_hash, since_seq=start_seq,
            since_time=since_time, period_start=period_start, period_end=today, tables=tables,
            attachments=len(attachments), attachment_bytes=sum(p.stat().st_size for p in attachments),
            audit_entries=self._audit_count(audit_from), ledger_years=self._years(period_start, today),
            problems=tuple(problems),
        )

    @staticmethod
    def _years(start: dt.date | None, end: dt.date) -> tuple[int, ...]:
        first = start.year if start else end.year
        return tuple(range(first, end.year + 1))

    def _tables(self) -> list[Table]:
        return [t for t in Base.metadata.sorted_tables if t.name not in NOT_SENT]

    def _changed_counts(self, session: Any, since: dt.datetime | None) -> list[tuple[Table, int]]:
        return [(t, session.execute(select(func.count()).select_from(t).where(*self._since_clause(t, since))).scalar())
                for t in self._tables()]

    @staticmethod
    def _since_clause(table: Table, since: dt.datetime | None) -> list[Any]:
        if since is None:
            return []
        if "updated_at" in table.c:
            return [table.c.updated_at >= since]
        if "created_at" in table.c:
            return [table.c.created_at >= since]
        return []  # small tables without timestamps (settings, joint units): always sent whole

    def _attachment_files(self) -> dict[str, Path]:
        root = self.ctx.folder.attachments
        if not root.exists():
            return {}
        found = {}
        for path in sorted(root.rglob("*")):
            stem = path.name.split(".", 1)[0]
            if path.is_file() and _HASH_NAME.match(stem):
                found[stem] = path
        return found

    def _audit_entries(self, since_seq: int) -> list[dict[str, Any]]:
        """Audit entries after `since_seq`, with `data` as the exact JSON text the chain hashed."""
        table = Base.metadata.tables.get("audit_entry")
        if table is None:
            return []
        with self.ctx.reading() as session:
            rows = session.execute(select(table).where(table.c.seq > since_seq).order_by(table.c.seq)).mappings().all()
            return [{k: _json_value(v) for k, v in row.items()} for row in rows]

    def _audit_count(self, since_seq: int) -> int:
        table = Base.metadata.tables.get("audit_entry")
        if table is None:
            return 0
        with self.ctx.reading() as session:
            return session.scalar(select(func.count()).select_from(table).where(table.c.seq > since_seq)) or 0

    def _audit_head(self) -> tuple[int, str]:
        from desktop.services.audit import AuditService

        return AuditService(self.ctx).head()

    # -- identity ----------------------------------------------------------------------------------
    def _branch_code(self) -> str:
        from desktop.sync import identity

        cert = identity.current_certificate(self.ctx.folder.keys)
        if cert is None:
            raise LedgerError("尚未创建签名证书：请先在“设置→签名证书”中创建，并向区里申请证书。")
        if identity.is_self_signed(cert):
            raise LedgerError("当前是自签名证书，区里无法验证同步包：请先导出证书请求交区里签发，并导入签发的证书。")
        code = identity.branch_code(cert)
        if not code:
            raise LedgerError("支部证书中没有支部代码：请向区里重新申请证书。")
        return code

    def _signer(self, passphrase: str) -> cms.KeyPair:
        from desktop.sync import identity

        ident = identity.load_identity(self.ctx.folder.keys, passphrase)
        if ident.self_signed:
            raise LedgerError("当前是自签名证书，区里无法验证同步包：请先导入区里签发的证书。")
        return cms.KeyPair(ident.private_key, ident.certificate, ident.ca_certificate)

    # -- export ------------------------------------------------------------------------------------
    def export_package(self, out_dir: Path, *, passphrase: str, since_seq: int | None = None,
                       progress: Progress | None = None, with_ledgers: bool = True) -> SentPackageDto:
        """Build, sign and write the package to `out_dir`, then record it. Cancelling through
        `progress` (returning False) leaves nothing behind. `with_ledgers=False` leaves out the
        signed ledger PDFs (records, audit entries and figures still go)."""
        out_dir = Path(out_dir)
        today = self.ctx.today()
        signer = self._signer(passphrase)
        code = self._branch_code()
        plan = self.plan_export(since_seq)
        ledger_years = plan.ledger_years if with_ledgers else ()
        steps = 5 + len(ledger_years) * len(LEDGER_KINDS)
        step = 0

        def tick(label: str) -> None:
            nonlocal step
            step += 1
            if progress is not None and progress(step, steps, label) is False:
                raise LedgerError("已取消导出：没有写入任何文件。")

        # The next package takes rows changed from this moment on (>=, whole seconds): a row
        # changed while this one is being made goes in the next one too, never in neither.
        snapshot_time = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        tick("读取变更的记录")
        payload: dict[str, bytes] = {}
        counts: dict[str, int] = {}
        locked: list[tuple[str, Any]] = []
        with self.ctx.reading() as session:
            for table in self._tables():
                rows = session.execute(select(table).where(*self._since_clause(table, plan.since_time))).mappings().all()
                if not rows:
                    continue
                keys = [c.name for c in table.primary_key.columns]
                document = {
                    "schema_version": SCHEMA_VERSION, "table": table.name, "key": keys[0] if len(keys) == 1 else "_key",
                    "columns": [c.name for c in table.columns],
                    "rows": [self._row_json(row, keys) for row in rows],
                }
                payload[f"data/records/{table.name}.json"] = json_bytes(document)
                counts[table.name] = len(rows)
                if table.name not in NOT_LOCKED and len(keys) == 1:
                    locked.extend((table.name, row[keys[0]]) for row in rows)
            sent = set(session.scalars(select(SentAttachmentRecord.sha256)))
        tick("审计记录与附件")
        audit_from = self._since_audit_seq(plan.since_seq)
        entries = self._audit_entries(audit_from)
        head_seq, head_hash = self._audit_head()
        payload["data/audit/entries.json"] = json_bytes({
            "schema_version": SCHEMA_VERSION, "from_seq": audit_from, "to_seq": head_seq, "head_hash": head_hash,
            "entries": entries,
        })
        new_attachments = {h: p for h, p in self._attachment_files().items() if h not in sent}
        for digest, path in new_attachments.items():
            payload[f"data/attachments/{digest}"] = path.read_bytes()
        payload["data/figures.json"] = json_bytes({"schema_version": SCHEMA_VERSION,
                                                   "years": [self.figures(y) for y in plan.ledger_years]})
        with tempfile.TemporaryDirectory(prefix="branch-ledger-sync-") as tmp:
            ledgers = self._signed_ledgers(Path(tmp), ledger_years, passphrase, tick)
            for name, path in ledgers.items():
                payload[f"data/ledgers/{name}"] = path.read_bytes()
        tick("签名并写出同步包")
        branch_name = cms.common_name(signer.certificate)
        info = package_info(
            kind=BRANCH_KIND, code_key="Branch-Code", code=code, sequence=plan.sequence,
            previous_hash=plan.previous_hash, today=today, period_start=plan.period_start, period_end=plan.period_end,
            extra={"Branch-Name": branch_name, "Audit-From": str(audit_from), "Audit-Head": f"{head_seq} {head_hash}",
                   "Since-Package": str(plan.since_seq), "Source-Organization": branch_name},
        )
        files, package_hash = build_bag(payload, info, lambda content: cms.sign_detached(content, signer))
        stem = package_stem(code, plan.sequence, today)
        tick("写出文件")
        path = write_package(out_dir, stem, files)
        data = path.read_bytes()
        try:
            self._lock_sent(path, plan.sequence, locked, cms.common_name(signer.certificate))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        contents = {"tables": counts, "attachments": len(new_attachments), "audit_entries": len(entries),
                    "ledgers": sorted(ledgers), "audit_head": [head_seq, head_hash]}
        try:
            with self.ctx.unit_of_work() as session:
                taken = session.scalar(select(func.max(SentPackageRecord.sequence))) or 0
                if taken >= plan.sequence:
                    raise LedgerError("导出期间另有同步包被导出，请重试。")
                record = SentPackageRecord(
                    sequence=plan.sequence, branch_code=code, file_name=path.name, package_hash=package_hash,
                    file_sha256=hashlib.sha256(data).hexdigest(), previous_hash=plan.previous_hash,
                    period_start=plan.period_start, period_end=plan.period_end, since_time=plan.since_time,
                    exported_time=snapshot_time, audit_seq=head_seq,
                    record_count=sum(counts.values()), size=len(data), destination=str(out_dir.resolve()),
                    contents=json.dumps(contents, ensure_ascii=False),
                )
                session.add(record)
                session.flush()
                for digest in new_attachments:
                    session.add(SentAttachmentRecord(sha256=digest, package_id=record.id))
                session.flush()
                dto = _sent_dto(record)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        tick("完成")
        return dto

    def _lock_sent(self, path: Path, sequence: int, records: list[tuple[str, Any]], signer: str) -> None:
        """The records that went out are locked like a signed ledger's (changes need a 更正 reason)."""
        try:
            from desktop.services.ledgers import LedgerService
        except ImportError:
            return
        LedgerService(self.ctx).record_output("sync", f"同步包（第 {sequence} 号）", path, records=records,
                                              signed=True, year=self.ctx.today().year, signer=signer)

    def _since_audit_seq(self, since_seq: int) -> int:
        if not since_seq:
            return 0
        with self.ctx.reading() as session:
            seq = session.scalar(select(SentPackageRecord.audit_seq).where(SentPackageRecord.sequence == since_seq))
            return seq or 0

    @staticmethod
    def _row_json(row: Any, keys: list[str]) -> dict[str, Any]:
        data = {k: _json_value(v) for k, v in row.items()}
        if len(keys) > 1:
            data["_key"] = "|".join(str(row[k]) for k in keys)
        return data

    def _signed_ledgers(self, tmp: Path, years: tuple[int, ...], passphrase: str,
                        tick: Callable[[str], None]) -> dict[str, Path]:
        """The period's signed ledgers (locking what they show); a kind with nothing to print is skipped."""
        try:
            from desktop.services.ledgers import LedgerService
        except ImportError:
            return {}
        service = LedgerService(self.ctx)
        produced: dict[str, Path] = {}
        for year in years:
            for kind in LEDGER_KINDS:
                tick(f"签名台账 {year} {kind}")
                out = tmp / f"{kind}-{year}.pdf"
                try:
                    result = service.export(kind, year, out, sign=True, passphrase=passphrase)
                except LedgerError as exc:
                    if "已取消" in exc.message:
                        raise
                    continue
                path = Path(getattr(result, "path", out))
                if path.exists():
                    produced[f"{kind}-{year}.pdf"] = path
        return produced

    # -- figures the district counts ---------------------------------------------------------------
    def figures(self, year: int) -> dict[str, Any]:
        """The year's figures for the district summary (data/figures.json). Members come from the
        roster; meetings and dues from those areas' `district_figures(year)` where provided."""
        from desktop.services.roster import RosterService

        day = min(self.ctx.today(), dt.date(year, 12, 31))
        members = RosterService(self.ctx).members_on(day)
        ids = {m.member_id for m in members}
        new_employment = 0
        if ids:
            from desktop.storage.models import MemberRecord

            with self.ctx.reading() as session:
                new_employment = session.scalar(select(func.count()).select_from(MemberRecord).where(
                    MemberRecord.id.in_(ids), MemberRecord.new_employment_group.is_not(None),
                    MemberRecord.new_employment_group != "")) or 0
        result: dict[str, Any] = {"year": year, "as_of": day.isoformat(), "members": len(members),
                                  "probationary": sum(1 for m in members if m.probationary),
                                  "new_employment": new_employment}
        meetings = self._area_service("meetings", "MeetingService")
        if meetings is not None and hasattr(meetings, "year_figures"):
            try:
                f = meetings.year_figures(year)
                rate = f.average_attendance_rate
                result["meetings"] = {
                    "held": {t.kind: t.held for t in f.types}, "required": {t.kind: t.required for t in f.types},
                    "attendance_rate": None if rate is None else round(float(rate), 4),
                    "late_entries": f.late_count,
                }
            except (LedgerError, AttributeError, TypeError):
                pass
        dues = self._area_service("dues", "DuesService")
        if dues is not None and hasattr(dues, "year_figures"):
            try:
                f = dues.year_figures(year)
                block = {}
                for key, names in (("due", ("due", "total_due")), ("paid", ("paid", "total_paid")),
                                   ("remitted", ("remitted", "total_remitted"))):
                    value = next((getattr(f, n) for n in names if getattr(f, n, None) is not None), None)
                    block[key] = None if value is None else str(value)
                result["dues"] = block
            except (LedgerError, AttributeError, TypeError):
                pass
        return result

    def _area_service(self, module: str, cls: str) -> Any | None:
        import importlib

        try:
            return getattr(importlib.import_module(f"desktop.services.{module}"), cls)(self.ctx)
        except (ImportError, AttributeError):
            return None

    # -- district packages -------------------------------------------------------------------------
    def _check_district_package(self, path: Path):  # type: ignore[no-untyped-def]
        from desktop.sync import identity
        from desktop.sync.district import check_package

        keys = self.ctx.folder.keys
        ca = identity.district_ca(keys)
        if ca is None:
            raise LedgerError("尚未导入区里的 CA 证书，无法验证区里下发的包：请先导入区里签发的证书。")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise PackageError(f"无法读取 {path}：{exc.strerror or exc}") from None
        checked = check_package(data, Path(path).name, trust_roots=[ca], today=self.ctx.today(),
                                expected_kind=NOTICE_KIND, signer_must_be_ca=True)
        code = self._branch_code()
        if checked.code != code:
            raise PackageError(f"{checked.name}：这是发给支部 {checked.code} 的包，本支部代码为 {code}（检查：收件支部）")
        return checked

    def _district_continuity(self, session: Any, checked: Any) -> bool:
        """True when already applied; raises when the sequence goes backwards or the link breaks."""
        if session.scalar(select(DistrictPackageRecord.id).where(DistrictPackageRecord.package_hash == checked.package_hash)):
            return True
        last = session.scalar(select(DistrictPackageRecord).order_by(DistrictPackageRecord.sequence.desc()).limit(1))
        if last is not None and checked.sequence <= last.sequence:
            raise PackageError(f"{checked.name}：序号 {checked.sequence} 不大于已导入的第 {last.sequence} 号包（检查：序号倒退）")
        if last is not None and checked.sequence == last.sequence + 1 and checked.previous_hash != last.package_hash:
            raise PackageError(f"{checked.name}：上一包哈希与已导入的第 {last.sequence} 号包不符（检查：上一包哈希链接）")
        return False

    def import_district_package(self, path: Path) -> DistrictPackagePreview:
        """Verify a district package and show what applying it would change (nothing is written)."""
        checked = self._check_district_package(path)
        with self.ctx.reading() as session:
            already = self._district_continuity(session, checked)
            known_ids = set(session.scalars(select(_member_table().c.id_number).where(_member_table().c.id_number.is_not(None))))
        notices = checked.json("data/notice/notices.json").get("notices", [])
        transfers = checked.json("data/notice/transfers_in.json").get("members", [])
        evaluation = checked.json("data/notice/evaluation.json")
        new = tuple(m.get("name", "?") for m in transfers if m.get("id_number") not in known_ids or not m.get("id_number"))
        skipped = tuple(m.get("name", "?") for m in transfers if m.get("id_number") and m.get("id_number") in known_ids)
        return DistrictPackagePreview(
            path=Path(path), file_name=checked.name, sequence=checked.sequence, package_hash=checked.package_hash,
            issued_on=checked.period_end, already_applied=already,
            notices=tuple((n.get("title", ""), len(n.get("attachments", []))) for n in notices),
            transfers_in=new, skipped_transfers=skipped,
            evaluation=(int(evaluation["year"]), str(evaluation["result"])) if evaluation.get("result") else None,
            signature_note=checked.signature_note,
        )

    def apply_district_package(self, path: Path) -> DistrictPackagePreview:
        """Apply a verified district package in one transaction. Applying it again changes nothing."""
        from desktop.domain.roster import MemberFields
        from desktop.services.roster import clean_fields, insert_member, validate
        from desktop.storage.models import TransferRecord

        preview = self.import_district_package(path)
        if preview.already_applied:
            return preview
        checked = self._check_district_package(path)
        today = self.ctx.today()
        notices = checked.json("data/notice/notices.json").get("notices", [])
        transfers = checked.json("data/notice/transfers_in.json").get("members", [])
        evaluation = checked.json("data/notice/evaluation.json")
        field_names = set(MemberFields.__dataclass_fields__)
        with self.ctx.unit_of_work() as session:
            if self._district_continuity(session, checked):
                return preview
            record = DistrictPackageRecord(package_hash=checked.package_hash, sequence=checked.sequence,
                                           file_name=checked.name, issued_on=checked.period_end,
                                           summary="\n".join(preview.changes))
            session.add(record)
            session.flush()
            for notice in notices:
                stored = []
                for item in notice.get("attachments", []):
                    digest = item.get("sha256", "")
                    data = checked.package.payload.get(f"data/attachments/{digest}")
                    if data is None or hashlib.sha256(data).hexdigest() != digest:
                        raise PackageError(f"{checked.name}：通知附件 {item.get('name')} 缺失或内容不符")
                    self._store_attachment(digest, data)
                    stored.append({"name": item.get("name"), "sha256": digest, "size": len(data)})
                session.add(DistrictNoticeRecord(
                    package_id=record.id, title=str(notice.get("title", ""))[:200], body=str(notice.get("body", "")),
                    issued_on=_date_or_none(notice.get("issued_on")), attachments=json.dumps(stored, ensure_ascii=False)))
            for member in transfers:
                if member.get("name") in preview.skipped_transfers and member.get("id_number"):
                    continue
                values = {k: v for k, v in member.items() if k in field_names and k != "party_group_id"}
                for key in ("birth_date", "applied_on", "joined_on", "confirmed_on", "mobile_since", "lost_contact_since"):
                    if key in values:
                        values[key] = _date_or_none(values[key])
                try:
                    fields = clean_fields(MemberFields(**values))
                    validate(fields, today)
                except (TypeError, LedgerError) as exc:
                    raise PackageError(f"{checked.name}：转入党员 {member.get('name', '?')} 的资料不合规：{exc}") from None
                transfer = member.get("transfer") or {}
                on = _date_or_none(transfer.get("transfer_date")) or today
                organization = str(transfer.get("organization") or "（上级党组织下发）").strip()
                added = insert_member(session, fields, effective_on=on, note=f"由{organization}转入（区里下发）")
                added.transfers.append(TransferRecord(
                    direction="转入", transfer_date=on, organization=organization,
                    letter_number=transfer.get("letter_number"), dues_paid_to=transfer.get("dues_paid_to"),
                    note=f"由区里下发的同步包 {checked.name} 导入"))
            if evaluation.get("result"):
                year = int(evaluation["year"])
                existing = session.scalar(select(DistrictEvaluationRecord).where(DistrictEvaluationRecord.year == year))
                if existing is None:
                    session.add(DistrictEvaluationRecord(package_id=record.id, year=year, result=str(evaluation["result"]),
                                                         note=evaluation.get("note")))
                else:
                    existing.package_id = record.id
                    existing.result = str(evaluation["result"])
                    existing.note = evaluation.get("note")
        return preview

    def _store_attachment(self, digest: str, data: bytes) -> None:
        target = self.ctx.folder.attachments / digest[:2] / digest
        if not target.exists():
            cms.write_atomically(target, data)

    def notices(self) -> list[NoticeDto]:
        with self.ctx.reading() as session:
            rows = session.scalars(select(DistrictNoticeRecord).order_by(DistrictNoticeRecord.id.desc())).all()
            return [NoticeDto(r.id, r.title, r.body, r.issued_on, tuple(json.loads(r.attachments or "[]")), r.created_at)
                    for r in rows]

    def evaluations(self) -> dict[int, str]:
        with self.ctx.reading() as session:
            return {r.year: r.result for r in session.scalars(select(DistrictEvaluationRecord))}

    def home_items(self) -> list[Any]:
        from desktop.services.bundle import HomeItem

        with self.ctx.reading() as session:
            last = session.execute(select(SentPackageRecord.sequence, SentPackageRecord.period_end)
                                   .order_by(SentPackageRecord.sequence.desc()).limit(1)).first()
        if last is None:
            return []
        days = (self.ctx.today() - last.period_end).days
        if days > 45:
            return [HomeItem("info", "ledgers", f"距上次导出同步包（第 {last.sequence} 号）已 {days} 天，请及时报送区里")]
        return []


def _member_table() -> Table:
    return Base.metadata.tables["member"]


def _date_or_none(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
