"""The annual dues ledger (党费收缴台账): its data, the PDF with its 更正 lines, and the .xlsx export:
part of `DuesService` (services/dues.py), built on the year's grid and figures (`DuesYear`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from desktop.domain.dues import rules_text
from desktop.services.dues_months import _settings_from
from desktop.services.dues_payments import read_payments
from desktop.services.dues_remittances import read_balance, read_remittances
from desktop.services.dues_types import DuesLedgerData
from desktop.services.dues_year import DuesYear
from desktop.services.rendered import RenderedLedger
from desktop.storage.models.dues import DuesDeterminationRecord, DuesPaymentMonthRecord, DuesPaymentRecord


class DuesLedger(DuesYear):
    """The ledger part of `DuesService`."""

    # -- the ledger ----------------------------------------------------------------------------
    def ledger_data(self, year: int | None = None) -> DuesLedgerData:
        today = self.ctx.today()
        year = year or today.year
        with self.ctx.reading() as session:
            from desktop.storage.models import BranchRecord

            branch_name = session.scalar(select(BranchRecord.name).limit(1)) or "（未设置支部名称）"
            payments = read_payments(session, year)
            rows = self._year_rows(session, year, payments)
            remittances = read_remittances(session, year)
            figures = self._figures(session, year, rows, remittances)
            balance = read_balance(session, dt.date(year, 12, 31))
            settings = _settings_from(session)
            member_ids = [r.member_id for r in rows]
            det_ids = session.scalars(select(DuesDeterminationRecord.id).where(
                DuesDeterminationRecord.year == year, DuesDeterminationRecord.member_id.in_(member_ids))).all()
            line_ids = session.scalars(select(DuesPaymentMonthRecord.id).where(
                DuesPaymentMonthRecord.payment_id.in_([p.id for p in payments]))).all()
        records = ([("dues_determination", i) for i in det_ids] + [("dues_payment", p.id) for p in payments]
                   + [("dues_payment_month", i) for i in line_ids] + [("dues_remittance", r.id) for r in remittances])
        return DuesLedgerData(
            branch_name=branch_name, year=year, printed_on=today,
            rows=tuple(rows), remittances=tuple(remittances), figures=figures, balance=balance, settings=settings,
            rules=rules_text(settings.farmer_amount, settings.rounding), records=tuple(sorted(records)),
        )

    def render_ledger(self, year: int | None, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """The annual dues ledger (党费收缴台账) as an A4 landscape PDF."""
        from desktop.ledgers.dues import render_dues_ledger

        data = self.ledger_data(year)
        path = render_dues_ledger(data, Path(out), footer_note=footer_note, amendments=self._ledger_amendments(data))
        return RenderedLedger(kind="dues", title=f"{data.year}年度党费收缴台账", path=path, year=data.year,
                              records=data.records)

    def _ledger_amendments(self, data: DuesLedgerData) -> dict[tuple[str, str], list[str]]:
        """The 更正 lines of the shown determinations and payments (with their month lines), keyed
        ("member", str(member_id)): printed beneath that member's block. (Remittances are not a
        member's: their amendments stay on the 更正记录 pages.)"""
        from desktop.services.ledgers import LedgerService

        models = {"dues_determination": DuesDeterminationRecord, "dues_payment": DuesPaymentRecord,
                  "dues_payment_month": DuesPaymentMonthRecord}
        amendments = LedgerService(self.ctx).amendments_for_records(r for r in data.records if r[0] in models)
        if not amendments:
            return {}
        owner: dict[tuple[str, str], int] = {}
        with self.ctx.reading() as session:
            for table, model in models.items():
                ids = sorted({int(a.row_id) for a in amendments if a.table_name == table})
                if ids:
                    for row_id, member_id in session.execute(select(model.id, model.member_id).where(model.id.in_(ids))):
                        owner[(table, str(row_id))] = member_id
        labels = {"dues_determination": "党费核定", "dues_payment": "党费缴纳", "dues_payment_month": "缴纳月份"}
        notes: dict[tuple[str, str], list[str]] = {}
        for a in amendments:
            member_id = owner.get((a.table_name, a.row_id))
            if member_id is not None:
                notes.setdefault(("member", str(member_id)), []).append(f"［{labels[a.table_name]}］{a.describe()}")
        return notes

    def export_xlsx(self, year: int | None, out: Path) -> Path:
        """The same ledger as an .xlsx workbook (for the inspector comparing with bank records)."""
        from desktop.ledgers.dues import write_dues_xlsx

        return write_dues_xlsx(self.ledger_data(year), Path(out))
