"""Roster in and out (花名册导入导出): Excel/CSV import with a preview, .xlsx export, the PDF 花名册.

Import is two steps. `preview_import` reads the file, maps its headers, checks every row with the
domain rules and matches rows to existing members by ID number; it writes nothing. The user looks
at the preview, then `commit_import` writes all of it in one transaction (or nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field, fields as dc_fields, replace
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop.domain.errors import LedgerError
from desktop.storage.files import write_atomically
from desktop.domain.idnumber import mask
from desktop.domain.roster import FIELD_LABELS, MemberFields, member_problems
from desktop.domain.roster_columns import (
    EXPORT_COLUMNS,
    HeaderMap,
    ParsedRow,
    RowProblem,
    field_label,
    is_name_header,
    map_headers,
    parse_row,
    row_is_empty,
)
from desktop.services.context import LedgerContext
from desktop.services.rendered import RenderedLedger
from desktop.services.roster import MemberDto, apply_changes, clean_fields
from desktop.services.roster import history_values  # the same dated values as add_member (see _insert_members)
from desktop.storage.models import MemberChangeRecord, MemberRecord, PartyGroupRecord

_MEMBER_FIELDS = frozenset(f.name for f in dc_fields(MemberFields))
_HEADER_SEARCH_ROWS = 10
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an xlsx encrypted with a password
_ZIP_MAGIC = b"PK\x03\x04"

NEW, UPDATE, UNCHANGED, ERROR = "新增", "更新", "无变化", "有错误"


@dataclass(frozen=True)
class ImportProblem:
    column: str  # the header as written in the file ("" for the row as a whole)
    message: str
    is_error: bool = True

    @property
    def text(self) -> str:
        prefix = "" if self.is_error else "提示："
        return f"{prefix}[{self.column}] {self.message}" if self.column else f"{prefix}{self.message}"


@dataclass(frozen=True)
class ImportRow:
    """One data row of the file as the import would treat it."""

    row_number: int  # as in the file (spreadsheet row / CSV line)
    name: str
    action: str  # 新增 / 更新 / 无变化 / 有错误
    problems: tuple[ImportProblem, ...] = ()
    member_id: int | None = None  # the existing member an 更新 row updates
    changed: tuple[str, ...] = ()  # labels of the fields an 更新 row changes

    @property
    def has_errors(self) -> bool:
        return self.action == ERROR

    @property
    def problem_text(self) -> str:
        return "；".join(p.text for p in self.problems)


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; nothing has been written."""

    path: Path
    sha256: str
    sheet: str | None  # worksheet name (None for CSV)
    encoding: str | None  # CSV encoding detected (None for xlsx)
    header_row: int
    columns: tuple[tuple[str, str], ...]  # (header in the file, field label) recognised
    ignored: tuple[str, ...]  # recognised but not imported (序号, 年龄 …)
    unrecognised: tuple[str, ...]  # headers nobody knows: not imported
    notes: tuple[str, ...]  # about the file as a whole
    rows: tuple[ImportRow, ...]
    _parsed: tuple[ParsedRow, ...] = field(default=(), repr=False, compare=False)
    _headers: HeaderMap | None = field(default=None, repr=False, compare=False)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def error_rows(self) -> int:
        return self.count(ERROR)

    @property
    def summary(self) -> str:
        return (f"共 {len(self.rows)} 行：新增 {self.count(NEW)}，更新 {self.count(UPDATE)}，"
                f"无变化 {self.count(UNCHANGED)}，有错误 {self.count(ERROR)}")


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    skipped: int  # rows with errors left out (skip_invalid)
    groups_created: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        text = f"已导入：新增 {self.added} 名，更新 {self.updated} 名，无变化 {self.unchanged} 名"
        if self.skipped:
            text += f"，跳过有错误的 {self.skipped} 行"
        if self.groups_created:
            text += f"；新建党小组：{'、'.join(self.groups_created)}"
        return text


@dataclass(frozen=True)
class _Table:
    rows: list[tuple[int, list[object]]]  # (row number in the file, cells)
    sheet: str | None = None
    encoding: str | None = None


@dataclass
class _Planned:
    row: ImportRow
    fields: MemberFields | None = None
    group_name: str | None = None
    record: MemberRecord | None = None


