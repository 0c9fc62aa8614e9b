"""All services of one open data folder, built once and handed to the window or the CLI.

Each area's service is created on first use, so opening the window does not import what a
section not yet shown needs (reportlab, pyHanko, openpyxl)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from desktop.services.branch import BranchService
from desktop.services.context import LedgerContext
from desktop.services.roster import RosterService


@dataclass(frozen=True)
class HomeItem:
    """One line on the home page: something due, overdue or wrong."""

    level: str  # "danger" | "warning" | "info"
    area: str  # section key: "roster", "meetings", "dues", ...
    text: str


class Services:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    @cached_property
    def branch(self) -> BranchService:
        return BranchService(self.ctx)

    @cached_property
    def roster(self) -> RosterService:
        return RosterService(self.ctx)

    @cached_property
    def roster_io(self) -> Any:
        from desktop.services.roster_io import RosterIoService

        return RosterIoService(self.ctx)

    @cached_property
    def meetings(self) -> Any:
        from desktop.services.meetings import MeetingService

        return MeetingService(self.ctx)

    @cached_property
    def dues(self) -> Any:
        from desktop.services.dues import DuesService

        return DuesService(self.ctx)

    @cached_property
    def annual(self) -> Any:
        from desktop.services.annual_report import AnnualReportService

        return AnnualReportService(self.ctx)

    @cached_property
    def ledgers(self) -> Any:
        from desktop.services.ledgers import LedgerService

        return LedgerService(self.ctx)

    @cached_property
    def sync(self) -> Any:
        from desktop.services.sync import SyncService

        return SyncService(self.ctx)

    @cached_property
    def maintenance(self) -> Any:
        from desktop.services.maintenance import MaintenanceService

        return MaintenanceService(self.ctx)

    def home_items(self) -> list[HomeItem]:
        """What the home page lists: each area's service contributes through its `home_items()`."""
        items = [HomeItem(w.level, "settings", w.text) for w in self.branch.warnings()]
        for area in ("roster", "meetings", "dues", "annual", "ledgers", "sync"):
            try:
                service = getattr(self, area)
            except ImportError:  # an area not built yet
                continue
            provider = getattr(service, "home_items", None)
            if provider is not None:
                items.extend(provider())
        order = {"danger": 0, "warning": 1, "info": 2}
        return sorted(items, key=lambda i: order.get(i.level, 3))

    def close(self) -> None:
        self.ctx.close()
