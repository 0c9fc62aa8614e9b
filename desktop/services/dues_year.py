"""The dues year (党费): each member's months in a grid, standings (paid up to, arrears), the home
page's reminders and the year's figures: part of `DuesService` (services/dues.py). Reads only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.dues import Month, month_range, rate_text, standing, standing_over, yuan
from desktop.domain.errors import NotFoundError
from desktop.domain.roster import is_member_on
from desktop.services.bundle import HomeItem
from desktop.services.context import LedgerContext
from desktop.services.dues_months import (
    _MemberFacts,
    _MonthState,
    _member_facts,
    _in_branch,
    _determination_rows,
    _Determinations,
    _month_states,
    _due_runs,
    _paid_by_month,
    _paid_of_members,
)
from desktop.services.dues_payments import read_payments
from desktop.services.dues_remittances import read_remittances
from desktop.services.dues_types import (
    ZERO,
    PaymentDto,
    RemittanceDto,
    MonthCell,
    MemberYearRow,
    MemberStanding,
    DuesYearFigures,
    MemberYearTotals,
    DuesYearReport,
)
from desktop.storage.models.dues import DuesDeterminationRecord, DuesPaymentRecord


class DuesYear:
    """The grid, standings and figures part of `DuesService`."""

    ctx: LedgerContext

    # -- the year's grid, standings, figures --------------------------------------------------
    def year_grid(self, year: int) -> list[MemberYearRow]:
        """Every member who belonged to the branch in some month of `year`, month by month."""
        with self.ctx.reading() as session:
            return self._year_rows(session, year)

    def _year_rows(self, session: Session, year: int, payments: list[PaymentDto] | None = None,
                   *, totals_only: bool = False) -> list[MemberYearRow] | list[MemberYearTotals]:
        """The year's grid; `totals_only`: only each member's totals of the year (no standing over the
        member's whole history, no notes), for the 述职 figures."""
        today = self.ctx.today()
        current = Month.of(today)
        months = month_range(Month(year, 1), Month(year, 12))
        payments = read_payments(session, year) if payments is None else payments
        extras: dict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
        explanations: dict[int, list[str]] = defaultdict(list)
        for p in payments:
            if p.paid_on.year == year:
                v, lg = extras[p.member_id]
                extras[p.member_id] = (v + p.voluntary, lg + p.large)
            if p.explanation and p.paid_on.year == year:
                explanations[p.member_id].append(f"{p.paid_on:%m-%d}{p.explanation}")
        # the year's people: in the branch in some month of it, or paying extra during it (a month
        # with dues is a month in the branch); only their determinations and payments are read
        people = [facts for facts in _member_facts(session)
                  if facts.record.id in extras or any(_in_branch(facts, m) for m in months)]
        member_ids = [facts.record.id for facts in people]
        # a later year's determination is never in force in this year; the standing reads them all
        dets = _Determinations(_determination_rows(session, member_ids, up_to_year=year if totals_only else None))
        paid = _paid_by_month(session, member_ids, (months[0], months[-1]))
        paid_of = {} if totals_only else _paid_of_members(session, member_ids)
        rows: list = []  # type: ignore[type-arg]
        for facts in people:
            member_id = facts.record.id
            states = _month_states(facts, dets, months)
            cells = []
            for month in months:
                state = states[month]
                got, last, who = paid.get((member_id, month.index), (ZERO, None, None))
                cells.append(MonthCell(month.month, self._cell_state(facts, month, state, got, current), state.due,
                                       got, last, who, state.provisional))
            past_due = [c for c in cells if c.due is not None and Month(year, c.month) < current]
            year_due = sum((c.due for c in cells if c.due is not None), ZERO)
            year_paid = sum((c.paid for c in cells), ZERO)
            arrears = sum((max(c.due - c.paid, ZERO) for c in past_due), ZERO)  # type: ignore[operator]
            if totals_only:
                rows.append(MemberYearTotals(member_id, facts.record.name, year_due, year_paid, arrears))
                continue
            year_dets = [r for r in dets.by_member.get(member_id, []) if r.year == year]
            first, _ = dets.in_force(member_id, Month(year, 1)) if not year_dets else (year_dets[0], False)
            history = self._history_dues(facts, dets, paid_of.get(member_id, {}), today)
            notes = [f"自{r.from_month}月起调整为{yuan(r.amount)}元（{r.reason or '年中调整'}）" for r in year_dets if r.is_change]
            notes += [f"生活困难，批准：{r.approval_ref}" for r in year_dets if r.approval_ref]
            notes += [f"{t.transfer_date:%Y-%m-%d}{t.direction}" + (f"（党费交至{t.dues_paid_to}）" if t.dues_paid_to else "")
                      for t in facts.record.transfers if t.transfer_date.year == year]
            if any(c.provisional for c in cells if c.due is not None):
                notes.append(f"{year}年尚未核定，暂按上年核定额")
            notes += explanations.get(member_id, [])
            volunteer, large = extras[member_id]
            rows.append(MemberYearRow(
                member_id=member_id, name=facts.record.name,
                category=first.category if first else facts.record.category,
                base=first.base if first else None,
                rate_label=rate_text(Decimal(first.rate)) if first and first.rate else ("定额" if first else ""),
                monthly=first.amount if first else None,
                cells=tuple(cells),
                year_due=year_due, year_paid=year_paid, arrears=arrears,
                paid_up_to=history.paid_up_to, consecutive_unpaid=history.consecutive_unpaid,
                voluntary=volunteer, large=large, note="；".join(notes),
            ))
        return rows

    @staticmethod
    def _cell_state(facts: _MemberFacts, month: Month, state: _MonthState, got: Decimal, current: Month) -> str:
        if state.due is None:
            return "undetermined" if _in_branch(facts, month) and not (
                facts.paid_elsewhere_to and month <= facts.paid_elsewhere_to) else "out"
        if state.due == 0:
            return "exempt"
        if got >= state.due:
            return "advance" if month > current else "paid"
        if got > 0:
            return "partial"
        if month < current:
            return "overdue"
        return "due" if month == current else "future"

    @staticmethod
    def _history_dues(facts: _MemberFacts, dets: _Determinations, paid: Mapping[int, Decimal], today: dt.date):  # type: ignore[no-untyped-def]
        """The member's standing over every month since their first determination (worked out over
        runs of months with the same amount due, not month by month); `paid`: month index -> what
        was paid for it (`_paid_of_members`)."""
        member_id = facts.record.id
        records = dets.by_member.get(member_id, [])
        if not records:
            return standing([], today)
        first = Month(records[0].year, records[0].from_month)
        last = max(Month.of(today) + 12, Month(records[-1].year, 12))
        return standing_over(_due_runs(facts, dets, first, last), paid, today)

    def standings(self) -> list[MemberStanding]:
        """Each current member's paid-up-to month, arrears and advance as of today."""
        today = self.ctx.today()
        with self.ctx.reading() as session:
            dets = _Determinations(_determination_rows(session))
            paid = _paid_of_members(session)
            result = []
            for facts in _member_facts(session):
                if not is_member_on(facts.changes, today):
                    continue
                s = self._history_dues(facts, dets, paid.get(facts.record.id, {}), today)
                result.append(MemberStanding(facts.record.id, facts.record.name, s.paid_up_to, s.arrears,
                                             s.arrears_months, s.advance, s.consecutive_unpaid))
            return result

    def paid_to_for_transfer(self, member_id: int) -> str | None:
        """The "党费交至 YYYY-MM" value for a transfer-out letter (None if nothing was ever paid)."""
        today = self.ctx.today()
        with self.ctx.reading() as session:
            facts = _member_facts(session, [member_id])
            if not facts:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            dets = _Determinations(_determination_rows(session, [member_id]))
            paid = _paid_of_members(session, [member_id])
            s = self._history_dues(facts[0], dets, paid.get(member_id, {}), today)
        if s.paid_up_to is None:
            return str(facts[0].paid_elsewhere_to) if facts[0].paid_elsewhere_to else None
        return str(s.paid_up_to)

    def home_items(self) -> list[HomeItem]:
        items = []
        for s in self.standings():
            if s.consecutive_unpaid >= 5:
                items.append(HomeItem("danger", "dues", f"{s.name}已连续{s.consecutive_unpaid}个月未交纳党费（欠{yuan(s.arrears)}元）："
                                      "连续6个月不交纳党费又无正当理由的，按自行脱党处理，请尽快谈话提醒"))
            elif s.consecutive_unpaid >= 3:
                items.append(HomeItem("warning", "dues", f"{s.name}已连续{s.consecutive_unpaid}个月未交纳党费（欠{yuan(s.arrears)}元），请提醒补交"))
        year = self.ctx.today().year
        with self.ctx.reading() as session:
            determined = set(session.scalars(select(DuesDeterminationRecord.member_id)
                                             .where(DuesDeterminationRecord.year == year)).all())
            missing = [f.record.id for f in _member_facts(session)
                       if is_member_on(f.changes, self.ctx.today()) and f.record.id not in determined]
        if missing:
            items.append(HomeItem("info", "dues", f"{len(missing)}名党员尚未核定{year}年党费（年度核定）"))
        return items

    def year_overview(self, year: int) -> tuple[list[MemberYearRow], DuesYearFigures]:
        """The grid and the figures of `year` from one read (what the dues page shows)."""
        with self.ctx.reading() as session:
            rows = self._year_rows(session, year)
            return rows, self._figures(session, year, rows)

    def year_figures(self, year: int) -> DuesYearFigures:
        with self.ctx.reading() as session:  # the figures add up the members' totals only
            return self._figures(session, year, self._year_rows(session, year, totals_only=True))

    def year_report(self, year: int) -> DuesYearReport:
        """The grid, figures, remittances and payments of `year` from one read (the 述职 figures)."""
        with self.ctx.reading() as session:
            payments = read_payments(session, year)
            rows = self._year_rows(session, year, payments, totals_only=True)
            remittances = read_remittances(session, year)
            figures = self._figures(session, year, rows, remittances)
        return DuesYearReport(year, tuple(rows), figures, tuple(remittances), tuple(payments))

    def _figures(self, session: Session, year: int, rows: Sequence[MemberYearRow] | Sequence[MemberYearTotals],
                 remittances: Sequence[RemittanceDto] | None = None) -> DuesYearFigures:
        p = DuesPaymentRecord
        received = session.execute(select(p.paid_on, p.amount, p.voluntary, p.large).where(
            func.strftime("%Y", p.paid_on) == f"{year:04d}")).all()
        by_month = {m: ZERO for m in range(1, 13)}
        for row in received:
            by_month[row.paid_on.month] += row.amount
        remittances = read_remittances(session, year) if remittances is None else remittances
        remitted = sum((r.amount for r in remittances), ZERO)
        return DuesYearFigures(
            year=year,
            due=sum((r.year_due for r in rows), ZERO),
            paid=sum((r.year_paid for r in rows), ZERO),
            arrears=sum((r.arrears for r in rows), ZERO),
            remitted=remitted,
            voluntary=sum((row.voluntary for row in received), ZERO),
            large=sum((row.large for row in received), ZERO),
            collected=sum(by_month.values(), ZERO),
            collected_by_month=by_month,
            members_due=sum(1 for r in rows if r.year_due > 0),
            members_in_arrears=sum(1 for r in rows if r.arrears > 0),
        )

    def collection_by_month(self, year: int) -> dict[int, Decimal]:
        """Everything received in each month of `year` (1..12), by payment date."""
        return dict(self.year_figures(year).collected_by_month)
