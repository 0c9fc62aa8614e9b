"""Passive Qt item models over the dues service's DTOs: the year's grid, payments, remittances."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.domain.dues import yuan

if TYPE_CHECKING:
    from desktop.services.dues import MemberYearRow, PaymentDto, RemittanceDto

Index = QModelIndex | QPersistentModelIndex

# Colour by state, but the text always says it too (never colour alone).
STATE_COLORS: dict[str, str] = {
    "paid": "#DFF0D8", "advance": "#D0E4F5", "exempt": "#EEEEEE", "partial": "#FCE8B2", "overdue": "#F4C7C3",
    "due": "#FFF6D5", "undetermined": "#E8E0F0", "out": "#F7F7F7", "future": "#FFFFFF",
}
ROLE_ROW = Qt.ItemDataRole.UserRole + 1
FIXED = ("姓名", "人员类别", "月应缴")
TAIL = ("全年应缴", "全年实缴", "欠缴", "党费交至", "连续未缴")
GRID_COLUMNS: tuple[str, ...] = (*FIXED, *[f"{m}月" for m in range(1, 13)], *TAIL)
FIRST_MONTH_COLUMN = len(FIXED)


def cell_text(cell: Any) -> str:
    if cell.state in ("paid", "advance"):
        return f"{cell.text} {yuan(cell.paid)}"
    if cell.state == "partial":
        return f"部分 {yuan(cell.paid)}/{yuan(cell.due)}"
    if cell.state in ("overdue", "due"):
        return f"{cell.text} {yuan(cell.due)}"
    if cell.state == "future" and cell.due is not None:
        return f"应缴 {yuan(cell.due)}"
    return cell.text


class DuesGridModel(QAbstractTableModel):
    """Members × months of one year, as `DuesService.year_grid` returns them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MemberYearRow] = []

    def set_rows(self, rows: list[MemberYearRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> MemberYearRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(GRID_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(GRID_COLUMNS):
            return GRID_COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        month = col - FIRST_MONTH_COLUMN
        cell = row.cells[month] if 0 <= month < 12 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if cell is not None:
                return cell_text(cell)
            return self._text(row, col)
        if role == Qt.ItemDataRole.BackgroundRole and cell is not None:
            return QBrush(QColor(STATE_COLORS.get(cell.state, "#FFFFFF")))
        if role == Qt.ItemDataRole.ForegroundRole:
            if (cell is not None and cell.state in ("overdue", "partial")) or (col == len(GRID_COLUMNS) - 3 and row.arrears):
                return QBrush(QColor("#8B0000"))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if cell is not None:
                parts = [f"{row.name} {cell.month}月：{cell.text or '未到期'}"]
                if cell.due is not None:
                    parts.append(f"应缴 {yuan(cell.due)} 元，实缴 {yuan(cell.paid)} 元")
                if cell.paid_on:
                    parts.append(f"缴纳日期 {cell.paid_on.isoformat()}，收缴人 {cell.collector or ''}")
                if cell.provisional:
                    parts.append("本年度尚未核定，暂按上年核定额")
                return "\n".join(parts)
            return row.note or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= FIRST_MONTH_COLUMN - 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROLE_ROW:
            return row.member_id
        return None

    @staticmethod
    def _text(row: MemberYearRow, col: int) -> str:
        tail = col - FIRST_MONTH_COLUMN - 12
        if col == 0:
            return row.name
        if col == 1:
            return row.category
        if col == 2:
            return yuan(row.monthly) if row.monthly is not None else "未核定"
        return (
            yuan(row.year_due), yuan(row.year_paid), yuan(row.arrears) if row.arrears else "",
            str(row.paid_up_to) if row.paid_up_to else "", f"{row.consecutive_unpaid}个月" if row.consecutive_unpaid else "",
        )[tail]


FILTERS: tuple[tuple[str, str], ...] = (
    ("all", "全部党员"), ("arrears", "有欠缴"), ("three", "连续未缴3个月以上"), ("undetermined", "本年度未核定"),
)


class DuesGridFilter(QSortFilterProxyModel):
    """Shows the members a filter asks for (arrears, 3+ months unpaid, not determined) and a name search."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._mode = "all"
        self._text = ""

    def set_mode(self, mode: str) -> None:
        self._mode = mode
        self._refilter()

    def set_text(self, text: str) -> None:
        self._text = text.strip()
        self._refilter()

    def _refilter(self) -> None:
        # Qt 6.10 replaces invalidateFilter() by begin/endFilterChange(); 6.8 has only the former.
        if hasattr(self, "beginFilterChange") and hasattr(self, "endFilterChange"):
            self.beginFilterChange()
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 (Qt API)
        model = self.sourceModel()
        if not isinstance(model, DuesGridModel):
            return True
        row = model.row_at(source_row)
        if self._text and self._text not in row.name:
            return False
        if self._mode == "arrears":
            return row.arrears > 0
        if self._mode == "three":
            return row.consecutive_unpaid >= 3
        if self._mode == "undetermined":
            return any(c.state == "undetermined" or c.provisional for c in row.cells)
        return True


PAYMENT_COLUMNS = ("收据编号", "缴纳日期", "姓名", "所属月份", "金额", "月党费", "自愿多交", "大额党费", "方式", "收缴人", "说明")


class PaymentTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PaymentDto] = []

    def set_rows(self, rows: list[PaymentDto]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> PaymentDto:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(PAYMENT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(PAYMENT_COLUMNS):
            return PAYMENT_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.receipt_number, p.paid_on.isoformat(), p.member_name, p.months_label, yuan(p.amount),
                    yuan(p.regular), yuan(p.voluntary) if p.voluntary else "", yuan(p.large) if p.large else "",
                    p.method, p.collector, p.explanation or p.note or "")[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and 4 <= index.column() <= 7:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROLE_ROW:
            return p.id
        return None


REMITTANCE_COLUMNS = ("上缴日期", "所属期间", "上缴金额", "其中大额党费", "收据编号", "接收单位", "备注")


class RemittanceTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RemittanceDto] = []

    def set_rows(self, rows: list[RemittanceDto]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> RemittanceDto:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(REMITTANCE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(REMITTANCE_COLUMNS):
            return REMITTANCE_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.remitted_on.isoformat(), r.period_label, yuan(r.amount), yuan(r.large) if r.large else "",
                    r.receipt_number, r.recipient or "", r.note or "")[index.column()]
        if role == ROLE_ROW:
            return r.id
        return None
