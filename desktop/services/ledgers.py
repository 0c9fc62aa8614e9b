"""Ledgers that go out (台账导出): render through the area's service, sign, record, lock.

`export` renders a kind of ledger for a year with the audit-chain head in its footer, appends the
amendments (更正) of the records it shows, signs it (PAdES, visible stamp) when asked, records it,
and — when signed — locks every record it shows, so a later change needs an amendment."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from desktop.domain.errors import LedgerError, ValidationError
from desktop.services.audit import AuditService, head_note
from desktop.services.bundle import HomeItem
from desktop.services.context import LedgerContext
from desktop.services.rendered import RenderedLedger
from desktop.storage.audit import table_label
from desktop.storage.models.audit import AmendmentRecord, ProducedLedgerRecord, RecordLockRecord

# kind -> (attribute of Services that renders it, label)
KINDS: dict[str, tuple[str, str]] = {
    "roster": ("roster_io", "党员花名册"),
    "meetings": ("meetings", "组织生活台账"),
    "dues": ("dues", "党费收缴台账"),
    "report": ("annual", "书记述职报告"),
}


@dataclass(frozen=True)
class ProducedLedgerDto:
    id: int
    kind: str
    year: int | None
    title: str
    path: Path
    sha256: str
    signed: bool
    signer: str | None
    cert_fingerprint: str | None
    self_signed: bool
    audit_seq: int
    audit_hash: str
    record_count: int
    produced_at: dt.datetime

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, (None, self.kind))[1]

    @property
    def signature_state(self) -> str:
        if not self.signed:
            return "未签名"
        return "已签名（自签名，未经区级认证）" if self.self_signed else "已签名（区级证书）"


@dataclass(frozen=True)
class AmendmentDto:
    """An amendment (更正) of a locked record: the original values are kept here."""

    id: int
    table_name: str
    row_id: str
    action: str
    old_values: dict[str, Any]
    new_values: dict[str, Any] | None
    reason: str
    actor: str | None
    amended_at: dt.datetime
    locked_by_ledger_id: int | None
    carried_in_ledger_id: int | None

    def describe(self) -> str:
        """One line for a printed ledger: what changed, from what to what, why, when."""
        when = self.amended_at.astimezone().strftime("%Y-%m-%d")
        if self.new_values is None:
            change = "记录被删除（原记录保留在更正记录中）"
        else:
            change = "；".join(f"{column_label(k)}：{_show(v)} → {_show(self.new_values.get(k))}" for k, v in self.old_values.items())
        return f"更正（{when}）{change}。原因：{self.reason}"


COLUMN_LABELS = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "公民身份号码",
    "education": "学历", "degree": "学位", "category": "人员类别", "work_unit_post": "工作单位及职务",
    "phone": "手机号码", "residence": "现居住地", "household_registration": "户籍所在地", "joined_on": "入党日期",
    "confirmed_on": "转正日期", "stage": "党员类型", "party_group_id": "所在党小组", "party_post": "党内职务",
    "status": "党籍状态", "notes": "备注", "held_on": "日期", "date": "日期", "topic": "议题", "title": "标题",
    "place": "地点", "amount": "金额", "paid_on": "缴纳日期", "reason": "原因", "note": "备注",
    # dues
    "base": "计算基数", "rate": "执行比例", "due": "月应缴", "fixed_amount": "核定金额", "from_month": "起始月份",
    "approval_ref": "批准文号", "is_change": "年中调整", "method": "缴纳方式", "collector": "收缴人",
    "receipt_number": "收据编号", "months": "所交月份", "regular": "应缴部分", "voluntary": "自愿多交",
    "large": "大额党费", "explanation": "说明", "override_reason": "超期原因", "remitted_on": "上缴日期",
    "period_from": "起始期间", "period_to": "截止期间", "recipient": "接收单位", "determined_by": "核定人",
    "determined_on": "核定日期", "applied": "冲抵金额",
    # meetings
    "chair": "主持人", "recorder": "记录人", "starts_at": "开始时间", "ends_at": "结束时间", "online": "线上",
    "agenda": "议程", "kinds": "会议类型", "number": "编号", "late_reason": "补记原因",
    "leave_type": "请假类型", "present": "出席", "text": "内容", "speaker": "发言人", "yes": "赞成",
    "no": "反对", "abstain": "弃权", "written_opinions": "书面意见", "activity": "活动", "closing": "结束语",
    "guests": "列席人员", "expected": "应到", "points": "发言要点",
}


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)


def _show(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)


@dataclass(frozen=True)
class VerificationDto:
    path: Path
    signed: bool
    signer: str | None
    fingerprint: str | None
    signing_time: dt.datetime | None
    intact: bool
    trusted: bool
    whole_file: bool
    self_signed: bool
    ok: bool
    summary: str
    known_ledger: ProducedLedgerDto | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _produced_dto(r: ProducedLedgerRecord) -> ProducedLedgerDto:
    return ProducedLedgerDto(r.id, r.kind, r.year, r.title, Path(r.path), r.sha256, r.signed, r.signer,
                             r.cert_fingerprint, r.self_signed, r.audit_seq, r.audit_hash, r.record_count,
                             r.produced_at)


def _amendment_dto(r: AmendmentRecord) -> AmendmentDto:
    return AmendmentDto(r.id, r.table_name, r.row_id, r.action, json.loads(r.old_values),
                        json.loads(r.new_values) if r.new_values is not None else None, r.reason, r.actor,
                        r.amended_at, r.locked_by_ledger_id, r.carried_in_ledger_id)


def verify_file(path: Path, ca: Path | None, *, roots: list[Any] | None = None) -> VerificationDto:
    """Verify a PDF's signature against the CA certificate file `ca` (or the certificates `roots`);
    needs no data folder (the district checks ledgers with this)."""
    from desktop.sync import identity as ident
    from desktop.sync.pdfsign import verify_pdf

    trust = list(roots or [])
    if ca is not None:
        try:
            trust.append(ident.parse_certificate(Path(ca).read_bytes(), "CA 证书"))
        except OSError as exc:
            raise LedgerError(f"无法读取 CA 证书文件 {ca}：{exc.strerror or exc}") from exc
    result = verify_pdf(Path(path), trust)
    summary = result.summary
    if result.signed and not trust:
        summary += "（未提供区级 CA 证书，无法判断是否可信。）"
    return VerificationDto(result.path, result.signed, result.signer, result.fingerprint, result.signing_time,
                           result.intact and result.valid, result.trusted, result.whole_file, result.self_signed,
                           result.ok, summary)


class LedgerService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    # -- exporting ---------------------------------------------------------------------------------
    def _renderer(self, kind: str) -> Any:
        from desktop.services.bundle import Services

        if kind not in KINDS:
            names = "、".join(f"{k}（{v[1]}）" for k, v in KINDS.items())
            raise ValidationError(f"未知的台账种类“{kind}”。可选：{names}", field="kind")
        attribute, label = KINDS[kind]
        try:
            service = getattr(Services(self.ctx), attribute)
        except ImportError as exc:
            raise LedgerError(f"{label}的打印功能尚未提供。") from exc
        if not hasattr(service, "render_ledger"):
            raise LedgerError(f"{label}的打印功能尚未提供。")
        return service

    def _secretary(self) -> str | None:
        from desktop.services.branch import BranchService

        term = BranchService(self.ctx).current_term()
        return term.holder("书记") if term else None

    def export(self, kind: str, year: int | None, out: Path, *, sign: bool = False,
               passphrase: str | None = None) -> ProducedLedgerDto:
        """Render the `kind` ledger of `year`, (sign,) write `out` atomically, record it; when
        signed, lock what it shows."""
        service = self._renderer(kind)
        return self.export_rendered(lambda path, note: service.render_ledger(year, path, footer_note=note), out,
                                    sign=sign, passphrase=passphrase)

    def export_rendered(self, render: Callable[[Path, str], RenderedLedger], out: Path, *, sign: bool = False,
                        passphrase: str | None = None) -> ProducedLedgerDto:
        """The same for any printed record: `render(path, footer_note)` writes the PDF to `path`
        (e.g. `lambda p, note: services.dues.render_receipt(payment_id, p)`) and returns its
        RenderedLedger; it is then signed, recorded and its records locked like a ledger."""
        from desktop.services.branch import BranchService

        out = Path(out)
        if out.suffix.lower() != ".pdf":
            raise ValidationError(f"台账文件应以 .pdf 结尾：{out.name}", field="out")
        identity = None
        if sign:
            if not passphrase:
                raise ValidationError("签名需要私钥口令。", field="passphrase")
            from desktop.sync.identity import load_identity

            identity = load_identity(self.ctx.folder.keys, passphrase)  # a wrong passphrase fails before any work
        seq, digest = AuditService(self.ctx).head()
        out.parent.mkdir(parents=True, exist_ok=True)
        rendering = out.with_name(f".{out.stem}.rendering.pdf")
        signing = out.with_name(f".{out.stem}.signed.pdf")
        leftovers = [rendering, signing]
        try:
            rendered = render(rendering, head_note(seq, digest))
            source = Path(rendered.path)
            leftovers.append(source)
            amendments = self._amendments_to_print(rendered)
            if amendments:
                self._append_amendments(source, rendered, amendments)
            if identity is not None:
                from desktop.sync.pdfsign import sign_pdf

                sign_pdf(source, signing, identity, branch=BranchService(self.ctx).branch_name(),
                         secretary=self._secretary())
                os.replace(signing, out)
            else:
                os.replace(source, out)
            checksum = _sha256(out)
        finally:
            for leftover in leftovers:
                if leftover.resolve() != out.resolve():
                    leftover.unlink(missing_ok=True)
        try:
            return self._record(rendered, out, checksum, identity, seq, digest, amendments)
        except BaseException:
            out.unlink(missing_ok=True)  # an export that is not recorded is not left behind
            raise

    def _record(self, rendered: RenderedLedger, out: Path, checksum: str, identity: Any, seq: int, digest: str,
                amendments: list[AmendmentDto]) -> ProducedLedgerDto:
        from desktop.sync.identity import fingerprint, subject_name

        with self.ctx.unit_of_work() as session:
            record = ProducedLedgerRecord(
                kind=rendered.kind, year=rendered.year, title=rendered.title, path=str(out.resolve()),
                sha256=checksum, signed=identity is not None,
                signer=subject_name(identity.certificate) if identity is not None else None,
                cert_fingerprint=fingerprint(identity.certificate) if identity is not None else None,
                self_signed=bool(identity is not None and identity.self_signed),
                audit_seq=seq, audit_hash=digest, record_count=len(rendered.records),
            )
            session.add(record)
            session.flush()
            if identity is not None:
                self._add_locks(session, rendered.records, record.id)
                carried = [a.id for a in amendments if a.carried_in_ledger_id is None]
                for amendment in session.scalars(select(AmendmentRecord).where(AmendmentRecord.id.in_(carried))):
                    amendment.carried_in_ledger_id = record.id
            return _produced_dto(record)

    @staticmethod
    def _add_locks(session: Any, records: Iterable[tuple[str, Any]], ledger_id: int) -> None:
        seen = set()
        for table, row_id in records:
            key = (str(table), str(row_id))
            if key not in seen:
                seen.add(key)
                session.add(RecordLockRecord(table_name=key[0], row_id=key[1], ledger_id=ledger_id))

    def lock(self, records: Iterable[tuple[str, Any]], ledger_id: int) -> int:
        """Lock `records` ((table, id) pairs) as having gone out in produced ledger `ledger_id`."""
        records = list(records)
        with self.ctx.unit_of_work() as session:
            if session.get(ProducedLedgerRecord, ledger_id) is None:
                raise LedgerError(f"没有编号为 {ledger_id} 的导出记录。")
            self._add_locks(session, records, ledger_id)
        return len(records)

    def record_output(self, kind: str, title: str, path: Path, *, records: Iterable[tuple[str, Any]] = (),
                      signed: bool = True, year: int | None = None, signer: str | None = None) -> ProducedLedgerDto:
        """Record a file that went out by another way (e.g. a sync package) and lock what it holds."""
        records = list(records)
        path = Path(path)
        seq, digest = AuditService(self.ctx).head()
        with self.ctx.unit_of_work() as session:
            record = ProducedLedgerRecord(kind=kind, year=year, title=title, path=str(path.resolve()),
                                          sha256=_sha256(path), signed=signed, signer=signer, audit_seq=seq,
                                          audit_hash=digest, record_count=len(records))
            session.add(record)
            session.flush()
            if signed:
                self._add_locks(session, records, record.id)
            return _produced_dto(record)

    # -- amendments --------------------------------------------------------------------------------
    def amendments_for(self, table: str, row_id: Any) -> list[AmendmentDto]:
        """The amendments (更正) of one record, oldest first: print them next to the record."""
        with self.ctx.reading() as session:
            rows = session.scalars(select(AmendmentRecord).where(
                AmendmentRecord.table_name == table, AmendmentRecord.row_id == str(row_id)
            ).order_by(AmendmentRecord.id)).all()
            return [_amendment_dto(r) for r in rows]

    def amendments_for_records(self, records: Iterable[tuple[str, Any]]) -> list[AmendmentDto]:
        wanted: dict[str, set[str]] = {}
        for table, row_id in records:
            wanted.setdefault(str(table), set()).add(str(row_id))
        if not wanted:
            return []
        with self.ctx.reading() as session:
            rows = session.scalars(select(AmendmentRecord).where(
                or_(*(AmendmentRecord.table_name == t for t in wanted))
            ).order_by(AmendmentRecord.id)).all()
            return [_amendment_dto(r) for r in rows if r.row_id in wanted.get(r.table_name, ())]

    def _amendments_to_print(self, rendered: RenderedLedger) -> list[AmendmentDto]:
        """The amendments of the rows this ledger shows, and the deletions of rows that went out in an
        earlier ledger of the same kind and year: a deleted record no longer shows, but its deletion
        (with the reason and the original values) must."""
        shown = self.amendments_for_records(rendered.records)
        with self.ctx.reading() as session:
            deletions = session.scalars(
                select(AmendmentRecord).join(ProducedLedgerRecord,
                                             ProducedLedgerRecord.id == AmendmentRecord.locked_by_ledger_id)
                .where(AmendmentRecord.action == "delete", ProducedLedgerRecord.kind == rendered.kind,
                       ProducedLedgerRecord.year.is_(None) if rendered.year is None
                       else ProducedLedgerRecord.year == rendered.year)
                .order_by(AmendmentRecord.id)
            ).all()
            known = {a.id for a in shown}
            extra = [_amendment_dto(r) for r in deletions if r.id not in known]
        return sorted(shown + extra, key=lambda a: a.id)

    def amendments(self) -> list[AmendmentDto]:
        with self.ctx.reading() as session:
            return [_amendment_dto(r) for r in session.scalars(select(AmendmentRecord).order_by(AmendmentRecord.id))]

    def is_locked(self, table: str, row_id: Any) -> bool:
        with self.ctx.reading() as session:
            return session.scalar(select(RecordLockRecord.id).where(
                RecordLockRecord.table_name == table, RecordLockRecord.row_id == str(row_id)).limit(1)) is not None

    def _append_amendments(self, pdf: Path, rendered: RenderedLedger, amendments: list[AmendmentDto]) -> None:
        """Add 更正记录 pages at the end of the ledger: the next export carries every amendment of
        the records it shows (the original values, the new ones, the reason, when and by whom)."""
        from desktop.ledgers.layout import PageInfo, build_pdf, grid_table, para, styles
        from desktop.services.branch import BranchService
        from desktop.sync.pdfsign import append_pages

        st = styles()
        rows: list[list[Any]] = [["序号", "记录", "更正内容（原值 → 新值）与原因", "更正人"]]
        for index, a in enumerate(amendments, start=1):
            rows.append([str(index), para(f"{table_label(a.table_name)} #{a.row_id}", st["cell"]),
                         para(a.describe(), st["cell"]), para(a.actor or "", st["cell"])])
        info = PageInfo(title=f"{rendered.title}（更正记录）", branch_name=BranchService(self.ctx).branch_name(),
                        printed_on=self.ctx.today())
        story = [para(f"{rendered.title}：更正记录", st["title"]),
                 para("以下记录在此前导出的已签名台账中已锁定，之后经更正；原记录的值保留于此。", st["small"]),
                 grid_table(rows, [30, 110, 290, 60])]
        appendix = pdf.with_name(pdf.stem + ".amendments.pdf")
        try:
            build_pdf(appendix, info, story)
            append_pages(pdf, appendix)
        finally:
            appendix.unlink(missing_ok=True)

    # -- listing and verifying ---------------------------------------------------------------------
    def produced(self) -> list[ProducedLedgerDto]:
        with self.ctx.reading() as session:
            rows = session.scalars(select(ProducedLedgerRecord).order_by(ProducedLedgerRecord.id.desc())).all()
            return [_produced_dto(r) for r in rows]

    def verify_pdf(self, path: Path, ca: Path | None = None) -> VerificationDto:
        """Is the PDF signed, by whom, intact, trusted (by `ca`, or the district CA imported here),
        covering the whole file? Also names the produced ledger it is, when it is one of ours."""
        from desktop.sync import identity as ident

        roots = None if ca is not None else [c for c in [ident.district_ca(self.ctx.folder.keys)] if c is not None]
        result = verify_file(path, ca, roots=roots)
        if not Path(path).exists():
            return result
        checksum = _sha256(Path(path))
        known = next((p for p in self.produced() if p.sha256 == checksum), None)
        if known is None:
            return result
        summary = result.summary + f"\n这是本支部 {known.produced_at.astimezone():%Y-%m-%d %H:%M} 导出的《{known.title}》。"
        return replace(result, summary=summary, known_ledger=known)

    def home_items(self) -> list[HomeItem]:
        from desktop.sync import identity as ident

        keys = self.ctx.folder.keys
        if not ident.has_identity(keys):
            return [HomeItem("info", "settings", "尚未创建签名证书：导出的台账无法签名。可在“设置→签名证书”中创建。")]
        try:
            cert = ident.current_certificate(keys)
        except LedgerError as exc:
            return [HomeItem("danger", "settings", exc.message)]
        items = []
        if cert is not None and ident.is_self_signed(cert):
            items.append(HomeItem("info", "settings", "签名证书为自签名，未经区级认证：请导出证书请求交区里签发。"))
        if cert is not None:
            days = (cert.not_valid_after_utc.date() - self.ctx.today()).days
            if days < 0:
                items.append(HomeItem("danger", "settings", "签名证书已过期：请向区里申请新证书。"))
            elif days <= 60:
                items.append(HomeItem("warning", "settings", f"签名证书将在 {days} 天后过期：请及时向区里申请新证书。"))
        return items