class RosterIoService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    # -- import ---------------------------------------------------------------------------------
    def preview_import(self, path: Path) -> ImportPreview:
        """Read `path` (.xlsx or .csv) and say what importing it would do. Writes nothing."""
        path = Path(path)
        data = _read_bytes(path)
        table = _read_table(path, data)
        header_index, headers = _find_header(path, table)
        header_row = table.rows[header_index][0]
        parsed: list[ParsedRow] = []
        for number, cells in table.rows[header_index + 1:]:
            if row_is_empty(cells):
                continue
            values = {f: cells[c] if c < len(cells) else None for c, f in headers.fields.items()}
            parsed.append(parse_row(number, values))
        if not parsed:
            raise LedgerError(f"文件 {path.name} 在表头（第{header_row}行）下面没有任何数据行")
        with self.ctx.reading() as session:
            planned = _plan(session, parsed, headers, self.ctx.today())
        return ImportPreview(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            sheet=table.sheet,
            encoding=table.encoding,
            header_row=header_row,
            columns=tuple((headers.headers[f], field_label(f)) for f in headers.fields.values()),
            ignored=tuple(h for _, h in headers.ignored),
            unrecognised=tuple(h for _, h in headers.unrecognised) + tuple(f"{h}（重复的列）" for _, h in headers.duplicates),
            notes=_file_notes(headers) + (
                ("与花名册中已有党员（按身份证号）匹配的行将更新该党员；文件中的空白单元格不会清除已有内容",)
                if any(p.row.member_id is not None for p in planned) else ()),
            rows=tuple(p.row for p in planned),
            _parsed=tuple(parsed),
            _headers=headers,
        )

    def commit_import(self, preview: ImportPreview, *, skip_invalid: bool = False,
                      amendment_reason: str | None = None) -> ImportResult:
        """Write the previewed rows in one transaction. Refused while a row has an error unless
        `skip_invalid`, and refused if the file changed since the preview."""
        if preview._headers is None:
            raise LedgerError("请先预览导入文件")
        try:
            current = hashlib.sha256(preview.path.read_bytes()).hexdigest()
        except OSError:
            current = ""
        if current != preview.sha256:
            raise LedgerError(f"文件 {preview.path.name} 在预览之后被修改或移走了：请重新预览后再导入")
        today = self.ctx.today()
        note = f"名册导入：{preview.path.name}"
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            planned = _plan(session, list(preview._parsed), preview._headers, today)
            errors = [p.row for p in planned if p.row.has_errors]
            if errors and not skip_invalid:
                first = errors[0]
                raise LedgerError(
                    f"{preview.path.name} 中有 {len(errors)} 行存在错误，未导入任何数据。"
                    f"第{first.row_number}行：{first.problem_text}"
                )
            groups = {r.name: r.id for r in session.scalars(select(PartyGroupRecord))}
            created: dict[str, PartyGroupRecord] = {}
            for item in planned:
                name = item.group_name
                if item.row.has_errors or not name or name in groups or name in created:
                    continue
                created[name] = PartyGroupRecord(name=name, created_on=today)
                session.add(created[name])
            session.flush()
            groups.update({name: record.id for name, record in created.items()})
            new_members: list[MemberFields] = []
            updated = unchanged = 0
            for item in planned:
                if item.row.has_errors or item.fields is None:
                    continue
                data = item.fields
                if item.group_name:
                    data = replace(data, party_group_id=groups[item.group_name])
                data = clean_fields(data)
                if item.record is None:
                    new_members.append(data)
                elif item.row.action == UPDATE:
                    apply_changes(session, item.record, data, effective_on=today, note=note)
                    updated += 1
                else:
                    unchanged += 1
            _insert_members(session, new_members, today=today, note=note)
            added = len(new_members)
        return ImportResult(added, updated, unchanged, len(errors), tuple(created))

    # -- export ---------------------------------------------------------------------------------
    def export_xlsx(self, out: Path) -> Path:
        """The whole roster as .xlsx with the national column names (ID numbers in full: this is
        the secretary's own file). Written to a temporary name and renamed."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        from desktop.services.roster import RosterService

        out = Path(out)
        members = RosterService(self.ctx).list_members()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("党员花名册")
        sheet.freeze_panes = "B2"
        widths = {"name": 10, "id_number": 21, "work_unit_post": 30, "residence": 30, "household_registration": 20,
                  "phone": 14, "new_social_stratum": 16, "notes": 24}
        for index, (header, name) in enumerate(EXPORT_COLUMNS):
            letter = _column_letter(index)
            sheet.column_dimensions[letter].width = widths.get(name, max(11, len(header) * 2 + 2))
        bold = Font(bold=True)
        header_cells = []
        for header, _ in EXPORT_COLUMNS:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for member in members:
            row = []
            for _, name in EXPORT_COLUMNS:
                value = _export_value(member, name)
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif name in ("id_number", "phone"):
                    cell.number_format = "@"
                row.append(cell)
            sheet.append(row)
        return _save_atomically(out, workbook.save)

    def render_ledger(self, year: int | None, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """The PDF 花名册 of the Party members (预备 and 正式, status 正常) as of the end of `year`
        (today for the current year or None), grouped by party group, ID numbers masked."""
        from desktop.ledgers.roster import RosterLedger, RosterLine, render_roster
        from desktop.services.branch import BranchService
        from desktop.services.roster import RosterService

        today = self.ctx.today()
        as_of = today if year is None or year >= today.year else dt.date(year, 12, 31)
        roster = RosterService(self.ctx)
        groups = {g.id: g.name for g in roster.list_groups()}
        members = {m.id: m for m in roster.list_members()}
        lines = []
        for standing in roster.members_on(as_of):
            member = members[standing.member_id]
            lines.append(RosterLine(
                member_id=member.id,
                name=member.name,
                sex=member.sex or "",
                ethnicity=member.ethnicity or "",
                birth_date=member.birth_date,
                id_masked=mask(member.id_number),
                education=member.education or "",
                category=standing.category,
                work_unit_post=member.work_unit_post or "",
                phone=member.phone or "",
                joined_on=member.joined_on,
                confirmed_on=member.confirmed_on if standing.stage == "正式党员" else None,
                member_type="预备" if standing.stage == "预备党员" else "正式",
                party_post=member.party_post or "",
                group=groups.get(standing.party_group_id) if standing.party_group_id else None,
                remarks=_remarks(member),
            ))
        ledger = RosterLedger(branch_name=BranchService(self.ctx).branch_name(), as_of=as_of, printed_on=today,
                              lines=tuple(lines), footer_note=footer_note,
                              amendments=self._ledger_amendments([line.member_id for line in lines]))
        path = render_roster(ledger, Path(out))
        return RenderedLedger(kind="roster", title="党员花名册", path=path, year=year,
                              records=tuple(("member", line.member_id) for line in ledger.ordered_lines()))

    def _ledger_amendments(self, member_ids: list[int]) -> dict[tuple[str, str], list[str]]:
        """The 更正 lines of each shown member's record and of its dated changes (member_change),
        keyed ("member", str(id)): printed beneath that member's row."""
        from desktop.services.ledgers import LedgerService

        owner = {("member", str(i)): str(i) for i in member_ids}
        if member_ids:
            with self.ctx.reading() as session:
                for change_id, member_id in session.execute(select(MemberChangeRecord.id, MemberChangeRecord.member_id)
                                                            .where(MemberChangeRecord.member_id.in_(member_ids))):
                    owner[("member_change", str(change_id))] = str(member_id)
        notes: dict[tuple[str, str], list[str]] = {}
        for a in LedgerService(self.ctx).amendments_for_records(owner):
            member_id = owner.get((a.table_name, a.row_id))
            if member_id is not None:
                line = a.describe() if a.table_name == "member" else f"［党员变动记录］{a.describe()}"
                notes.setdefault(("member", member_id), []).append(line)
        return notes


