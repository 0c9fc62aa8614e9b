"""The district side (区县), as use cases: initialise the CA, issue and revoke certificates, verify
and import branch packages (quarantining the rejected), the summary, notices back to branches,
and a demo district. Constructed with the district folder, not a branch data folder."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.domain.errors import LedgerError
from desktop.storage.files import write_atomically
from desktop.sync import cms
from desktop.sync.district import (
    CheckedPackage,
    DistrictFolder,
    VerifiedPackage,
    check_package,
    create_ca,
    issue_certificate,
    load_ca,
    verify_for_import,
)
from desktop.sync.district_store import DistrictStore, ImportResult
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

MEETING_TYPES = ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日")


@dataclass(frozen=True)
class VerifyResult:
    name: str
    ok: bool
    message: str  # the reason (naming the check) when not ok; gaps/"already imported" notes when ok
    code: str | None = None
    sequence: int | None = None
    package_hash: str | None = None


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    issued_on: dt.date | None = None
    attachments: tuple[Path, ...] = ()


@dataclass(frozen=True)
class SummaryRow:
    code: str
    name: str
    members: int | None
    new_employment: int | None
    meetings: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # type -> (held, required)
    attendance_rate: float | None = None
    late_entries: int | None = None
    dues_due: Decimal | None = None
    dues_paid: Decimal | None = None
    dues_remitted: Decimal | None = None
    last_sequence: int | None = None
    last_received: dt.datetime | None = None


class DistrictService:
    def __init__(self, root: Path, *, db_url: str | None = None, today: Callable[[], dt.date] | None = None) -> None:
        self.folder = DistrictFolder(Path(root).expanduser().resolve())
        self._db_url = db_url
        self._today = today or dt.date.today
        self._store: DistrictStore | None = None

    def today(self) -> dt.date:
        return self._today()

    @property
    def store(self) -> DistrictStore:
        if self._store is None:
            from desktop.storage.district.schema import open_district_db

            self.folder.require_initialized()  # never leave a database in a folder that is not a district's
            self.folder.root.mkdir(parents=True, exist_ok=True)
            engine = open_district_db(self._db_url or self.folder.default_db_url())
            self._store = DistrictStore(engine, self.folder.attachments)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.engine.dispose()
            self._store = None

    # -- CA and certificates -----------------------------------------------------------------------
    def init(self, passphrase: str, *, name: str = "区县党委组织部") -> Path:
        create_ca(self.folder, passphrase, name=name, today=self.today())
        _ = self.store  # creates the database
        for sub in (self.folder.issued, self.folder.quarantine, self.folder.attachments, self.folder.outbox):
            sub.mkdir(parents=True, exist_ok=True)
        return self.folder.ca_cert

    def ca_certificate_pem(self) -> bytes:
        self.folder.require_initialized()
        return self.folder.ca_cert.read_bytes()

    def issue_certificate(self, csr_pem: bytes, *, code: str, passphrase: str, out: Path | None = None,
                          name: str | None = None) -> Path:
        ca = load_ca(self.folder, passphrase)
        cert = issue_certificate(ca, csr_pem, code=code, today=self.today(), name=name)
        pem = cms.cert_pem(cert)
        self.store.record_certificate(cert, pem, self.today())
        cms.write_atomically(self.folder.issued / f"{code}-{cms.serial_hex(cert)}.pem", pem)
        target = Path(out) if out else self.folder.issued / f"{code}.pem"
        cms.write_atomically(target, pem)
        return target

    def revoke(self, cert_or_serial: str, *, reason: str = "") -> str:
        """Revoke by certificate file or hex serial; packages signed with it are then refused."""
        serial = cert_or_serial
        path = Path(cert_or_serial)
        if path.exists():
            serial = cms.serial_hex(cms.load_certificate(path))
        return self.store.revoke(serial, self.today(), reason or "吊销")

    # -- verify and import -------------------------------------------------------------------------
    def _check(self, data: bytes, name: str, revoked: set[str],
               revoked_on: dict[str, dt.date] | None = None) -> CheckedPackage:
        self.folder.require_initialized()
        ca = cms.load_certificate(self.folder.ca_cert)
        return check_package(data, name, trust_roots=[ca], today=self.today(), revoked_serials=revoked,
                             expected_kind=BRANCH_KIND, revoked_on=revoked_on)

    def verify(self, paths: Sequence[Path]) -> list[VerifyResult]:
        """Check each package (fixity, form, signature, chain, sequence and previous-hash link)
        against the database and the packages before it in `paths`. Writes nothing."""
        revoked = self.store.revoked_serials()
        revoked_on = self.store.revocations()
        pending: dict[tuple[str, int], str] = {}
        loaded = []
        results: dict[int, VerifyResult] = {}
        for index, path in enumerate(paths):
            try:
                loaded.append((index, self._check(_read(path), Path(path).name, revoked, revoked_on)))
            except LedgerError as exc:
                results[index] = VerifyResult(Path(path).name, False, exc.message)
        loaded.sort(key=lambda item: (item[1].code, item[1].sequence))
        with self.store.engine.connect() as conn:
            for index, checked in loaded:
                try:
                    continuity = self.store.check_continuity(conn, checked, pending)
                except LedgerError as exc:
                    results[index] = VerifyResult(checked.name, False, exc.message, checked.code, checked.sequence)
                    continue
                pending[(checked.code, checked.sequence)] = checked.package_hash
                note = "通过全部检查"
                if checked.signature_note:
                    note += f"（{checked.signature_note}）"
                if continuity.already_imported:
                    note += "（已导入过）"
                if continuity.gaps:
                    note += f"；缺少第 {_ranges(continuity.gaps)} 号包"
                results[index] = VerifyResult(checked.name, True, note, checked.code, checked.sequence,
                                              checked.package_hash)
        return [results[i] for i in range(len(paths))]

    def import_packages(self, paths: Sequence[Path], *, workers: int | None = None) -> list[ImportResult]:
        """Import each verified package, in sequence order per branch, each under its own
        savepoint (committed in batches, see DistrictStore.import_many). A rejected one is copied
        to quarantine/ with a reason file; the database is unchanged by it.

        With `workers` > 1 the checking (hashing, signatures) runs in that many processes; the
        database writes stay in this process, one at a time. The default is 1: on the 2-core
        machines measured, workers did not shorten the run, and a frozen (PyInstaller) Windows
        build would need `multiprocessing.freeze_support()` in its entry point first."""
        self.folder.require_initialized()
        revoked = frozenset(self.store.revoked_serials())
        revoked_on = self.store.revocations()
        ca_pem = self.folder.ca_cert.read_bytes()
        today = self.today()
        names = [str(p) for p in paths]
        workers = max(1, workers or 1)
        outcomes = _verify_all(names, ca_pem, revoked, today, workers, revoked_on)
        results: dict[int, ImportResult] = {}
        verified: list[tuple[int, VerifiedPackage]] = []
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, str):
                results[index] = self._quarantine(Path(paths[index]), outcome)
            else:
                verified.append((index, outcome))
        verified.sort(key=lambda item: (item[1].code, item[1].sequence))
        outcomes_in_db = self.store.import_many([package for _, package in verified])
        for (index, package), outcome in zip(verified, outcomes_in_db):
            if isinstance(outcome, LedgerError):
                results[index] = self._quarantine(Path(paths[index]), outcome.message, package)
            else:
                results[index] = outcome
        return [results[i] for i in range(len(paths))]

    def import_checked(self, checked: CheckedPackage) -> ImportResult:
        return self.store.import_package(checked)

    def _quarantine(self, path: Path, reason: str, checked: CheckedPackage | VerifiedPackage | None = None) -> ImportResult:
        target_dir = self.folder.quarantine
        target_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = target_dir / path.name
        if target.exists():
            target = target_dir / f"{path.stem}-{stamp}{path.suffix}"
        try:
            shutil.copyfile(path, target)
        except OSError:
            target.write_bytes(b"")  # unreadable source: the reason file still says why
        reason_file = target.with_name(target.name + ".reason.txt")
        reason_file.write_text(
            f"文件：{path.name}\n原路径：{path}\n拒收时间：{dt.datetime.now().isoformat(timespec='seconds')}\n原因：{reason}\n",
            encoding="utf-8")
        return ImportResult(path.name, checked.code if checked else "", checked.sequence if checked else 0,
                            checked.package_hash if checked else "", "rejected", reason)

    # -- summary -----------------------------------------------------------------------------------
    def summary_rows(self, year: int) -> list[SummaryRow]:
        last = self.store.last_packages()
        rows = []
        for code, name in self.store.branches():
            figures = self.store.figures_of(code, year) or {}
            members, new_employment = figures.get("members"), figures.get("new_employment")
            if members is None:
                members, new_employment = self._members_from_rows(code)
            meetings_doc = figures.get("meetings") or {}
            held = meetings_doc.get("held") or {}
            required = meetings_doc.get("required") or {}
            dues = figures.get("dues") or {}
            seq, received, _end = last.get(code, (None, None, None))
            rows.append(SummaryRow(
                code=code, name=name, members=members, new_employment=new_employment,
                meetings={t: (held.get(t), required.get(t)) for t in MEETING_TYPES},
                attendance_rate=meetings_doc.get("attendance_rate"), late_entries=meetings_doc.get("late_entries"),
                dues_due=_money(dues.get("due")), dues_paid=_money(dues.get("paid")),
                dues_remitted=_money(dues.get("remitted")), last_sequence=seq, last_received=received,
            ))
        return rows

    def _members_from_rows(self, code: str) -> tuple[int | None, int | None]:
        rows = self.store.rows_of(code, "member")
        if not rows:
            return None, None
        current = [r for r in rows if r.get("status") == "正常" and r.get("stage") in ("正式党员", "预备党员")]
        return len(current), sum(1 for r in current if r.get("new_employment_group"))

    def summary(self, year: int, out: Path) -> Path:
        out = Path(out)
        rows = self.summary_rows(year)
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            return _summary_xlsx(out, year, rows, self.today())
        if suffix == ".pdf":
            return _summary_pdf(out, year, rows, self.today())
        raise LedgerError(f"汇总表只能保存为 .xlsx 或 .pdf：{out.name}")

    # -- packages to branches ----------------------------------------------------------------------
    def build_notice(self, to_code: str, out: Path, *, passphrase: str, notices: Iterable[Notice] = (),
                     transfers_in: Iterable[dict[str, Any]] = (), evaluation: tuple[int, str, str | None] | None = None) -> Path:
        """A district package for one branch, signed with the district CA key."""
        ca = load_ca(self.folder, passphrase)
        registered = dict(self.store.branches())
        if to_code not in registered:
            raise LedgerError(f"支部代码 {to_code} 未在本区县登记（尚未为它签发证书）")
        today = self.today()
        payload: dict[str, bytes] = {}
        notice_docs = []
        for notice in notices:
            items = []
            for path in notice.attachments:
                data = _read(path)
                import hashlib

                digest = hashlib.sha256(data).hexdigest()
                payload[f"data/attachments/{digest}"] = data
                items.append({"name": Path(path).name, "sha256": digest, "size": len(data)})
            notice_docs.append({"title": notice.title, "body": notice.body,
                                "issued_on": (notice.issued_on or today).isoformat(), "attachments": items})
        if notice_docs:
            payload["data/notice/notices.json"] = json_bytes({"schema_version": SCHEMA_VERSION, "notices": notice_docs})
        members = list(transfers_in)
        if members:
            payload["data/notice/transfers_in.json"] = json_bytes({"schema_version": SCHEMA_VERSION, "members": members})
        if evaluation is not None:
            year, result, note = evaluation
            payload["data/notice/evaluation.json"] = json_bytes(
                {"schema_version": SCHEMA_VERSION, "year": year, "result": result, "note": note})
        if not payload:
            raise LedgerError("下发包没有内容：请至少给出一条通知、一名转入党员或考核结果")
        sequence, previous = self.store.next_notice_sequence(to_code)
        info = package_info(kind=NOTICE_KIND, code_key="Recipient-Code", code=to_code, sequence=sequence,
                            previous_hash=previous, today=today, period_end=today,
                            extra={"Source-Organization": cms.common_name(ca.certificate)})
        files, package_hash = build_bag(payload, info, lambda content: cms.sign_detached(content, ca))
        stem = package_stem(to_code, sequence, today)
        out = Path(out)
        target = out / f"{stem}.zip" if out.is_dir() or not out.suffix else out
        path = write_package(target.parent, stem, files, target=target)
        self.store.record_notice(to_code, sequence, package_hash, path.name)
        return path


def _verify_all(names: list[str], ca_pem: bytes, revoked: frozenset[str], today: dt.date,
                workers: int, revoked_on: dict[str, dt.date] | None = None) -> list[VerifiedPackage | str]:
    if workers <= 1 or len(names) < 2:
        return [verify_for_import(n, ca_pem, revoked, today, revoked_on) for n in names]
    from concurrent.futures import ProcessPoolExecutor
    from itertools import repeat

    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(verify_for_import, names, repeat(ca_pem), repeat(revoked), repeat(today),
                                 repeat(revoked_on), chunksize=max(1, len(names) // (workers * 8))))
    except (OSError, RuntimeError):  # no processes allowed here (sandbox, frozen app quirks): do it in line
        return [verify_for_import(n, ca_pem, revoked, today, revoked_on) for n in names]


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise PackageError(f"无法读取 {path}：{exc.strerror or exc}") from None


def _money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _ranges(numbers: tuple[int, ...]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _summary_table(rows: list[SummaryRow]) -> tuple[list[str], list[list[str]]]:
    header = ["支部代码", "支部名称", "党员", "新就业群体", *[f"{t}（开/应）" for t in MEETING_TYPES],
              "出勤率", "补记", "党费应缴", "党费实缴", "党费上缴", "最近同步包"]
    body = []
    for r in rows:
        meetings = [f"{_cell(h)}/{_cell(q)}" for h, q in (r.meetings.get(t, (None, None)) for t in MEETING_TYPES)]
        last = f"第{r.last_sequence}号 {_cell(r.last_received)}" if r.last_sequence else "未收到"
        body.append([r.code, r.name, _cell(r.members), _cell(r.new_employment), *meetings, _cell(r.attendance_rate),
                     _cell(r.late_entries), _cell(r.dues_due), _cell(r.dues_paid), _cell(r.dues_remitted), last])
    return header, body


def _summary_xlsx(out: Path, year: int, rows: list[SummaryRow], today: dt.date) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, body = _summary_table(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年汇总"
    sheet.append([f"{year} 年度各党支部工作汇总（制表日期 {today.isoformat()}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in body:
        sheet.append(row)
    for index, width in enumerate([12, 24, 6, 10, *[14] * len(MEETING_TYPES), 8, 6, 10, 10, 10, 18], start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    sheet.freeze_panes = "C3"
    return write_atomically(out, book.save, hint="文件正被 Excel 打开，或没有写入权限？")


def _summary_pdf(out: Path, year: int, rows: list[SummaryRow], today: dt.date) -> Path:
    from reportlab.lib.units import mm

    from desktop.ledgers.layout import PageInfo, build_pdf, grid_table, para, styles

    header, body = _summary_table(rows)
    st = styles()
    table_rows = [[para(h, st["cell_center"]) for h in header]] + [[para(c, st["cell"]) for c in row] for row in body]
    widths = [21, 42, 10, 12, *[14] * len(MEETING_TYPES), 11, 9, 16, 16, 16, 32]
    table = grid_table(table_rows, [w * mm for w in widths])
    story = [para(f"{year} 年度各党支部工作汇总", st["title"]),
             para(f"共 {len(rows)} 个支部；“开/应”为已开次数/应开次数；“—”表示该支部尚未报送此项。", st["subtitle"]),
             table]
    info = PageInfo(title=f"{year}年度支部工作汇总", branch_name="区县汇总", printed_on=today, landscape=True)
    return build_pdf(out, info, story)


# -- enrolling a branch and the demo district --------------------------------------------------------

def enroll_branch(district: DistrictService, branch: Any, *, code: str, branch_passphrase: str,
                  district_passphrase: str, secretary: str | None = None) -> str:
    """The whole certificate round trip for one branch data folder (`branch` is its Services):
    make its key if it has none, its request, the district's certificate, and install it."""
    from desktop.sync import identity

    keys = branch.ctx.folder.keys
    today = branch.ctx.today()
    if not identity.has_identity(keys):
        identity.create_identity(keys, branch_passphrase, branch_name=branch.branch.branch_name(),
                                 secretary=secretary, today=today)
    csr = identity.make_csr(keys, branch_passphrase)
    cert_path = district.issue_certificate(csr, code=code, passphrase=district_passphrase)
    identity.import_certificate(keys, cert_path.read_bytes(), district.ca_certificate_pem(), today=today,
                                passphrase=branch_passphrase)
    return code


