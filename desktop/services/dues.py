"""Dues use cases (党费): yearly determination, payments and receipts, arrears, remittance, the ledger.

`DuesService` is put together from one class per part, each in its own module:
- services/dues_determinations.py: the settings and the yearly determination (年度核定);
- services/dues_payments.py: the months owed, payments (缴纳) and their receipts (收据);
- services/dues_remittances.py: remittance (上缴) and the branch's balance;
- services/dues_year.py: the year's grid, standings, home-page reminders and figures;
- services/dues_ledger.py: the annual ledger (PDF and .xlsx), built on the year's grid.
How a member's months are read (membership, the determination in force, what was paid) is in
services/dues_months.py; the DTOs are in services/dues_types.py and importable from here too.
Each user action is one unit of work."""

from __future__ import annotations

from desktop.services.context import LedgerContext
from desktop.services.dues_determinations import DuesDeterminations
from desktop.services.dues_ledger import DuesLedger
from desktop.services.dues_payments import DuesPayments
from desktop.services.dues_remittances import DuesRemittances
from desktop.services.dues_types import (  # noqa: F401 - re-exported: callers import them from here
    ZERO, DeterminationDto, DuesBalance, DuesLedgerData, DuesSettings, DuesYearFigures, DuesYearReport,
    MemberStanding, MemberYearRow, MemberYearTotals, MonthCell, PaymentDto, PaymentMonthDto, RemittanceDto,
)


class DuesService(DuesDeterminations, DuesPayments, DuesRemittances, DuesLedger):
    """党费: determinations, payments, arrears, remittances and the dues ledger of one branch."""

    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx
