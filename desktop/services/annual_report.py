"""The annual 述职 materials (issue 5, domain.md §6): figures compiled from the records, the report
draft, the three lists with carry-over, the evaluation, and the printed report, evaluation record
and one-page summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from desktop.domain.annual import (
    DEFAULT_RATING_SCALE,
    MEMBER_GRADES,
    NO_DATA,
    RATING_SCALE_SETTING,
    SECTION_KEYS,
    Figure,
    FigureRow,
    ItemFields,
    PersonHistory,
    TallyLine,
    TransferFact,
    YearFigures,
    carry_candidates,
    is_open,
    is_overdue,
    rating_grades,
    roster_figures,
    tally,
    validate_item,
    year_period,
)
from desktop.domain.errors import LedgerError, NotFoundError, ValidationError
from desktop.domain.roster import Change
from desktop.services.context import LedgerContext
from desktop.services.rendered import RenderedLedger
from desktop.storage.models import MemberChangeRecord, MemberRecord, TransferRecord
from desktop.storage.models.annual import (
    AnnualEvaluationRecord,
    AnnualItemRecord,
    AnnualMemberGradeRecord,
    AnnualReportRecord,
)

MISSING_SOURCE_TEXT = "暂无数据（组织生活/党费模块未提供）"


# -- DTOs ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportDraft:
    year: int
    sections: tuple[tuple[str, str], ...]  # (section key, Markdown text) in REPORT_SECTIONS order
    saved_at: dt.datetime | None
    id: int | None = None

    def text(self, key: str) -> str:
        return dict(self.sections).get(key, "")

    @property
    def is_empty(self) -> bool:
        return not any(text.strip() for _, text in self.sections)


@dataclass(frozen=True)
class ItemDto:
    """One row of the three lists."""

    id: int
    year: int
    position: int
    fields: ItemFields
    evidence_sha256: str | None = None
    evidence_name: str | None = None
    evidence_type: str | None = None
    carried_from_id: int | None = None
    carried_from_year: int | None = None
    overdue: bool = False

    @property
    def is_open(self) -> bool:
        return is_open(self.fields.status)


@dataclass(frozen=True)
class EvaluationDto:
    id: int
    year: int
    held_on: dt.date | None
    scale: str
    eligible: int
    participants: int
    lines: tuple[TallyLine, ...]
    upper_grade: str | None
    upper_comments: str | None


@dataclass(frozen=True)
class MemberGradeDto:
    id: int
    year: int
    member_id: int
    member_name: str
    grade: str
    meeting_id: int | None
    source: str | None
    note: str | None


@dataclass(frozen=True)
class LifeMeeting:
    """A 组织生活会 / 民主评议党员 meeting (from the meetings area) a grade can come from."""

    id: int
    label: str


def _item_dto(record: AnnualItemRecord, today: dt.date, carried_years: Mapping[int, int]) -> ItemDto:
    fields = ItemFields(
        problem=record.problem, raised_on=record.raised_on, cause=record.cause, responsible=record.responsible,
        measure=record.measure, deadline=record.deadline, status=record.status, completed_on=record.completed_on,
        result=record.result,
    )
    return ItemDto(
        id=record.id, year=record.year, position=record.position, fields=fields,
        evidence_sha256=record.evidence_sha256, evidence_name=record.evidence_name, evidence_type=record.evidence_type,
        carried_from_id=record.carried_from_id,
        carried_from_year=carried_years.get(record.carried_from_id) if record.carried_from_id else None,
        overdue=is_overdue(fields, today),
    )


def _evaluation_dto(record: AnnualEvaluationRecord) -> EvaluationDto:
    counts = [record.count_1, record.count_2, record.count_3, record.count_4]
    grades = rating_grades(record.scale)
    lines = tally(record.scale, counts[:len(grades)], eligible=record.eligible, participants=record.participants)
    return EvaluationDto(record.id, record.year, record.held_on, record.scale, record.eligible, record.participants,
                         tuple(lines), record.upper_grade, record.upper_comments)


def _unmeasured(figures: Sequence[Figure]) -> list[Figure]:
    """The same figures without values: an area with no records that year measured nothing (暂无数据, not 0)."""
    return [Figure(f.key, f.group, f.label, None, f.unit, f.columns) for f in figures]


def _guarded_source(area: str, compute: Any) -> Any:
    """Another area's figures; a failure there leaves that part 暂无数据 instead of breaking 述职."""
    try:
        return compute()
    except LedgerError:
        raise
    except Exception:  # noqa: BLE001 - logged (no personal data); the page shows the part as missing
        import logging

        logging.getLogger(__name__).exception("annual figures: the %s area failed", area)
        return None


# -- adapters over the meetings and dues services' year figures -------------------------------------
def _rate_percent(value: float | None) -> Decimal | None:
    return None if value is None else (Decimal(str(value)) * 100).quantize(Decimal("0.1"))


def _meeting_row(m: Any) -> FigureRow:
    rate = _rate_percent(m.attendance_rate)
    return FigureRow((m.number, m.held_on.isoformat(), m.kinds_label, m.topic,
                      f"{m.present_count}/{m.expected_count}" + (f"（{rate}%）" if rate is not None else "")),
                     ("meeting", m.id))


def meeting_figures(service: Any, year: int) -> tuple[list[Figure], dict[int, Decimal], bool] | None:
    """组织生活 figures from `MeetingService.year_figures`; (figures, attendance by month, any records)."""
    report = service.year_report(year)  # one read: the meetings, the figures and attendance by month
    meetings = [m for m in report.meetings if m.held]
    figures_in = report.figures
    group = "组织生活"
    columns = ("编号", "日期", "类型", "议题", "实到/应到")
    out = [Figure("meetings.held", group, "全年召开会议（已记录）", figures_in.meetings_held, "次", columns,
                  tuple(_meeting_row(m) for m in meetings))]
    for t in figures_in.types:
        if not t.required and not t.held:
            continue
        rows = tuple(_meeting_row(m) for m in meetings if t.kind in m.kinds)
        if t.kind == "谈心谈话" and t.frequency == "year":
            talk_figures = _talk_pair_figures(service, year, group, t.held, columns, rows)
            if talk_figures:
                out += talk_figures
                continue
        out.append(Figure(f"meetings.type.{t.kind}", group, f"{t.kind}（按要求应开{t.required}次）", t.held, "次",
                          columns, rows))
        if t.required:
            out.append(Figure(f"meetings.missed.{t.kind}", group, f"{t.kind}未按要求召开的期间",
                              len(t.missed), "个", ("期间",), tuple(FigureRow((label,)) for label in t.missed),
                              note="、".join(t.missed)))
    out.append(Figure("meetings.attendance_avg", group, "平均参会率（实到/应到）",
                      _rate_percent(figures_in.average_attendance_rate), "%", columns,
                      tuple(_meeting_row(m) for m in meetings if m.expected_count)))
    member_rows = tuple(
        FigureRow((r.name, str(r.expected), str(r.present), f"{_rate_percent(r.rate)}%" if r.rate is not None else ""),
                  ("member", r.member_id)) for r in figures_in.member_rates)
    out.append(Figure("meetings.members_counted", group, "参加组织生活的党员（按人统计参会率）",
                      len(figures_in.member_rates), "名", ("姓名", "应参加", "实参加", "参会率"), member_rows))
    full = [r for r in figures_in.member_rates if r.expected and r.present == r.expected]
    out.append(Figure("meetings.full_attendance", group, "全勤党员", len(full), "名", ("姓名", "应参加", "实参加"),
                      tuple(FigureRow((r.name, str(r.expected), str(r.present)), ("member", r.member_id)) for r in full)))
    out.append(Figure("meetings.late", group, "补记的会议记录（逾期录入）", figures_in.late_count, "次",
                      ("编号", "会议日期", "类型", "录入日期", "补记原因"),
                      tuple(FigureRow((e.number, e.held_on.isoformat(), "、".join(e.kinds),
                                       e.recorded_on.isoformat() if e.recorded_on else "", e.reason or ""),
                                      ("meeting", e.meeting_id)) for e in figures_in.late_entries)))
    themes = figures_in.theme_days
    out.append(Figure("meetings.theme_days", "主题党日", "开展主题党日", len(themes), "次", ("日期", "主题", "活动"),
                      tuple(FigureRow((d.held_on.isoformat(), d.topic, d.activity or ""), ("meeting", d.meeting_id))
                            for d in themes)))
    by_month = {month: _rate_percent(rate) for month, rate in report.attendance_by_month.items()}
    return out, {m: v for m, v in by_month.items() if v is not None}, bool(meetings)


def _talk_pair_figures(service: Any, year: int, group: str, held: int, columns: tuple[str, ...],
                       rows: tuple[FigureRow, ...]) -> list[Figure]:
    """谈心谈话 counted per pair (domain.md §3): pairs talked with out of those required, and the missing
    pairs named; [] when the service cannot count pairs or no pair is required (no committee)."""
    coverage_of = getattr(service, "talk_coverage", None)
    coverage = coverage_of(year) if coverage_of else None
    if coverage is None or not coverage.required:
        return []
    required = len(coverage.required)
    return [
        Figure("meetings.type.谈心谈话", group,
               f"谈心谈话已谈对数（支委与党员每对每年至少一次，应谈{required}对；共记录谈话{held}次）",
               len(coverage.covered), "对", columns, rows, note=f"已谈 {len(coverage.covered)}/{required} 对"),
        Figure("meetings.missed.谈心谈话", group, "谈心谈话未谈的对数", len(coverage.missing), "对",
               ("支委", "谈话对象"), tuple(FigureRow((p.first_name, p.second_name)) for p in coverage.missing),
               note="、".join(p.label for p in coverage.missing)),
    ]


def dues_figures(service: Any, year: int) -> tuple[list[Figure], dict[int, Decimal], bool] | None:
    """党费 figures from `DuesService.year_figures`; (figures, collection by month, any records)."""
    # One read of the year (the grid, the figures, the remittances and the payments together):
    # year_figures(), year_grid() and payments() would each read the year again.
    data = service.year_report(year)
    f = data.figures
    grid = [r for r in data.rows if r.year_due or r.year_paid]
    received = [p for p in data.payments if p.paid_on.year == year]
    remittances = data.remittances
    group = "党费"
    member_cols = ("姓名", "全年应缴", "全年实缴", "欠缴")

    def member_row(r: Any) -> FigureRow:
        return FigureRow((r.name, f"{r.year_due:,.2f}", f"{r.year_paid:,.2f}", f"{r.arrears:,.2f}"), ("member", r.member_id))

    def payment_row(p: Any) -> FigureRow:
        return FigureRow((p.member_name, p.paid_on.isoformat(), f"{p.amount:,.2f}", p.months_label, p.receipt_number),
                         ("dues_payment", p.id))

    pay_cols = ("姓名", "缴纳日期", "金额（元）", "所缴月份", "收据号")
    members = tuple(member_row(r) for r in grid)
    owing = tuple(member_row(r) for r in grid if r.arrears > 0)
    out = [
        Figure("dues.due", group, "全年应缴党费", f.due, "元", member_cols, members),
        Figure("dues.paid", group, "全年实缴党费（计入本年各月）", f.paid, "元", member_cols, members),
        Figure("dues.paid_rate", group, "党费收缴率（实缴/应缴）", f.paid_rate, "%", member_cols, members),
        Figure("dues.arrears", group, "欠缴党费", f.arrears, "元", member_cols, owing),
        Figure("dues.members_in_arrears", group, "欠缴党员", f.members_in_arrears, "名", member_cols, owing),
        Figure("dues.collected", group, "全年收到党费（按缴纳日期）", f.collected, "元", pay_cols,
               tuple(payment_row(p) for p in received)),
        Figure("dues.remitted", group, "全年上缴党费", f.remitted, "元", ("上缴日期", "所属期间", "金额（元）", "收据号"),
               tuple(FigureRow((r.remitted_on.isoformat(), r.period_label, f"{r.amount:,.2f}", r.receipt_number),
                               ("dues_remittance", r.id)) for r in remittances)),
        Figure("dues.voluntary", group, "自愿多交党费", f.voluntary, "元", pay_cols,
               tuple(payment_row(p) for p in received if p.voluntary)),
        Figure("dues.large", group, "大额党费（全额上缴中央）", f.large, "元", pay_cols,
               tuple(payment_row(p) for p in received if p.large)),
    ]
    any_records = bool(f.due or f.collected or f.remitted or grid)
    by_month = {m: Decimal(v) for m, v in f.collected_by_month.items()} if any_records else {}
    return out, by_month, any_records


def life_meetings(service: Any, year: int) -> list[tuple[int, str]]:
    """(id, label) of the year's held 组织生活会 and 民主评议党员 meetings."""
    kinds = ("组织生活会", "民主评议党员")
    return [(m.id, f"{m.held_on.isoformat()} {m.kinds_label}（{m.number}）{m.topic}")
            for m in service.list_meetings(year) if m.held and any(k in m.kinds for k in kinds)]


class AnnualReportService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx
        # year -> (data version, figures): the page, the editor and the printout all ask for the same
        # figures; any write changes the version (the audit chain's head), so they are never stale.
        self._figures_cache: dict[int, tuple[tuple[Any, ...], YearFigures]] = {}

    def _data_version(self) -> tuple[Any, ...] | None:
        """Changes whenever any record changes: the audit chain's head (every write through a
        session appends to it) and the date. None when there is no chain to rely on."""
        try:
            from desktop.services.audit import AuditService

            return (AuditService(self.ctx).head(), self.ctx.today())
        except Exception:  # noqa: BLE001 - without the chain, figures are simply always recomputed
            return None

    # -- the other areas, read through their public services ---------------------------------------
    def _area(self, name: str) -> Any | None:
        """The meetings or dues service, or None while that area is not built."""
        try:
            if name == "meetings":
                from desktop.services.meetings import MeetingService

                return MeetingService(self.ctx)
            from desktop.services.dues import DuesService

            return DuesService(self.ctx)
        except ImportError:
            return None

    # -- figures -----------------------------------------------------------------------------------
    def figures(self, year: int, *, fresh: bool = False) -> YearFigures:
        """Every figure of `year`, compiled from the records. The last compilation is reused while
        no record has changed since (its `computed_at` says when); `fresh` compiles anew."""
        version = self._data_version()
        cached = self._figures_cache.get(year)
        if not fresh and version is not None and cached is not None and cached[0] == version:
            return cached[1]
        figures = self._compile(year)
        if version is not None:
            self._figures_cache[year] = (version, figures)
        return figures

    def _compile(self, year: int) -> YearFigures:
        today = self.ctx.today()
        start, end = year_period(year, today)
        people, transfers = self._roster_facts()
        has_roster = any(c.effective <= end for p in people for c in p.changes)
        figures: list[Figure] = roster_figures(year, people, transfers, today) if has_roster else []
        missing: list[str] = []
        attendance: dict[int, Decimal] = {}
        collection: dict[int, Decimal] = {}
        has_records = has_roster
        meetings = self._meeting_figures(year)
        if meetings is None:
            missing.append("组织生活")
        else:
            figures += meetings[0] if meetings[2] else _unmeasured(meetings[0])
            attendance = meetings[1]
            has_records = has_records or meetings[2]
        dues = self._dues_figures(year)
        if dues is None:
            missing.append("党费")
        else:
            figures += dues[0] if dues[2] else _unmeasured(dues[0])
            collection = dues[1]
            has_records = has_records or dues[2]
        if not has_records:
            figures = _unmeasured(figures)
        return YearFigures(
            year=year, period_start=start, period_end=end,
            computed_at=dt.datetime.now().replace(microsecond=0), figures=tuple(figures),
            missing_sources=tuple(missing), attendance_by_month=attendance, collection_by_month=collection,
            has_records=has_records,
        )

    def _roster_facts(self) -> tuple[list[PersonHistory], list[TransferFact]]:
        """Every person with their dated history, read as plain rows (no ORM objects: 10× faster)."""
        with self.ctx.reading() as session:
            changes: dict[int, list[Change]] = {}
            for member_id, attribute, value, effective in session.execute(
                    select(MemberChangeRecord.member_id, MemberChangeRecord.attribute, MemberChangeRecord.value,
                           MemberChangeRecord.effective_on).order_by(MemberChangeRecord.effective_on, MemberChangeRecord.id)):
                changes.setdefault(member_id, []).append(Change(attribute, value, effective))
            rows = session.execute(select(MemberRecord.id, MemberRecord.name, MemberRecord.applied_on,
                                          MemberRecord.joined_on, MemberRecord.confirmed_on).order_by(MemberRecord.id)).all()
            people = [PersonHistory(i, name, applied, joined, confirmed, tuple(changes.get(i, ())))
                      for i, name, applied, joined, confirmed in rows]
            names = {p.member_id: p.name for p in people}
            transfers = [
                TransferFact(i, member_id, names.get(member_id, "?"), direction, day, organization)
                for i, member_id, direction, day, organization in session.execute(
                    select(TransferRecord.id, TransferRecord.member_id, TransferRecord.direction,
                           TransferRecord.transfer_date, TransferRecord.organization).order_by(TransferRecord.transfer_date))
            ]
        return people, transfers

    def _meeting_figures(self, year: int) -> tuple[list[Figure], dict[int, Decimal], bool] | None:
        service = self._area("meetings")
        if service is None or not hasattr(service, "year_figures"):
            return None
        return _guarded_source("组织生活", lambda: meeting_figures(service, year))

    def _dues_figures(self, year: int) -> tuple[list[Figure], dict[int, Decimal], bool] | None:
        service = self._area("dues")
        if service is None or not hasattr(service, "year_figures"):
            return None
        return _guarded_source("党费", lambda: dues_figures(service, year))

    def monthly_series(self, year: int) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
        """(attendance % by month, dues collected by month) of `year`: the charts' figures, without
        compiling every other figure. Empty for an area not built or without records."""
        attendance: dict[int, Decimal] = {}
        collection: dict[int, Decimal] = {}
        meetings = self._area("meetings")
        if meetings is not None and hasattr(meetings, "attendance_by_month"):
            rates = _guarded_source("组织生活", lambda: meetings.attendance_by_month(year)) or {}
            attendance = {m: v for m, v in ((m, _rate_percent(r)) for m, r in rates.items()) if v is not None}
        dues = self._area("dues")
        if dues is not None and hasattr(dues, "collection_by_month"):
            collected = _guarded_source("党费", lambda: dues.collection_by_month(year)) or {}
            if any(collected.values()):
                collection = {m: Decimal(v) for m, v in collected.items()}
        return attendance, collection

    def figure_displays(self, year: int) -> dict[str, str]:
        return self.figures(year).displays()

    # -- the report draft ------------------------------------------------------------------------
    def report(self, year: int) -> ReportDraft:
        with self.ctx.reading() as session:
            record = session.scalar(select(AnnualReportRecord).where(AnnualReportRecord.year == year))
            if record is None:
                return ReportDraft(year, tuple((k, "") for k in SECTION_KEYS), None)
            return self._draft(record)

    @staticmethod
    def _draft(record: AnnualReportRecord) -> ReportDraft:
        return ReportDraft(record.year, tuple((k, getattr(record, k) or "") for k in SECTION_KEYS),
                           record.saved_at, record.id)

    def save_draft(self, year: int, sections: Mapping[str, str], *, amendment_reason: str | None = None) -> ReportDraft:
        """Save the sections given (others unchanged), all in one transaction."""
        unknown = set(sections) - set(SECTION_KEYS)
        if unknown:
            raise ValidationError(f"未知的报告部分：{'、'.join(sorted(unknown))}", field="sections")
        self._check_year(year)
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.scalar(select(AnnualReportRecord).where(AnnualReportRecord.year == year))
            if record is None:
                record = AnnualReportRecord(year=year, **{k: "" for k in SECTION_KEYS})
                session.add(record)
            changed = False
            for key, text in sections.items():
                if (getattr(record, key) or "") != text:
                    setattr(record, key, text)
                    changed = True
            if changed or record.saved_at is None:
                record.saved_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
            session.flush()
            return self._draft(record)

    def _check_year(self, year: int) -> None:
        if not 1921 <= year <= self.ctx.today().year + 1:
            raise ValidationError(f"年度{year}不在可填写的范围内", field="year")

    # -- the three lists ---------------------------------------------------------------------------
    def list_items(self, year: int) -> list[ItemDto]:
        with self.ctx.reading() as session:
            records = session.scalars(
                select(AnnualItemRecord).where(AnnualItemRecord.year == year)
                .order_by(AnnualItemRecord.position, AnnualItemRecord.id)).all()
            origin_ids = [r.carried_from_id for r in records if r.carried_from_id]
            years = dict(session.execute(
                select(AnnualItemRecord.id, AnnualItemRecord.year).where(AnnualItemRecord.id.in_(origin_ids))).all()) if origin_ids else {}
            today = self.ctx.today()
            return [_item_dto(r, today, years) for r in records]

    def pending_carry_over(self, year: int) -> list[ItemDto]:
        """Last year's items still open and not yet carried into `year`."""
        with self.ctx.reading() as session:
            ids = self._pending_ids(session, year)
        return [i for i in self.list_items(year - 1) if i.id in ids]

    @staticmethod
    def _pending_ids(session: Any, year: int) -> set[int]:
        previous = session.execute(
            select(AnnualItemRecord.id, AnnualItemRecord.status).where(AnnualItemRecord.year == year - 1)).all()
        carried = session.scalars(
            select(AnnualItemRecord.carried_from_id).where(AnnualItemRecord.year == year,
                                                          AnnualItemRecord.carried_from_id.is_not(None))).all()
        return set(carry_candidates([(i, s) for i, s in previous], carried))

    def carry_over(self, year: int) -> list[ItemDto]:
        """Bring last year's unfinished rectifications in as the opening of `year`'s list (one action)."""
        self._check_year(year)
        with self.ctx.unit_of_work() as session:
            ids = self._pending_ids(session, year)
            if not ids:
                return []
            sources = session.scalars(
                select(AnnualItemRecord).where(AnnualItemRecord.id.in_(ids)).order_by(AnnualItemRecord.position, AnnualItemRecord.id)).all()
            existing = session.scalars(select(AnnualItemRecord).where(AnnualItemRecord.year == year)).all()
            for record in existing:  # the carried items open the new list
                record.position += len(sources)
            for index, src in enumerate(sources):
                session.add(AnnualItemRecord(
                    year=year, position=index, problem=src.problem, cause=src.cause, raised_on=src.raised_on,
                    responsible=src.responsible, measure=src.measure, deadline=src.deadline, status=src.status,
                    completed_on=None, result=src.result, evidence_sha256=src.evidence_sha256,
                    evidence_name=src.evidence_name, evidence_type=src.evidence_type, carried_from_id=src.id,
                ))
        return [i for i in self.list_items(year) if i.carried_from_id in ids]

    def add_item(self, year: int, fields: ItemFields, *, evidence: Path | None = None) -> ItemDto:
        self._check_year(year)
        fields = self._clean(fields)
        validate_item(fields, self.ctx.today())
        stored = self._store(evidence) if evidence else None
        with self.ctx.unit_of_work() as session:
            position = session.scalar(select(func.coalesce(func.max(AnnualItemRecord.position), -1))
                                      .where(AnnualItemRecord.year == year)) + 1
            record = AnnualItemRecord(year=year, position=position, **self._columns(fields))
            if stored is not None:
                record.evidence_sha256, record.evidence_name, record.evidence_type = stored
            session.add(record)
            session.flush()
            item_id = record.id
        return self.get_item(item_id)

    def get_item(self, item_id: int) -> ItemDto:
        with self.ctx.reading() as session:
            record = session.get(AnnualItemRecord, item_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {item_id} 的清单事项")
            year = {}
            if record.carried_from_id:
                origin = session.get(AnnualItemRecord, record.carried_from_id)
                year = {origin.id: origin.year} if origin else {}
            return _item_dto(record, self.ctx.today(), year)

    def update_item(self, item_id: int, fields: ItemFields, *, evidence: Path | None = None,
                    amendment_reason: str | None = None) -> ItemDto:
        fields = self._clean(fields)
        validate_item(fields, self.ctx.today())
        stored = self._store(evidence) if evidence else None
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.get(AnnualItemRecord, item_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {item_id} 的清单事项")
            for name, value in self._columns(fields).items():
                setattr(record, name, value)
            if stored is not None:
                record.evidence_sha256, record.evidence_name, record.evidence_type = stored
        return self.get_item(item_id)

    def delete_item(self, item_id: int, *, amendment_reason: str | None = None) -> None:
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.get(AnnualItemRecord, item_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {item_id} 的清单事项")
            if session.scalar(select(func.count()).where(AnnualItemRecord.carried_from_id == item_id)):
                raise ValidationError("该事项已转入下一年度的清单，不能删除；可在下一年度中更新其整改情况")
            session.delete(record)

    def evidence_path(self, item: ItemDto) -> Path | None:
        if not item.evidence_sha256:
            return None
        from desktop.storage.attachments import AttachmentStore

        return AttachmentStore(self.ctx.folder.attachments).path_for(item.evidence_sha256, item.evidence_type or "")

    def _store(self, path: Path) -> tuple[str, str, str]:
        from desktop.storage.attachments import AttachmentStore

        stored = AttachmentStore(self.ctx.folder.attachments).put(Path(path))
        return stored.sha256, stored.filename, stored.media_type

    @staticmethod
    def _clean(fields: ItemFields) -> ItemFields:
        from dataclasses import replace

        return replace(fields, problem=fields.problem.strip(), cause=fields.cause.strip(),
                       responsible=fields.responsible.strip(), measure=fields.measure.strip(), result=fields.result.strip())

    @staticmethod
    def _columns(fields: ItemFields) -> dict[str, Any]:
        return {
            "problem": fields.problem, "cause": fields.cause, "raised_on": fields.raised_on,
            "responsible": fields.responsible, "measure": fields.measure, "deadline": fields.deadline,
            "status": fields.status, "completed_on": fields.completed_on, "result": fields.result,
        }

    # -- the evaluation ----------------------------------------------------------------------------
    def rating_scale(self) -> str:
        from desktop.services.branch import BranchService

        from desktop.domain.annual import RATING_SCALES

        value = BranchService(self.ctx).setting(RATING_SCALE_SETTING, DEFAULT_RATING_SCALE)
        return value if value in RATING_SCALES else DEFAULT_RATING_SCALE

    def set_rating_scale(self, scale: str) -> None:
        from desktop.services.branch import BranchService

        rating_grades(scale)
        BranchService(self.ctx).set_setting(RATING_SCALE_SETTING, scale)

    def eligible_voters(self, year: int, held_on: dt.date | None = None) -> int:
        """Party members who could vote in the 测评: members of the branch on the day it was held."""
        day = held_on or year_period(year, self.ctx.today())[1]
        from desktop.services.roster import RosterService

        return len(RosterService(self.ctx).members_on(day))

    def evaluation(self, year: int) -> EvaluationDto | None:
        with self.ctx.reading() as session:
            record = session.scalar(select(AnnualEvaluationRecord).where(AnnualEvaluationRecord.year == year))
            return _evaluation_dto(record) if record else None

    def save_evaluation(self, year: int, *, counts: Sequence[int], participants: int, held_on: dt.date | None = None,
                        scale: str | None = None, upper_grade: str | None = None, upper_comments: str | None = None,
                        amendment_reason: str | None = None) -> EvaluationDto:
        """Record the 述职评议 tally. The members who could vote are counted from the roster on
        `held_on` (not typed); a tally exceeding them is refused."""
        self._check_year(year)
        today = self.ctx.today()
        if held_on is not None and held_on > today:
            raise ValidationError(f"测评日期{held_on.isoformat()}晚于今天", field="held_on")
        scale = scale or self.rating_scale()
        eligible = self.eligible_voters(year, held_on)
        if eligible == 0:
            raise ValidationError(f"{(held_on or year_period(year, today)[1]).isoformat()}支部没有党员，无法记录测评结果",
                                  field="held_on")
        tally(scale, list(counts), eligible=eligible, participants=participants)
        grades = rating_grades(scale)
        if upper_grade and upper_grade.strip() and upper_grade.strip() not in grades:
            raise ValidationError(f"上级评定等次应为{'、'.join(grades)}之一", field="upper_grade")
        padded = list(counts) + [0] * (4 - len(counts))
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.scalar(select(AnnualEvaluationRecord).where(AnnualEvaluationRecord.year == year))
            if record is None:
                record = AnnualEvaluationRecord(year=year)
                session.add(record)
            record.held_on = held_on
            record.scale = scale
            record.eligible = eligible
            record.participants = participants
            record.count_1, record.count_2, record.count_3, record.count_4 = padded
            record.upper_grade = (upper_grade or "").strip() or None
            record.upper_comments = (upper_comments or "").strip() or None
            session.flush()
            return _evaluation_dto(record)

    def life_meetings(self, year: int) -> list[LifeMeeting]:
        """The year's 组织生活会 and 民主评议党员 meetings, for the source of members' grades."""
        service = self._area("meetings")
        if service is None or not hasattr(service, "list_meetings"):
            return []
        return [LifeMeeting(i, label) for i, label in life_meetings(service, year)]

    def member_grades(self, year: int) -> list[MemberGradeDto]:
        with self.ctx.reading() as session:
            rows = session.execute(
                select(AnnualMemberGradeRecord, MemberRecord.name).join(MemberRecord, MemberRecord.id == AnnualMemberGradeRecord.member_id)
                .where(AnnualMemberGradeRecord.year == year).order_by(AnnualMemberGradeRecord.member_id)).all()
            return [MemberGradeDto(r.id, r.year, r.member_id, name, r.grade, r.meeting_id, r.source, r.note) for r, name in rows]

    def gradable_members(self, year: int) -> list[tuple[int, str]]:
        """(id, name) of everyone who was a Party member of the branch at some time in `year`."""
        people, _ = self._roster_facts()
        start, end = year_period(year, self.ctx.today())
        from desktop.domain.roster import is_member_on

        out = []
        for p in people:
            days = [start, end] + [c.effective for c in p.changes if start <= c.effective <= end]
            if any(is_member_on(p.changes, d) for d in days):
                out.append((p.member_id, p.name))
        return out

    def set_member_grade(self, year: int, member_id: int, grade: str, *, meeting_id: int | None = None,
                         note: str | None = None, amendment_reason: str | None = None) -> MemberGradeDto:
        """A member's 民主评议 grade, from the 组织生活会 `meeting_id` (a meeting of the meetings area)."""
        if grade not in MEMBER_GRADES:
            raise ValidationError(f"评议等次应为{'、'.join(MEMBER_GRADES)}之一，而不是“{grade}”", field="grade")
        eligible = dict(self.gradable_members(year))
        if member_id not in eligible:
            raise ValidationError(f"编号为{member_id}的人员在{year}年不是本支部党员，不能参加民主评议", field="member_id")
        source = None
        if meeting_id is not None:
            meetings = {m.id: m.label for m in self.life_meetings(year)}
            if meeting_id not in meetings:
                raise ValidationError(f"找不到{year}年编号为{meeting_id}的组织生活会/民主评议会议记录", field="meeting_id")
            source = meetings[meeting_id]
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.scalar(select(AnnualMemberGradeRecord).where(
                AnnualMemberGradeRecord.year == year, AnnualMemberGradeRecord.member_id == member_id))
            if record is None:
                record = AnnualMemberGradeRecord(year=year, member_id=member_id)
                session.add(record)
            record.grade = grade
            record.meeting_id = meeting_id
            record.source = source
            record.note = (note or "").strip() or None
            session.flush()
            return MemberGradeDto(record.id, year, member_id, eligible[member_id], grade, meeting_id, source, record.note)

    def clear_member_grade(self, year: int, member_id: int, *, amendment_reason: str | None = None) -> None:
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            session.execute(delete(AnnualMemberGradeRecord).where(
                AnnualMemberGradeRecord.year == year, AnnualMemberGradeRecord.member_id == member_id))

    # -- the home page -----------------------------------------------------------------------------
    def home_items(self) -> list[Any]:
        from desktop.services.bundle import HomeItem

        today = self.ctx.today()
        items = []
        open_items = [i for i in self.list_items(today.year) if i.is_open]
        overdue = [i for i in open_items if i.overdue]
        if overdue:
            items.append(HomeItem("warning", "annual", f"整改清单中有{len(overdue)}项已超过整改时限仍未完成"))
        pending = self.pending_carry_over(today.year)
        if pending:
            items.append(HomeItem("info", "annual", f"{today.year - 1}年有{len(pending)}项整改未完成，尚未转入{today.year}年清单"))
        if today.month == 12 or today.month == 1:
            year = today.year if today.month == 12 else today.year - 1
            if self.report(year).is_empty:
                items.append(HomeItem("info", "annual", f"{year}年度述职报告尚未开始撰写（述职评议一般在12月至次年1月）"))
        return items

    # -- printing ----------------------------------------------------------------------------------
    def _page_info(self, title: str, footer_note: str) -> Any:
        from desktop.ledgers.layout import PageInfo
        from desktop.services.branch import BranchService

        return PageInfo(title=title, branch_name=BranchService(self.ctx).branch_name(),
                        printed_on=self.ctx.today(), footer_note=footer_note)

    def _secretary(self) -> str:
        from desktop.services.branch import BranchService

        term = BranchService(self.ctx).current_term()
        if term is None:
            return ""
        return next((s.member_name for s in term.seats if s.post == "书记"), "")

    def render_ledger(self, year: int | None, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """The 述职报告 PDF: cover, the four sections, the figure tables and the three lists."""
        from desktop.ledgers.annual import ReportDocument, render_report

        year = year or self.ctx.today().year
        figures = self.figures(year)
        draft = self.report(year)
        items = self.list_items(year)
        if not figures.has_records and draft.is_empty and not items:
            raise LedgerError(f"{year}年没有任何台账记录，也没有述职报告草稿和清单：无法生成述职报告")
        title = f"{year}年度党支部书记抓党建工作述职报告"
        doc = ReportDocument(year=year, title=title, secretary=self._secretary(), draft=draft, figures=figures,
                             items=tuple(items), previous_items=tuple(self.list_items(year - 1)))
        render_report(Path(out), self._page_info(title, footer_note), doc)
        records: list[tuple[str, int]] = []
        if draft.id is not None:
            records.append(("annual_report", draft.id))
        records += [("annual_item", i.id) for i in items]
        return RenderedLedger("report", title, Path(out), year, tuple(records))

    def render_evaluation(self, year: int, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """The 述职评议 record: the tally with percentages, the upper organization's verdict, members' grades."""
        from desktop.ledgers.annual import EvaluationDocument, render_evaluation

        evaluation = self.evaluation(year)
        grades = self.member_grades(year)
        if evaluation is None and not grades:
            raise LedgerError(f"{year}年尚未录入测评结果和民主评议等次：无法打印评议记录")
        title = f"{year}年度党支部书记述职评议及民主评议党员结果"
        doc = EvaluationDocument(year=year, title=title, secretary=self._secretary(), evaluation=evaluation,
                                 grades=tuple(grades))
        render_evaluation(Path(out), self._page_info(title, footer_note), doc)
        records = ([("annual_evaluation", evaluation.id)] if evaluation else []) + [("annual_member_grade", g.id) for g in grades]
        return RenderedLedger("evaluation", title, Path(out), year, tuple(records))

    def render_summary(self, year: int, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """The one-page 年度党建工作统计表."""
        from desktop.ledgers.annual import render_summary

        figures = self.figures(year)
        if not figures.has_records:
            raise LedgerError(f"{year}年没有任何台账记录：统计表无数据可填，未生成")
        title = f"{year}年度党建工作统计表"
        items = self.list_items(year)
        evaluation = self.evaluation(year)
        render_summary(Path(out), self._page_info(title, footer_note), figures, items, evaluation)
        return RenderedLedger("summary", title, Path(out), year, ())


__all__ = [
    "AnnualReportService", "EvaluationDto", "ItemDto", "LifeMeeting", "MemberGradeDto", "ReportDraft",
    "MISSING_SOURCE_TEXT", "NO_DATA", "FigureRow",
]