DEMO_BRANCHES = (
    ("DEMO-001", "中共某电商公司第一支部委员会"),
    ("DEMO-002", "中共某物流园区联合支部委员会"),
    ("DEMO-003", "中共某社区第三党支部"),
)


def build_demo(root: Path, *, district_passphrase: str, branch_passphrase: str, today: dt.date,
               packages_per_branch: int = 3, log: Callable[[str], None] = lambda _m: None,
               branch_template: Path | None = None, with_ledgers: bool = True) -> DistrictService:
    """A district folder with its CA, three demo branches (full demo data folders under
    `root/branches/<code>/`, each with a district certificate) and a season of packages from each,
    imported into the district database, plus one notice package per branch in `root/outbox/`."""
    from dataclasses import replace

    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.services.demo import build_demo as build_branch_demo

    root = Path(root)
    if (root / "ca.pem").exists():
        raise LedgerError(f"{root} 中已有区县数据：演示只在空文件夹中生成")
    district = DistrictService(root, today=lambda: today)
    district.init(district_passphrase, name="某区委组织部（演示）")
    log(f"区县根证书：{district.folder.ca_cert}")
    inbox = root / "inbox"
    if branch_template is None:  # the branch demo is built once and copied: the same people, three branches
        branch_template = root / "branches" / ".template"
        template_services = Services(open_ledger(branch_template, today=lambda: today))
        try:
            build_branch_demo(template_services, today)
        finally:
            template_services.close()
    for code, name in DEMO_BRANCHES:
        folder = root / "branches" / code
        shutil.copytree(branch_template, folder, ignore=shutil.ignore_patterns(".branch-ledger.lock", "keys", "backups"))
        services = Services(open_ledger(folder, today=lambda: today))
        try:
            profile = services.branch.profile()
            if profile is not None:
                services.branch.save_profile(replace(profile, name=name, code=code))
            enroll_branch(district, services, code=code, branch_passphrase=branch_passphrase,
                          district_passphrase=district_passphrase)
            for number in range(packages_per_branch):
                if number:
                    services.branch.set_setting("sync.demo_note", f"第 {number + 1} 次报送")
                sent = services.sync.export_package(inbox, passphrase=branch_passphrase, with_ledgers=with_ledgers and not number)
                log(f"{name}：同步包 {sent.file_name}")
        finally:
            services.close()
        district.build_notice(code, district.folder.outbox, passphrase=district_passphrase, notices=[
            Notice("关于开展年度民主评议党员工作的通知", "请各支部于12月底前完成民主评议党员，并报送结果。", today)],
            evaluation=(today.year - 1, "好", "演示数据"))
    shutil.rmtree(root / "branches" / ".template", ignore_errors=True)
    results = district.import_packages(sorted(inbox.glob("*.zip")))
    log(f"已导入 {sum(r.status == 'imported' for r in results)} 个同步包")
    return district
