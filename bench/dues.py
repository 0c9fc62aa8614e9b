"""Dues benchmarks, in one run (data built in a temp folder):

- the annual dues ledger (党费收缴台账) of a branch with 200 members, a year of quarterly payments,
  through DuesService.render_ledger (database read + glyph check + numbered two-pass canvas),
  against raw reportlab building the same main table and sections (same rows and styles, plain
  SimpleDocTemplate, no page numbering pass, no glyph check, no database): target ≤ 1.2×;
- DuesService.record_payment (median, target ≤ 50 ms) and year_grid for 200 members (target ≤ 1 s).
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

TODAY = dt.date(2026, 12, 31)
YEAR = 2026
MEMBERS = 200
LEDGER_TARGET_RATIO = 1.2
PAYMENT_TARGET_MS = 50.0
GRID_TARGET_S = 1.0


def _branch(folder: Path):  # type: ignore[no-untyped-def]
    from desktop.domain.dues import Month, allocate_payment, determine_dues, MonthDue
    from desktop.domain.roster import MemberFields
    from desktop.services.branch import BranchProfile
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.services.demo.roster import GIVEN, SURNAMES
    from desktop.storage.models.dues import DuesDeterminationRecord, DuesPaymentMonthRecord, DuesPaymentRecord

    services = Services(open_ledger(folder, today=lambda: TODAY))
    services.branch.save_profile(BranchProfile(name="基准测试党支部", founded_on=dt.date(2020, 1, 1)))
    ids = []
    for i in range(MEMBERS):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i * 7 % len(GIVEN)] + GIVEN[i // 3 % len(GIVEN)]
        fields = MemberFields(name=name, joined_on=dt.date(2015, 7, 1), confirmed_on=dt.date(2016, 7, 1),
                              category="离退休" if i % 9 == 0 else "在职")
        ids.append(services.roster.add_member(fields, effective_on=dt.date(2015, 7, 1)).id)
    # determinations and a year of quarterly payments, written in one transaction (set-up, not measured)
    number = 0
    with services.ctx.unit_of_work() as session:
        for i, member_id in enumerate(ids):
            category = "离退休" if i % 9 == 0 else "在职"
            base = Decimal(2500 + (i * 397) % 14000)
            result = determine_dues(category, base)
            session.add(DuesDeterminationRecord(
                member_id=member_id, year=YEAR, from_month=1, category=category, base=base, fixed_amount=None,
                voluntary=False, amount=result.amount, rate=str(result.rate), rule=result.rule,
                rounding="half_up_fen", approval_ref=None, is_change=False, reason=None, determined_by="书记",
                determined_on=dt.date(YEAR, 1, 8)))
            last_quarter = 4 if i % 11 else 2  # some members fall behind
            for quarter in range(1, last_quarter + 1):
                months = [Month(YEAR, quarter * 3 - 2 + k) for k in range(3)]
                allocation = allocate_payment(result.amount * 3, [MonthDue(m, result.amount) for m in months])
                number += 1
                payment = DuesPaymentRecord(
                    member_id=member_id, paid_on=dt.date(YEAR, quarter * 3 - 2, 10 + i % 15),
                    amount=allocation.amount, regular=allocation.regular, voluntary=allocation.voluntary,
                    large=allocation.large, method="现金", collector="组织委员", receipt_year=YEAR,
                    receipt_number=f"{YEAR}-{number:04d}", explanation=None, override_reason=None, note=None)
                for line in allocation.lines:
                    payment.months.append(DuesPaymentMonthRecord(member_id=member_id, month_index=line.month.index,
                                                                 due=line.due, applied=line.applied))
                session.add(payment)
    return services, ids


def _raw_reportlab(data, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The same flowables with reportlab alone: plain page template, one pass, no glyph check, no database."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from desktop.ledgers.dues import ledger_story

    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=16 * mm, bottomMargin=15 * mm)
    doc.build(ledger_story(data))


def _median(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> dict[str, float]:
    from desktop.domain.dues import Month
    from desktop.ledgers.dues import render_dues_ledger

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        services, ids = _branch(folder / "data")
        try:
            dues = services.dues
            dues.render_ledger(YEAR, folder / "warm.pdf")  # fonts registered, imports done
            data = dues.ledger_data(YEAR)
            ours_runs, raw_runs, render_runs = [], [], []
            for _ in range(3):  # interleaved, best of 3: the machine may be busy with other work
                raw_runs.append(_median(lambda: _raw_reportlab(data, folder / "raw.pdf"), runs=1))
                ours_runs.append(_median(lambda: dues.render_ledger(YEAR, folder / "ours.pdf"), runs=1))
                render_runs.append(_median(lambda: render_dues_ledger(data, folder / "render.pdf"), runs=1))
            ours, raw, render_only = min(ours_runs), min(raw_runs), min(render_runs)
            from pypdf import PdfReader

            pages = len(PdfReader(folder / "ours.pdf").pages)
            grid = _median(lambda: dues.year_grid(YEAR))
            behind = [m for i, m in enumerate(ids) if i % 11 == 0][:15]
            pay_times = []
            for member_id in behind:
                start = time.perf_counter()
                dues.record_payment(member_id, paid_on=dt.date(YEAR, 12, 20), months=[Month(YEAR, 7)],
                                    amount=dues.due_months(member_id, around=dt.date(YEAR, 12, 20))[0].due,
                                    method="现金", collector="组织委员")
                pay_times.append(time.perf_counter() - start)
            pay_ms = statistics.median(pay_times) * 1000
        finally:
            services.close()
    ratio = ours / raw
    figures = {"ledger_s": ours, "raw_reportlab_s": raw, "ratio": ratio, "render_only_s": render_only,
               "render_only_ratio": render_only / raw, "pages": float(pages),
               "year_grid_s": grid, "record_payment_ms": pay_ms}
    print(f"dues ledger, {MEMBERS} members, {pages} pages: {ours:.2f} s vs raw reportlab {raw:.2f} s "
          f"= {ratio:.2f}× (target ≤ {LEDGER_TARGET_RATIO}×) {'OK' if ratio <= LEDGER_TARGET_RATIO else 'MISSED'}")
    print(f"  of which PDF rendering without the database read: {render_only:.2f} s = {render_only / raw:.2f}×")
    print(f"year grid, {MEMBERS} members: {grid:.3f} s (target ≤ {GRID_TARGET_S} s) "
          f"{'OK' if grid <= GRID_TARGET_S else 'MISSED'}")
    print(f"record_payment median: {pay_ms:.1f} ms (target ≤ {PAYMENT_TARGET_MS} ms) "
          f"{'OK' if pay_ms <= PAYMENT_TARGET_MS else 'MISSED'}")
    return figures


if __name__ == "__main__":
    main()