# -- reading files ------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LedgerError(f"找不到文件 {path}") from None
    except IsADirectoryError:
        raise LedgerError(f"{path} 是文件夹，不是表格文件") from None
    except OSError as exc:
        raise LedgerError(f"无法读取文件 {path}：{exc.strerror or exc}（文件被其他程序占用或没有权限？）") from None
    if not data.strip():
        raise LedgerError(f"文件 {path.name} 是空的")
    return data


def _read_table(path: Path, data: bytes) -> _Table:
    suffix = path.suffix.lower()
    if data.startswith(_OLE_MAGIC):
        if suffix == ".xls":
            raise LedgerError(f"{path.name} 是旧版 Excel 97-2003（.xls）文件：请在 Excel 中“另存为” .xlsx 后再导入")
        raise LedgerError(f"{path.name} 设置了打开密码（已加密），或是旧版 .xls 文件：请在 Excel 中取消密码并另存为 .xlsx 后再导入")
    if data.startswith(_ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path, data)
    raise LedgerError(f"不支持的文件类型 {path.name}：请使用 .xlsx 或 .csv 文件")


def _read_xlsx(path: Path, data: bytes) -> _Table:
    from openpyxl import load_workbook

    if not data.startswith(_ZIP_MAGIC):
        raise LedgerError(f"{path.name} 不是有效的 .xlsx 文件（文件内容不是 Excel 格式，可能只是改了扩展名）")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise LedgerError(f"{path.name} 已损坏（不完整的 .xlsx 文件，可能只复制了一部分）：请重新保存或复制后再导入") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise LedgerError(f"无法读取 {path.name}：文件已损坏或不是 Excel 生成的 .xlsx（{type(exc).__name__}）") from None
    try:
        first_sheet: _Table | None = None
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            sheet.reset_dimensions()  # some generators write a wrong dimension tag
            rows = [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
            table = _Table(rows, sheet=sheet.title)
            if first_sheet is None:
                first_sheet = table
            if any(is_name_header(c) for _, cells in rows[:_HEADER_SEARCH_ROWS] for c in cells):
                return table
        return first_sheet or _Table([], sheet=None)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise LedgerError(f"{path.name} 已损坏，读取中途出错（{type(exc).__name__}）：请在 Excel 中重新保存后再导入") from None
    finally:
        workbook.close()


def _read_csv(path: Path, data: bytes) -> _Table:
    text = None
    encoding = None
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(candidate)
            encoding = "UTF-8" if candidate == "utf-8-sig" else "GBK/GB18030"
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise LedgerError(f"{path.name} 的文字编码无法识别（既不是 UTF-8 也不是 GBK）：请在 Excel 中另存为 .xlsx")
    if "\x00" in text:
        raise LedgerError(f"{path.name} 不是文本表格（.csv）文件：请使用 .xlsx 或 .csv 文件")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(number, list(cells)) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise LedgerError(f"{path.name} 的格式有误（{exc}）：请在 Excel 中重新保存") from None
    return _Table(rows, encoding=encoding)


def _find_header(path: Path, table: _Table) -> tuple[int, HeaderMap]:
    """The header is the first row (of the first ten) with a 姓名 column: titles above it are skipped."""
    if not table.rows or all(row_is_empty(cells) for _, cells in table.rows):
        raise LedgerError(f"文件 {path.name} 中没有任何内容")
    for index, (_, cells) in enumerate(table.rows[:_HEADER_SEARCH_ROWS]):
        if any(is_name_header(c) for c in cells):
            return index, map_headers(cells)
    where = f"工作表“{table.sheet}”" if table.sheet else "文件"
    raise LedgerError(
        f"{path.name}：{where}的前{_HEADER_SEARCH_ROWS}行中找不到“姓名”列，无法识别表头。"
        "请确认第一行是列名（姓名、性别、公民身份号码……）"
    )


def _file_notes(headers: HeaderMap) -> tuple[str, ...]:
    notes = []
    if "id_number" not in headers.headers:
        notes.append("文件中没有“公民身份号码”列：无法与花名册中已有的党员比对，所有行都将作为新增")
    if headers.unrecognised:
        notes.append("未识别的列不会导入：" + "、".join(h for _, h in headers.unrecognised))
    return tuple(notes)


# -- matching and checking rows -----------------------------------------------------------------

def _plan(session: Session, parsed: list[ParsedRow], headers: HeaderMap, today: dt.date) -> list[_Planned]:
    """Check each parsed row against the rules and the roster as it is now."""
    by_id: dict[str, MemberRecord] = {}
    by_name: dict[str, list[MemberRecord]] = {}
    for record in session.scalars(select(MemberRecord)):
        if record.id_number:
            by_id[record.id_number] = record
        by_name.setdefault(record.name, []).append(record)
    group_names = {r.id: r.name for r in session.scalars(select(PartyGroupRecord))}
    id_rows: dict[str, list[int]] = {}
    for row in parsed:
        if row.id_number:
            id_rows.setdefault(row.id_number, []).append(row.row_number)
    name_counts = Counter(row.name for row in parsed if row.name and not row.id_number)
    planned = []
    for row in parsed:
        planned.append(_plan_row(row, headers, today, by_id, by_name, group_names, id_rows, name_counts))
    return planned


def _plan_row(row: ParsedRow, headers: HeaderMap, today: dt.date, by_id: dict[str, MemberRecord],
              by_name: dict[str, list[MemberRecord]], group_names: dict[int, str],
              id_rows: dict[str, list[int]], name_counts: Counter[str]) -> _Planned:
    problems: list[RowProblem] = list(row.problems)
    record = by_id.get(row.id_number) if row.id_number else None
    base = _fields_of(record) if record is not None else MemberFields(name="")
    updates = {k: v for k, v in row.values.items() if k in _MEMBER_FIELDS}
    fields = replace(base, **updates)
    reported = {p.field for p in problems if p.is_error}
    for field_name, message in member_problems(fields, today):
        if field_name not in reported:
            problems.append(RowProblem(field_name, message))
    if row.id_number:
        same = id_rows.get(row.id_number, [])
        if len(same) > 1:
            others = "、".join(f"第{n}行" for n in same if n != row.row_number)
            problems.append(RowProblem("id_number", f"身份证号 {mask(row.id_number)} 与{others}重复"))
        if record is not None and row.name and record.name != row.name:
            problems.append(RowProblem("name", f"身份证号与花名册中的“{record.name}”相同：将更新该党员，姓名改为“{row.name}”",
                                       is_error=False))
    elif row.name:
        if by_name.get(row.name):
            problems.append(RowProblem("id_number", f"没有身份证号，而花名册中已有同名党员“{row.name}”：无法判断是否同一人，请填写身份证号"))
        elif name_counts[row.name] > 1:
            problems.append(RowProblem("id_number", f"没有身份证号，而文件中有多行都是“{row.name}”：请填写身份证号"))
        else:
            problems.append(RowProblem("id_number", "未填写身份证号", is_error=False))
    if record is None and "stage" not in row.values and fields.joined_on and fields.confirmed_on is None \
            and (today - fields.joined_on).days < 366:
        problems.append(RowProblem("stage", "未注明党员类型，按正式党员导入；入党未满一年，是否应为预备党员？", is_error=False))
    group_name = str(row.values["party_group"]) if row.values.get("party_group") else None
    import_problems = tuple(ImportProblem(headers.header_of(p.field) if p.field else "", p.message, p.is_error)
                            for p in problems)
    if any(p.is_error for p in problems):
        return _Planned(ImportRow(row.row_number, row.name, ERROR, import_problems,
                                  record.id if record is not None else None))
    if record is None:
        return _Planned(ImportRow(row.row_number, row.name, NEW, import_problems), fields, group_name)
    changed = [FIELD_LABELS[name] for name in updates if getattr(base, name) != getattr(fields, name)]
    current_group = group_names.get(record.party_group_id) if record.party_group_id else None
    if group_name and group_name != current_group:
        changed.append("所在党小组")
    action = UPDATE if changed else UNCHANGED
    return _Planned(ImportRow(row.row_number, row.name, action, import_problems, record.id, tuple(changed)),
                    fields, group_name, record)


def _insert_members(session: Session, members: list[MemberFields], *, today: dt.date, note: str) -> None:
    """Add new members with the first dated value of each history attribute, exactly as
    `desktop.services.roster.insert_member` does, but as two bulk INSERTs: an ORM object per row
    and per history row made a 10,000-member import take several times the 10 s target. The
    audit hook records bulk inserts too (desktop.storage.audit._do_orm_execute)."""
    if not members:
        return
    names = sorted(_MEMBER_FIELDS)
    ids = session.scalars(
        insert(MemberRecord).returning(MemberRecord.id, sort_by_parameter_order=True),
        [{name: getattr(data, name) for name in names} for data in members],
    ).all()
    changes = [
        {"member_id": member_id, "attribute": attribute, "value": value,
         "effective_on": data.joined_on or data.applied_on or today, "note": note}
        for member_id, data in zip(ids, members)
        for attribute, value in history_values(data).items()
    ]
    session.execute(insert(MemberChangeRecord), changes)


def _fields_of(record: MemberRecord) -> MemberFields:
    return MemberFields(**{name: getattr(record, name) for name in _MEMBER_FIELDS})


# -- export helpers -----------------------------------------------------------------------------

def _export_value(member: MemberDto, name: str) -> object:
    if name == "party_group":
        return member.party_group
    if name == "stage":
        return member.member_type or member.stage
    value = getattr(member, name)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _remarks(member: MemberDto) -> str:
    parts = []
    if member.is_mobile:
        parts.append("流动党员" + (f"（{member.mobile_where}）" if member.mobile_where else ""))
    if member.is_lost_contact:
        parts.append("失联党员")
    if member.new_employment_group:
        parts.append(f"新就业群体：{member.new_employment_group}")
    if member.probation_extension:
        parts.append(f"延长预备期{member.probation_extension}")
    return "；".join(parts)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _save_atomically(out: Path, save: object) -> Path:
    return write_atomically(out, lambda partial: save(str(partial)),  # type: ignore[operator]
                            hint="文件正在被 Excel 打开、磁盘已满或没有写入权限？")
